package contract_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/contract"
	"github.com/callfluent/usermock/contract/fakes"
)

// wrongKey is an API key that no fake accepts.
const wrongKey = "wrong-key-Juliet-7c21"

// preflight runs Preflight with cfg and a generous timeout.
func preflight(cfg contract.Config) error {
	return contract.Preflight(context.Background(), cfg, 5*time.Second)
}

// startPrefixedFake serves a fake under the path prefix /api.
func startPrefixedFake(t *testing.T, opts fakes.Options) *httptest.Server {
	t.Helper()
	server := httptest.NewServer(http.StripPrefix("/api", fakes.New(opts)))
	t.Cleanup(server.Close)
	return server
}

func TestPreflightPassesWorkingSetup(t *testing.T) {
	cases := []struct {
		name    string
		opts    fakes.Options
		baseURL func(url string) string
	}{
		{"conforming target", fakes.Options{}, func(url string) string { return url }},
		{"errors sent as 200", fakes.Options{ErrorsAsOK: true}, func(url string) string { return url }},
		{"server errors", fakes.Options{Fault: fakes.ErrorsAs500}, func(url string) string { return url + "/" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake, server := startFake(t, c.opts)

			assert.NoError(t, preflight(demoConfig(c.baseURL(server.URL))))
			assert.Zero(t, fake.ServedWrites())
		})
	}
}

func TestPreflightPassesPathPrefix(t *testing.T) {
	server := startPrefixedFake(t, fakes.Options{})

	assert.NoError(t, preflight(demoConfig(server.URL+"/api")))
}

func TestPreflightNamesSetupMistake(t *testing.T) {
	plain := func(t *testing.T, opts fakes.Options) string {
		_, server := startFake(t, opts)
		return server.URL
	}
	prefixed := func(t *testing.T, opts fakes.Options) string {
		return startPrefixedFake(t, opts).URL
	}
	cases := []struct {
		name       string
		opts       fakes.Options
		start      func(*testing.T, fakes.Options) string
		change     func(cfg *contract.Config)
		want       contract.PreflightProblem
		wantStatus int
		wantSecond bool
		wantPath   string
		wantText   string
	}{
		{"wrong key", fakes.Options{}, plain, func(cfg *contract.Config) { cfg.APIKey = wrongKey },
			contract.KeyRejected, 401, false, "/user/profile",
			"the target rejected the primary account's API key: GET %s/user/profile returned 401; check the key"},
		{"wrong key as 403", fakes.Options{Fault: fakes.UnauthorizedAs403}, plain,
			func(cfg *contract.Config) { cfg.APIKey = wrongKey },
			contract.KeyRejected, 403, false, "/user/profile", "returned 403; check the key"},
		{"wrong second key", fakes.Options{}, plain, func(cfg *contract.Config) { cfg.APIKey2 = wrongKey },
			contract.KeyRejected, 401, true, "/user/profile", "the target rejected the second account's API key"},
		{"extra prefix", fakes.Options{}, plain, func(cfg *contract.Config) { cfg.BaseURL += "/api" },
			contract.PathNotFound, 404, false, "/api/user/profile",
			"GET %s/api/user/profile returned 404; check that the base URL includes the API's path prefix"},
		{"missing prefix", fakes.Options{}, prefixed, func(*contract.Config) {},
			contract.PathNotFound, 404, false, "/user/profile", "returned 404"},
		{"wrong key, errors sent as 200", fakes.Options{ErrorsAsOK: true}, plain,
			func(cfg *contract.Config) { cfg.APIKey = wrongKey },
			contract.KeyTreatedAsUnknown, 200, false, "/user/profile",
			`the target treated the primary account's API key like a made-up key: ` +
				`GET %s/user/profile returned 200 with the body {"error":"unknown API key","status":false}`},
		{"extra prefix, errors sent as 200", fakes.Options{ErrorsAsOK: true}, plain,
			func(cfg *contract.Config) { cfg.BaseURL += "/api" },
			contract.KeyTreatedAsUnknown, 200, false, "/api/user/profile", `"error":"path \"/api/user/profile\" not found"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			url := c.start(t, c.opts)
			cfg := demoConfig(url)
			c.change(&cfg)

			err := preflight(cfg)

			var preflightErr *contract.PreflightError
			require.ErrorAs(t, err, &preflightErr)
			assert.Equal(t, c.want, preflightErr.Problem)
			assert.Equal(t, c.wantStatus, preflightErr.Status)
			assert.Equal(t, c.wantSecond, preflightErr.SecondAccount)
			assert.Equal(t, http.MethodGet, preflightErr.Method)
			assert.Equal(t, url+c.wantPath, preflightErr.URL)
			assert.Contains(t, err.Error(), strings.ReplaceAll(c.wantText, "%s", url))
			assert.NotContains(t, err.Error(), wrongKey)
		})
	}
}

// statusFalseTarget serves a target that responds to every request with
// HTTP 200 and the body that bodyFor returns for the request's
// Authorization header.
func statusFalseTarget(t *testing.T, bodyFor func(authorization string) string) string {
	t.Helper()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(bodyFor(r.Header.Get("Authorization"))))
	}))
	t.Cleanup(server.Close)
	return server.URL
}

func TestPreflightStatusFalseNeedsSameResponse(t *testing.T) {
	// The target fails the configured key with another error than a
	// made-up key, so the key itself may be fine and the checks must judge.
	url := statusFalseTarget(t, func(authorization string) string {
		if authorization == "Bearer demo-api-key" {
			return `{"status":false,"error":"Server error"}`
		}
		return `{"status":false,"error":"unknown API key"}`
	})
	cfg := demoConfig(url)
	cfg.APIKey2, cfg.UserID2 = "", ""

	assert.NoError(t, preflight(cfg))
}

func TestPreflightStatusFalseIgnoresQuotedKey(t *testing.T) {
	url := statusFalseTarget(t, func(authorization string) string {
		return `{"status":false,"error":"unknown API key ` + strings.TrimPrefix(authorization, "Bearer ") + `"}`
	})
	cfg := demoConfig(url)
	cfg.APIKey = wrongKey

	err := preflight(cfg)

	var preflightErr *contract.PreflightError
	require.ErrorAs(t, err, &preflightErr)
	assert.Equal(t, contract.KeyTreatedAsUnknown, preflightErr.Problem)
	assert.Contains(t, preflightErr.Body, "unknown API key [REDACTED]")
	assert.NotContains(t, err.Error(), wrongKey)
}

func TestPreflightClosedPortFails(t *testing.T) {
	server := httptest.NewServer(fakes.New(fakes.Options{}))
	url := server.URL
	server.Close()

	err := preflight(demoConfig(url))

	require.Error(t, err)
	var preflightErr *contract.PreflightError
	assert.NotErrorAs(t, err, &preflightErr, "a transport failure is no setup mistake")
	assert.Contains(t, err.Error(), "preflight GET "+url+"/user/profile")
}

func TestPreflightRejectsInvalidConfig(t *testing.T) {
	cfg := demoConfig("http://127.0.0.1:1")
	cfg.UserID = "abc"

	err := preflight(cfg)

	require.Error(t, err)
	assert.Contains(t, err.Error(), `invalid user id "abc"`)
}
