package mockserver

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const browserOrigin = "http://localhost:3000"

func TestCORSPreflightNeedsNoKey(t *testing.T) {
	ts := newTestServer(t)

	got := ts.do(t, request{method: http.MethodOptions, path: "/user/update-setting", header: map[string]string{
		"Origin":                         browserOrigin,
		"Access-Control-Request-Method":  "POST",
		"Access-Control-Request-Headers": "authorization, content-type, prefer, x-request-id",
	}})

	assert.Equal(t, http.StatusNoContent, got.status)
	assert.Equal(t, "*", got.header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "POST", got.header.Get("Access-Control-Allow-Methods"))
	assert.Equal(t, "authorization, content-type, prefer, x-request-id", got.header.Get("Access-Control-Allow-Headers"))
}

func TestCORSExposesRequestID(t *testing.T) {
	ts := newTestServer(t)

	got := ts.do(t, request{method: http.MethodGet, path: "/user/profile", key: demoKey, header: map[string]string{"Origin": browserOrigin}})

	assert.Equal(t, http.StatusOK, got.status)
	assert.Equal(t, "*", got.header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, got.header.Get("Access-Control-Expose-Headers"), "X-Request-Id")
}

func TestCORSHonoursOriginList(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.CORSOrigins = []string{browserOrigin} })
	preflight := map[string]string{"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"}

	allowed := ts.do(t, request{method: http.MethodOptions, path: "/user/profile", header: withHeader(preflight, "Origin", browserOrigin)})
	other := ts.do(t, request{method: http.MethodOptions, path: "/user/profile", header: withHeader(preflight, "Origin", "http://evil.example")})

	assert.Equal(t, browserOrigin, allowed.header.Get("Access-Control-Allow-Origin"))
	assert.Empty(t, other.header.Get("Access-Control-Allow-Origin"))
}

func withHeader(base map[string]string, name, value string) map[string]string {
	out := map[string]string{name: value}
	for k, v := range base {
		out[k] = v
	}
	return out
}

func TestRequestIDHonouredOrMade(t *testing.T) {
	tests := []struct {
		name     string
		incoming string
		keep     bool
	}{
		{name: "usable id kept", incoming: "trace-42", keep: true},
		{name: "id with space replaced", incoming: "trace 42"},
		{name: "long id replaced", incoming: strings.Repeat("a", 65)},
		{name: "missing id made"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			header := map[string]string{}
			if tt.incoming != "" {
				header[headerRequestID] = tt.incoming
			}

			got := ts.do(t, request{method: http.MethodGet, path: "/user/profile", key: demoKey, header: header})

			id := got.header.Get(headerRequestID)
			require.NotEmpty(t, id)
			if tt.keep {
				assert.Equal(t, tt.incoming, id)
			} else {
				assert.NotEqual(t, tt.incoming, id)
			}
			assert.Contains(t, ts.logs.String(), "id="+id)
		})
	}
}

func TestPanicBecomesServerError(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.Spec = extendedSpec(t) })
	ts.behaviours["getExtra"] = func(*call) (response, error) { panic("behaviour exploded") }

	got := ts.get(t, "/user/extra", demoKey)

	assert.Equal(t, http.StatusInternalServerError, got.status)
	assert.Equal(t, false, got.json["status"])
	assert.Equal(t, "Server error", got.json["error"])
	assert.Contains(t, ts.logs.String(), "panic while serving request")
	assert.Contains(t, ts.logs.String(), "id="+got.header.Get(headerRequestID))
	assert.Equal(t, http.StatusOK, ts.get(t, "/user/profile", demoKey).status, "the server keeps serving")
}

func TestStrictRejectsInvalidResponse(t *testing.T) {
	ts := newTestServer(t)
	ts.behaviours["getUserProfile"] = func(*call) (response, error) {
		return jsonResponse(http.StatusOK, map[string]any{"user": map[string]any{"name": "x"}, "setting": map[string]any{}})
	}

	got := ts.get(t, "/user/profile", demoKey)

	assert.Equal(t, http.StatusInternalServerError, got.status)
	assert.Equal(t, `response does not match the contract: response body: user.email: property "email" is missing`, got.json["error"])
}

func TestStrictRejectsUndocumentedStatus(t *testing.T) {
	ts := newTestServer(t)
	ts.behaviours["getUserProfile"] = func(*call) (response, error) {
		return jsonResponse(http.StatusTeapot, map[string]any{"status": false, "error": "teapot"})
	}

	got := ts.get(t, "/user/profile", demoKey)

	assert.Equal(t, http.StatusInternalServerError, got.status)
	assert.Equal(t, "response does not match the contract: status 418 is not documented for this operation", got.json["error"])
}

func TestLenientSendsInvalidResponse(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.Strict = false })
	ts.behaviours["getUserProfile"] = func(*call) (response, error) {
		return jsonResponse(http.StatusOK, map[string]any{"user": map[string]any{"name": "x"}, "setting": map[string]any{}})
	}

	got := ts.get(t, "/user/profile", demoKey)

	assert.Equal(t, http.StatusOK, got.status)
	assert.Contains(t, ts.logs.String(), `level=WARN msg="response does not match the contract"`)
}

func TestLogsHoldNoSecrets(t *testing.T) {
	ts := newTestServer(t)

	ts.post(t, "/user/reset-password", demoKey, `{"data":{"oldPass":"123456","newPass":"n3w-pa55"}}`)
	ts.post(t, "/user/reset-password", demoKey, `{"data":{"oldPass":"wrong-old-pass","newPass":"n3w-pa55-2"}}`)
	ts.post(t, "/user/reset-password", demoKey, `{"data":{"oldPass":"n3w-pa55","newPass":""}}`)
	ts.post(t, "/user/update-smtp-setting", demoKey, smtpBody(demoUserID))
	ts.get(t, "/user/profile", "unknown-key-value")

	logs := ts.logs.String()
	require.Contains(t, logs, "msg=request")
	require.Contains(t, logs, `msg="request rejected"`)
	for _, secret := range []string{demoKey, "unknown-key-value", "n3w-pa55", "wrong-old-pass", "smtp-secret", "Bearer"} {
		assert.NotContains(t, logs, secret)
	}
}

func TestConcurrentWritersAndReaders(t *testing.T) {
	ts := newTestServer(t)
	const workers, rounds = 4, 25

	// The goroutines use assert and ts.send, never require or ts.do, which
	// would call t.FailNow off the test goroutine.
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				name := fmt.Sprintf("w%d-%d", w, i)
				body := fmt.Sprintf(`{"data":{"userId":"12","website_name":%q,"website_description":%q}}`, name, name)
				got, err := ts.send(request{path: "/user/update-setting", key: demoKey, body: body})
				if !assert.NoError(t, err) || !assert.Equal(t, http.StatusOK, got.status) {
					return
				}
			}
		})
		wg.Go(func() {
			for range rounds {
				got, err := ts.send(request{method: http.MethodGet, path: "/user/profile", key: demoKey})
				if !assert.NoError(t, err) || !assert.Equal(t, http.StatusOK, got.status) {
					return
				}
				setting, ok := got.json["setting"].(map[string]any)
				if !assert.True(t, ok, "setting is an object: %s", got.raw) {
					return
				}
				if setting["website_name"] != "callfluent" {
					assert.Equal(t, setting["website_name"], setting["website_description"], "a reader sees whole updates")
				}
			}
		})
	}
	wg.Go(func() {
		for range rounds {
			assert.NoError(t, ts.ReloadSpec(ts.api.Load().spec))
			_, err := ts.send(request{method: http.MethodGet, path: "/__mock/requests"})
			assert.NoError(t, err)
		}
	})
	wg.Wait()

	assert.Equal(t, http.StatusOK, ts.get(t, "/user/profile", otherKey).status)
}
