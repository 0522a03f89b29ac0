package mockserver

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPreferForcesResponses(t *testing.T) {
	const wrongPassword = `{"status": false, "msg": "Please input correct current password"}`
	resetBody := `{"data":{"oldPass":"123456","newPass":"abcdefg"}}`

	tests := []struct {
		name       string
		req        request
		wantStatus int
		wantBody   string
		wantHeader map[string]string
	}{
		{
			name:       "code picks first example",
			req:        request{path: "/user/reset-password", key: demoKey, body: resetBody, header: map[string]string{"Prefer": "code=400"}},
			wantStatus: http.StatusBadRequest,
			wantBody:   wrongPassword,
		},
		{
			name:       "code and example",
			req:        request{path: "/user/reset-password", key: demoKey, body: resetBody, header: map[string]string{"Prefer": "code=400, example=invalidBody"}},
			wantStatus: http.StatusBadRequest,
			wantBody:   `{"status": false, "error": "request body: data.newPass: property \"newPass\" is missing"}`,
		},
		{
			name:       "example without code",
			req:        request{path: "/user/update-setting", key: demoKey, body: validSetting, header: map[string]string{"Prefer": `example="domainInstallFailed"`}},
			wantStatus: http.StatusInternalServerError,
			wantBody:   `{"status": false, "error": "To install domain isn't failed"}`,
		},
		{
			name:       "forced 401 sends challenge",
			req:        request{method: http.MethodGet, path: "/user/profile", key: demoKey, header: map[string]string{"Prefer": "code=401"}},
			wantStatus: http.StatusUnauthorized,
			wantBody:   `{"status": false, "error": "missing API key: send Authorization: Bearer {api_key}"}`,
			wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="callfluent"`},
		},
		{
			name:       "forced 405 names request path",
			req:        request{method: http.MethodGet, path: "/user/profile", key: demoKey, header: map[string]string{"Prefer": "code=405"}},
			wantStatus: http.StatusMethodNotAllowed,
			wantBody:   `{"status": false, "error": "method \"GET\" not allowed on \"/user/profile\"; allowed methods are GET"}`,
			wantHeader: map[string]string{"Allow": "GET"},
		},
		{
			name:       "forced 405 by example name",
			req:        request{path: "/user/update-setting", key: demoKey, body: validSetting, header: map[string]string{"Prefer": "example=wrongMethod"}},
			wantStatus: http.StatusMethodNotAllowed,
			wantBody:   `{"status": false, "error": "method \"POST\" not allowed on \"/user/update-setting\"; allowed methods are POST"}`,
			wantHeader: map[string]string{"Allow": "POST"},
		},
		{
			name:       "unknown preferences ignored",
			req:        request{method: http.MethodGet, path: "/user/profile", key: demoKey, header: map[string]string{"Prefer": "return=minimal, respond-async"}},
			wantStatus: http.StatusOK,
		},
		{
			name:       "first instance counts",
			req:        request{method: http.MethodGet, path: "/user/profile", key: demoKey, header: map[string]string{"Prefer": "CODE=404, code=500"}},
			wantStatus: http.StatusNotFound,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)

			got := ts.do(t, tt.req)

			assert.Equal(t, tt.wantStatus, got.status, "body %s", got.raw)
			if tt.wantBody != "" {
				assert.JSONEq(t, tt.wantBody, string(got.raw))
			}
			for name, value := range tt.wantHeader {
				assert.Equal(t, value, got.header.Get(name), "header %s", name)
			}
		})
	}
}

func TestPreferRejectsUnknownChoices(t *testing.T) {
	tests := []struct {
		name      string
		prefer    string
		wantError string
	}{
		{name: "undocumented code", prefer: "code=418", wantError: `code=418 is not documented for operation "getUserProfile"; documented codes: 200, 401, 404, 405, 500`},
		{name: "code not a number", prefer: "code=abc", wantError: `code="abc" is not an HTTP status code`},
		{name: "unknown example", prefer: "example=nope", wantError: `example="nope" is not documented for operation "getUserProfile"; documented examples: 200 profile, 401 missingKey`},
		{name: "example of other code", prefer: "code=200, example=missingKey", wantError: `example="missingKey" is not documented for response 200`},
		{name: "invalid delay", prefer: "delay=soon", wantError: `delay="soon" is not a duration`},
		{name: "delay too long", prefer: "delay=20s", wantError: `delay="20s" is outside 0 to 10s`},
		{name: "negative delay", prefer: "delay=-5ms", wantError: "is outside 0 to 10s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)

			got := ts.do(t, request{method: http.MethodGet, path: "/user/profile", key: demoKey, header: map[string]string{"Prefer": tt.prefer}})

			assert.Equal(t, http.StatusBadRequest, got.status)
			assert.Contains(t, got.json["error"], tt.wantError)
		})
	}
}

func TestPreferRunsAuthAndValidationFirst(t *testing.T) {
	ts := newTestServer(t)

	unauthenticated := ts.do(t, request{method: http.MethodGet, path: "/user/profile", header: map[string]string{"Prefer": "code=200"}})
	assert.Equal(t, http.StatusUnauthorized, unauthenticated.status)

	invalid := ts.do(t, request{path: "/user/reset-password", key: demoKey, body: `{"data":{}}`, header: map[string]string{"Prefer": "code=200"}})
	assert.Equal(t, http.StatusBadRequest, invalid.status)
}

func TestForcedResponseChangesNothing(t *testing.T) {
	ts := newTestServer(t)

	got := ts.do(t, request{path: "/user/reset-password", key: demoKey, body: `{"data":{"oldPass":"123456","newPass":"abcdefg"}}`,
		header: map[string]string{"Prefer": "code=200"}})

	require.Equal(t, http.StatusOK, got.status)
	assert.Equal(t, demoPassword, ts.account(t, demoUserID).Password)
}

func TestPreferDelayWaits(t *testing.T) {
	tests := []struct {
		name   string
		prefer string
		want   time.Duration
	}{
		{name: "go duration", prefer: "delay=120ms", want: 120 * time.Millisecond},
		{name: "plain milliseconds", prefer: "delay=120", want: 120 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)

			start := time.Now()
			got := ts.do(t, request{method: http.MethodGet, path: "/user/profile", key: demoKey, header: map[string]string{"Prefer": tt.prefer}})

			assert.Equal(t, http.StatusOK, got.status)
			assert.GreaterOrEqual(t, time.Since(start), tt.want)
		})
	}
}

func TestPreferDelayStopsOnCancel(t *testing.T) {
	ts := newTestServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ts.url+"/user/profile", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+demoKey)
	req.Header.Set("Prefer", "delay=10s")

	start := time.Now()
	_, err = http.DefaultClient.Do(req)
	require.Error(t, err, "the client gives up first")

	require.Eventually(t, func() bool {
		entries := ts.journal.entries()
		return len(entries) == 1 && entries[0].Status == statusClientClosed
	}, 3*time.Second, 10*time.Millisecond, "the server stops waiting when the client leaves")
	assert.Less(t, time.Since(start), 5*time.Second)
}

func TestParsePreferReadsHeaders(t *testing.T) {
	got, err := parsePrefer([]string{`code=404;foo=bar, example="not found"`, "delay=1s, code=500"})

	require.NoError(t, err)
	assert.Equal(t, preference{code: 404, example: "not found", delay: time.Second}, got)
}

func TestForcedServerErrorLogsAsForced(t *testing.T) {
	logs := &syncBuffer{}
	ts := newTestServer(t, jsonLogs(logs))

	got := ts.do(t, request{method: http.MethodGet, path: "/user/profile", key: demoKey, header: map[string]string{"Prefer": "code=500"}})

	require.Equal(t, http.StatusInternalServerError, got.status)
	lines := logLines(t, logs.String())
	require.Len(t, lines, 1, "one line for the request: %s", logs)
	assert.Equal(t, "forced response", lines[0]["msg"])
	assert.Equal(t, "INFO", lines[0]["level"])
	assert.Equal(t, "getUserProfile", lines[0]["operation"])
	assert.Equal(t, got.header.Get(headerRequestID), lines[0]["id"])
	assert.Equal(t, float64(http.StatusInternalServerError), lines[0]["status"])
	assert.NotContains(t, lines[0], "error")
}
