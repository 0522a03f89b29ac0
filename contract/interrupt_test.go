package contract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/contract"
	"github.com/callfluent/usermock/contract/fakes"
)

// interrupter serves a conforming fake and calls cancel at the first
// request that when selects. When wait is true, it then holds that request
// until the client gives up on it, so the cancellation cuts the request
// short.
func interrupter(t *testing.T, cancel context.CancelFunc, when func(*http.Request, []byte) bool, wait bool) *httptest.Server {
	t.Helper()
	fake := fakes.New(fakes.Options{})
	var once sync.Once
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fired := false
		if when(r, body) {
			once.Do(func() { cancel(); fired = true })
		}
		if fired && wait {
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(server.Close)
	return server
}

// passwordRestore selects the suite's first password restore: a
// reset-password request whose newPass is the original password and whose
// oldPass is not. The suite sends it on a context of its own.
func passwordRestore(r *http.Request, body []byte) bool {
	restoring := bytes.Contains(body, []byte(`"newPass":"123456"`)) && !bytes.Contains(body, []byte(`"oldPass":"123456"`))
	return r.URL.Path == "/user/reset-password" && restoring
}

// detailUpdate selects the first update-detail request.
func detailUpdate(r *http.Request, _ []byte) bool {
	return r.URL.Path == "/user/update-detail"
}

func TestInterruptedRunIsNotAPass(t *testing.T) {
	cases := []struct {
		name       string
		when       func(*http.Request, []byte) bool
		wait       bool
		wantReason string // reason of a skip that the interrupt caused
	}{
		{"during a restore", passwordRestore, false, "the run was cancelled: "},
		{"during a check's request", detailUpdate, true, "the run was cancelled during this check: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			server := interrupter(t, cancel, c.when, c.wait)

			report, err := contract.Run(ctx, demoConfig(server.URL))
			require.NoError(t, err)

			_, failed, skipped := report.Counts()
			assert.Zero(t, failed, "an interrupt fails no check")
			assert.Positive(t, skipped)
			assert.True(t, slices.ContainsFunc(report.Results, func(r contract.Result) bool {
				return r.Outcome == contract.Skip && strings.HasPrefix(r.Reason, c.wantReason)
			}), "no check was skipped with %q", c.wantReason)
			assertInterruptedReport(t, report)
		})
	}
}

// assertInterruptedReport checks that every format marks report as
// interrupted and not passed.
func assertInterruptedReport(t *testing.T, report *contract.Report) {
	t.Helper()
	assert.True(t, report.Cancelled)
	assert.True(t, report.Failed(), "an interrupted run is not a pass")
	assert.Contains(t, report.Summary(), "interrupted")

	outputs := writeAll(t, report)
	lines := strings.Split(strings.TrimSpace(outputs["text"]), "\n")
	assert.Contains(t, lines[len(lines)-1], "interrupted")

	var document struct {
		Cancelled bool `json:"cancelled"`
	}
	require.NoError(t, json.Unmarshal([]byte(outputs["json"]), &document))
	assert.True(t, document.Cancelled)

	var suite struct {
		Failures int `xml:"failures,attr"`
		Cases    []struct {
			Name    string    `xml:"name,attr"`
			Failure *struct{} `xml:"failure"`
		} `xml:"testcase"`
	}
	require.NoError(t, xml.Unmarshal([]byte(outputs["junit"]), &suite))
	assert.Equal(t, 1, suite.Failures, "the interrupt is the one failing testcase")
	require.NotEmpty(t, suite.Cases)
	last := suite.Cases[len(suite.Cases)-1]
	assert.Equal(t, "run completed", last.Name)
	assert.NotNil(t, last.Failure)
}

func TestCompletedRunIsNotCancelled(t *testing.T) {
	_, server := startFake(t, fakes.Options{})

	report := runSuite(t, demoConfig(server.URL))

	assert.False(t, report.Cancelled)
	assert.False(t, report.Failed())
	assert.NotContains(t, report.Summary(), "interrupted")
	assert.NotContains(t, writeAll(t, report)["junit"], "run completed")
}
