package contract_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/callfluent/usermock/contract"
	"github.com/callfluent/usermock/contract/fakes"
)

// recorder is a handler that stores every request body it passes on.
type recorder struct {
	next   http.Handler
	reject func(r *http.Request, body []byte) bool // true rejects the request with 400; nil rejects none

	mu     sync.Mutex
	bodies []string
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rec.mu.Lock()
	rec.bodies = append(rec.bodies, string(body))
	rec.mu.Unlock()

	if rec.reject != nil && rec.reject(r, body) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"status":false,"error":"request body: data.website_name is no longer accepted"}`)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec.next.ServeHTTP(w, r)
}

// bodiesContaining returns the number of recorded bodies that contain text.
func (rec *recorder) bodiesContaining(text string) int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	count := 0
	for _, body := range rec.bodies {
		if strings.Contains(body, text) {
			count++
		}
	}
	return count
}

// rejectOriginalName fails every update-setting request that sets the
// first demo account's website_name back to its value at start, so the
// suite's branding restore of that account always fails.
func rejectOriginalName(r *http.Request, body []byte) bool {
	return r.URL.Path == "/user/update-setting" && bytes.Contains(body, []byte(`"website_name":"callfluent"`))
}

func TestBrandingRestoreFailsAtMostOnce(t *testing.T) {
	staleDomain := fakes.Accounts()
	staleDomain[0].Setting["domain_name"] = "legacy.example.com"

	cases := []struct {
		name       string
		accounts   []fakes.Account
		reject     func(*http.Request, []byte) bool
		wantFailed []string // names of the updateUserSetting checks that fail
		wantNote   string
	}{
		{name: "stale domain never resent", accounts: staleDomain},
		{name: "rejected restore blamed once", reject: rejectOriginalName,
			wantFailed: []string{"example request succeeds"},
			wantNote:   `branding of user "12" could not be restored`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{next: fakes.New(fakes.Options{Accounts: c.accounts}), reject: c.reject}
			server := httptest.NewServer(rec)
			t.Cleanup(server.Close)

			report := runSuite(t, demoConfig(server.URL))

			var failed []string
			for _, result := range report.Results {
				if result.Outcome == contract.Fail {
					assert.Equal(t, "updateUserSetting", result.OperationID, describeResult(result))
					assert.Contains(t, result.Reason, "restore after the check failed", describeResult(result))
					failed = append(failed, result.Name)
				}
			}
			assert.Equal(t, c.wantFailed, failed)
			assert.Zero(t, rec.bodiesContaining("legacy.example.com"), "a restore re-sent the stored domain_name")
			if c.wantNote != "" {
				assert.Contains(t, strings.Join(report.Notes, "\n"), c.wantNote)
			}
		})
	}
}

func TestUnrestoredDomainChangeNoted(t *testing.T) {
	accounts := fakes.Accounts()
	accounts[0].Setting["domain_name"] = "legacy.example.com"
	// DomainNotChecked stores the suite's unroutable domain, which the
	// suite must not overwrite with the stored one.
	_, server := startFake(t, fakes.Options{Fault: fakes.DomainNotChecked, Accounts: accounts})

	report := runSuite(t, demoConfig(server.URL))

	assert.Contains(t, strings.Join(report.Notes, "\n"),
		`branding fields domain_name of user "12" changed during the run and are not restored`)
}
