package mockserver

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAdminResetRestoresAccounts(t *testing.T) {
	ts := newTestServer(t)
	require.Equal(t, http.StatusOK, ts.post(t, "/user/reset-password", demoKey, `{"data":{"oldPass":"123456","newPass":"changed"}}`).status)
	require.Equal(t, http.StatusOK, ts.post(t, "/user/update-setting", demoKey, validSetting).status)

	got := ts.do(t, request{path: "/__mock/reset"})

	assert.Equal(t, http.StatusOK, got.status)
	assert.JSONEq(t, `{"status": true}`, string(got.raw))
	assert.Equal(t, demoPassword, ts.account(t, demoUserID).Password)
	assert.Equal(t, "callfluent", ts.account(t, demoUserID).Setting["website_name"])
}

func TestAdminHealthReportsReady(t *testing.T) {
	ts := newTestServer(t)

	got := ts.do(t, request{method: http.MethodGet, path: "/__mock/health"})

	assert.Equal(t, http.StatusOK, got.status)
	assert.JSONEq(t, `{"status": true, "spec_version": "1.0.0", "accounts": 2}`, string(got.raw))
}

func TestAdminRoutesCheckMethod(t *testing.T) {
	tests := []struct {
		name      string
		method    string
		path      string
		wantAllow string
	}{
		{name: "get reset", method: http.MethodGet, path: "/__mock/reset", wantAllow: "POST"},
		{name: "post health", method: http.MethodPost, path: "/__mock/health", wantAllow: "GET"},
		{name: "delete requests", method: http.MethodDelete, path: "/__mock/requests", wantAllow: "GET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)

			got := ts.do(t, request{method: tt.method, path: tt.path})

			assert.Equal(t, http.StatusMethodNotAllowed, got.status)
			assert.Equal(t, tt.wantAllow, got.header.Get("Allow"))
			assert.Equal(t, false, got.json["status"])
		})
	}
}

func TestAdminUnknownPathNotFound(t *testing.T) {
	ts := newTestServer(t)

	got := ts.do(t, request{method: http.MethodGet, path: "/__mock/nothing"})

	assert.Equal(t, http.StatusNotFound, got.status)
	assert.Equal(t, `path "/__mock/nothing" not found`, got.json["error"])
}

func TestAdminDisabledIsNotFound(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.Admin = false })

	for _, req := range []request{
		{method: http.MethodGet, path: "/__mock/requests"},
		{method: http.MethodPost, path: "/__mock/reset"},
		{method: http.MethodGet, path: "/__mock/nothing"},
	} {
		got := ts.do(t, req)

		assert.Equal(t, http.StatusNotFound, got.status, req.path)
		assert.Equal(t, false, got.json["status"], req.path)
	}

	health := ts.do(t, request{method: http.MethodGet, path: "/__mock/health"})
	assert.Equal(t, http.StatusOK, health.status, "health stays for container health checks")
	assert.Equal(t, true, health.json["status"])
}

// journalEntries reads the journal through the admin API.
func journalEntries(t *testing.T, ts *testServer) []map[string]any {
	t.Helper()
	got := ts.do(t, request{method: http.MethodGet, path: "/__mock/requests"})
	require.Equal(t, http.StatusOK, got.status)
	var body struct {
		Requests []map[string]any `json:"requests"`
	}
	require.NoError(t, json.Unmarshal(got.raw, &body))
	return body.Requests
}

func TestJournalRedactsSecrets(t *testing.T) {
	ts := newTestServer(t)
	ts.post(t, "/user/reset-password", demoKey, `{"data":{"oldPass":"123456","newPass":"n3w-pa55"}}`)
	ts.post(t, "/user/update-smtp-setting", demoKey, smtpBody(demoUserID))
	ts.do(t, request{path: "/user/update-setting?api_key=" + demoKey, key: demoKey, body: `{"data":{"userId":"12","password":"x-secret-x"}}`})

	entries := journalEntries(t, ts)

	require.Len(t, entries, 3)
	encoded, err := json.Marshal(entries)
	require.NoError(t, err)
	for _, secret := range []string{demoKey, "123456", "n3w-pa55", "smtp-secret", "x-secret-x"} {
		assert.NotContains(t, string(encoded), secret)
	}

	first := entries[0]
	assert.Equal(t, "POST", first["method"])
	assert.Equal(t, "/user/reset-password", first["path"])
	assert.Equal(t, float64(http.StatusOK), first["status"])
	assert.Equal(t, demoUserID, first["account"])
	assert.Contains(t, first, "duration_ms")
	assert.Contains(t, first, "time")
	assert.NotEmpty(t, first["id"])
	assert.Equal(t, []any{redacted}, first["request_headers"].(map[string]any)["Authorization"])
	assert.Equal(t, map[string]any{"data": map[string]any{"oldPass": redacted, "newPass": redacted}}, first["request_body"])
	assert.Equal(t, map[string]any{"status": true}, first["response_body"])
	assert.Equal(t, "api_key=%5BREDACTED%5D", entries[2]["query"])
}

func TestJournalKeepsNewestLast(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.JournalSize = 3 })

	for i := range 5 {
		ts.do(t, request{method: http.MethodGet, path: fmt.Sprintf("/user/profile?n=%d", i), key: demoKey})
	}
	entries := journalEntries(t, ts)

	require.Len(t, entries, 3)
	for i, entry := range entries {
		assert.Equal(t, fmt.Sprintf("n=%d", i+2), entry["query"])
	}
}

func TestJournalBoundedInBytes(t *testing.T) {
	const limit = 4096
	ts := newTestServer(t, func(c *Config) { c.JournalBytes = limit })
	long := strings.Repeat("x", 2000)

	for range 10 {
		ts.post(t, "/user/update-detail", demoKey, `{"data":{"phone_number":"+1 234 5678910","note":"`+long+`"}}`)
	}
	entries := journalEntries(t, ts)

	require.NotEmpty(t, entries)
	assert.Less(t, len(entries), 10, "old entries were dropped")
	ts.journal.mu.Lock()
	total := ts.journal.bytes
	ts.journal.mu.Unlock()
	assert.LessOrEqual(t, total, limit)
	body, _ := entries[len(entries)-1]["request_body"].(string)
	assert.Contains(t, body, "...[truncated;", "a body over the per-entry cap is cut")
}

func TestJournalSkipsInvalidJSON(t *testing.T) {
	ts := newTestServer(t)

	body := `{"data":{"oldPass":"123456", "newPass": }`
	ts.post(t, "/user/reset-password", demoKey, body)
	entries := journalEntries(t, ts)

	require.Len(t, entries, 1)
	assert.Equal(t, fmt.Sprintf("[body of %d bytes not recorded: it is not valid JSON]", len(body)), entries[0]["request_body"])
}

func TestRedactJSONKeepsOrder(t *testing.T) {
	got, err := floorSecrets.redactJSON([]byte(`{"b":1,"a":[true,null,{"Password":{"x":1}}],"b":"2","smtp_password":"s"}`))

	require.NoError(t, err)
	assert.Equal(t, `{"b":1,"a":[true,null,{"Password":"[REDACTED]"}],"b":"2","smtp_password":"[REDACTED]"}`, string(got))
}

func TestAdminRejectsBrowserRequests(t *testing.T) {
	preflight := map[string]string{
		"Origin":                         browserOrigin,
		"Access-Control-Request-Method":  "POST",
		"Access-Control-Request-Headers": "content-type",
	}
	tests := []struct {
		name string
		req  request
	}{
		{name: "preflight to reset", req: request{method: http.MethodOptions, path: "/__mock/reset", header: preflight}},
		{name: "simple POST to reset", req: request{path: "/__mock/reset", header: map[string]string{"Origin": browserOrigin}}},
		{name: "opaque origin", req: request{path: "/__mock/reset", header: map[string]string{"Origin": "null"}}},
		{name: "journal read", req: request{method: http.MethodGet, path: "/__mock/requests", header: map[string]string{"Origin": browserOrigin}}},
		{name: "health from a page", req: request{method: http.MethodGet, path: "/__mock/health", header: map[string]string{"Origin": browserOrigin}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			require.Equal(t, http.StatusOK, ts.post(t, "/user/update-setting", demoKey, validSetting).status)

			got := ts.do(t, tt.req)

			assert.Equal(t, http.StatusForbidden, got.status)
			assert.Equal(t, false, got.json["status"])
			assert.Contains(t, got.json["error"], "Origin header")
			for name := range got.header {
				assert.NotContains(t, strings.ToLower(name), "access-control-", "CORS header %s", name)
			}
			assert.Equal(t, "Call Agent AI", ts.account(t, demoUserID).Setting["website_name"], "nothing was reset")
		})
	}
}

func TestIsLocalHost(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"", true},
		{"127.0.0.1:4010", true},
		{"[::1]:4010", true},
		{"10.1.2.3", true},
		{"localhost:4010", true},
		{"LOCALHOST.", true},
		{"app.localhost:4010", true},
		{"mockserver:4010", true},
		{"rebind.attacker.example:4010", false},
		{"mock.example.com", false},
		{"localhost.attacker.example", false},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			assert.Equal(t, tt.want, isLocalHost(tt.host))
		})
	}
}

func TestAdminRejectsRebindingHost(t *testing.T) {
	ts := newTestServer(t)

	for host, want := range map[string]int{
		"rebind.attacker.example:4010": http.StatusForbidden,
		"localhost:4010":               http.StatusOK,
		"mockserver:4010":              http.StatusOK,
	} {
		t.Run(host, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, ts.url+"/__mock/requests", nil)
			require.NoError(t, err)
			req.Host = host

			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)

			assert.Equal(t, want, resp.StatusCode, "body %s", body)
			if want == http.StatusForbidden {
				assert.Contains(t, string(body), `"status":false`)
				assert.NotContains(t, string(body), `"requests"`)
			}
		})
	}
}
