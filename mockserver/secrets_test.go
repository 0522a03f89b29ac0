package mockserver

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/store"
)

// Secret values that TestSecretsNeverLeak sends. Each is distinctive, so
// finding it anywhere in an output is a leak.
const (
	secretKeyOne     = "sk-alpha-SECRET-key-7Q2"
	secretKeyTwo     = "sk-beta-SECRET-key-9Z4"
	secretPassOne    = "pw-alpha-SECRET-4411"
	secretPassTwo    = "pw-beta-SECRET-5522"
	secretNewPass    = "pw-new-SECRET-6633"
	secretWrongPass  = "pw-wrong-SECRET-7744"
	secretSMTPPass   = "smtp-SECRET-8855"
	secretUnknownKey = "sk-unknown-SECRET-9966"
	secretNumber     = "73519"
	secretCustom     = "custom-SECRET-1077"
)

var allSecrets = []string{
	secretKeyOne, secretKeyTwo, secretPassOne, secretPassTwo, secretNewPass,
	secretWrongPass, secretSMTPPass, secretUnknownKey, secretNumber, secretCustom,
}

// secretFixtures are two accounts whose API keys and passwords are secrets.
func secretFixtures(t *testing.T) *store.Fixtures {
	t.Helper()
	accounts := fmt.Sprintf(`accounts:
  - {api_key: %s, user_id: "12", password: %s, name: one, email: one@example.com, agents: [{id: 1, name: Support agent}]}
  - {api_key: %s, user_id: "13", password: %s, name: two, email: two@example.com}
`, secretKeyOne, secretPassOne, secretKeyTwo, secretPassTwo)
	fx, err := store.LoadFixtures(fstest.MapFS{
		store.AccountsFile: {Data: []byte(accounts)},
		store.DNSFile:      {Data: []byte("required_a_record: 23.29.127.132\na_records: {}\n")},
	})
	require.NoError(t, err)
	return fx
}

// secretRequest is one request of TestSecretsNeverLeak.
type secretRequest struct {
	name       string
	method     string
	path       string
	auth       string // the Authorization header, or "" to send none
	body       string
	header     map[string]string
	wantStatus int
}

func smtpSecretBody(userID, password string) string {
	return `{"data":{"userId":"` + userID + `","smtp_host":"gm.co","smtp_port":"465","smtp_username":"mailer@gm.co",` +
		`"smtp_password":` + password + `,"from_name":"Support","from_email":"support@example.com"}}`
}

// TestSecretsNeverLeak sends the secrets through every operation, in
// requests that succeed and in requests that fail. The failures include
// validation errors whose message would quote the bad value. Then it
// searches every response body and header, the JSON debug log and the
// journal for the secrets.
func TestSecretsNeverLeak(t *testing.T) {
	logs := &syncBuffer{}
	ts := newTestServer(t, jsonLogs(logs), func(c *Config) { c.Fixtures = secretFixtures(t) })
	bearer := func(key string) string { return "Bearer " + key }
	q := func(s string) string { return `"` + s + `"` }

	requests := []secretRequest{
		{name: "profile", method: "GET", path: "/user/profile", auth: bearer(secretKeyOne), wantStatus: 200},
		{name: "profile other account", method: "GET", path: "/user/profile", auth: bearer(secretKeyTwo), wantStatus: 200},
		{name: "unknown key", method: "GET", path: "/user/profile", auth: bearer(secretUnknownKey), wantStatus: 401},
		{name: "key with suffix", method: "GET", path: "/user/profile", auth: bearer(secretKeyOne + "x"), wantStatus: 401},
		{name: "two tokens", method: "GET", path: "/user/profile", auth: bearer(secretKeyOne + " " + secretKeyTwo), wantStatus: 401},
		{name: "basic scheme", method: "GET", path: "/user/profile", auth: "Basic " + secretKeyOne, wantStatus: 401},
		{name: "key in query", method: "GET", path: "/user/profile?api_key=" + secretKeyTwo + "&token=" + secretUnknownKey, auth: bearer(secretKeyOne), wantStatus: 200},
		{name: "key in X-Api-Key header", method: "GET", path: "/user/profile", auth: bearer(secretKeyOne), header: map[string]string{"X-Api-Key": secretKeyTwo}, wantStatus: 200},
		{name: "wrong password", method: "POST", path: "/user/reset-password", auth: bearer(secretKeyOne),
			body: `{"data":{"oldPass":` + q(secretWrongPass) + `,"newPass":` + q(secretNewPass) + `}}`, wantStatus: 400},
		{name: "password as number", method: "POST", path: "/user/reset-password", auth: bearer(secretKeyOne),
			body: `{"data":{"oldPass":` + secretNumber + `,"newPass":` + q(secretNewPass) + `}}`, wantStatus: 400},
		{name: "new password as object", method: "POST", path: "/user/reset-password", auth: bearer(secretKeyOne),
			body: `{"data":{"oldPass":` + q(secretPassOne) + `,"newPass":{"v":` + q(secretNewPass) + `}}}`, wantStatus: 400},
		{name: "new password as array", method: "POST", path: "/user/reset-password", auth: bearer(secretKeyOne),
			body: `{"data":{"oldPass":` + q(secretPassOne) + `,"newPass":[` + q(secretNewPass) + `]}}`, wantStatus: 400},
		{name: "new password empty", method: "POST", path: "/user/reset-password", auth: bearer(secretKeyOne),
			body: `{"data":{"oldPass":` + q(secretPassOne) + `,"newPass":""}}`, wantStatus: 400},
		{name: "password field repeated", method: "POST", path: "/user/reset-password", auth: bearer(secretKeyOne),
			body: `{"data":{"oldPass":` + q(secretPassOne) + `,"oldPass":` + q(secretWrongPass) + `,"newPass":"x"}}`, wantStatus: 400},
		{name: "secret after the value", method: "POST", path: "/user/reset-password", auth: bearer(secretKeyOne),
			body: `{"data":{"oldPass":"a","newPass":"b"}}{"newPass":` + q(secretNewPass) + `}`, wantStatus: 400},
		{name: "password without key", method: "POST", path: "/user/reset-password",
			body: `{"data":{"oldPass":` + q(secretPassOne) + `,"newPass":` + q(secretNewPass) + `}}`, wantStatus: 401},
		{name: "forced response", method: "POST", path: "/user/reset-password", auth: bearer(secretKeyOne), header: map[string]string{"Prefer": "code=200"},
			body: `{"data":{"oldPass":` + q(secretPassOne) + `,"newPass":` + q(secretNewPass) + `}}`, wantStatus: 200},
		{name: "password changed", method: "POST", path: "/user/reset-password", auth: bearer(secretKeyOne),
			body: `{"data":{"oldPass":` + q(secretPassOne) + `,"newPass":` + q(secretNewPass) + `}}`, wantStatus: 200},
		{name: "smtp saved", method: "POST", path: "/user/update-smtp-setting", auth: bearer(secretKeyOne),
			body: smtpSecretBody("12", q(secretSMTPPass)), wantStatus: 200},
		{name: "smtp password as number", method: "POST", path: "/user/update-smtp-setting", auth: bearer(secretKeyOne),
			body: smtpSecretBody("12", secretNumber), wantStatus: 400},
		{name: "smtp other account", method: "POST", path: "/user/update-smtp-setting", auth: bearer(secretKeyOne),
			body: smtpSecretBody("13", q(secretSMTPPass)), wantStatus: 403},
		{name: "smtp bad sender", method: "POST", path: "/user/update-smtp-setting", auth: bearer(secretKeyTwo),
			body: strings.Replace(smtpSecretBody("13", q(secretSMTPPass)), "support@example.com", "not-an-email", 1), wantStatus: 400},
		{name: "setting with password field", method: "POST", path: "/user/update-setting", auth: bearer(secretKeyOne),
			body: `{"data":{"userId":"12","password":` + q(secretNewPass) + `}}`, wantStatus: 400},
		{name: "detail with password field", method: "POST", path: "/user/update-detail", auth: bearer(secretKeyOne),
			body: `{"data":{"phone_number":"+1 555 0100","password":` + q(secretCustom) + `}}`, wantStatus: 200},
		{name: "detail with bad phone", method: "POST", path: "/user/update-detail", auth: bearer(secretKeyOne),
			body: `{"data":{"phone_number":"x","smtp_password":` + q(secretSMTPPass) + `}}`, wantStatus: 400},
	}

	var responses bytes.Buffer
	for _, req := range requests {
		status, dump := sendSecretRequest(t, ts, req)
		assert.Equal(t, req.wantStatus, status, "%s: %s", req.name, dump)
		responses.WriteString(dump)
	}

	journal := ts.do(t, request{method: http.MethodGet, path: "/__mock/requests"})
	require.Equal(t, http.StatusOK, journal.status)
	require.Len(t, journalEntries(t, ts), len(requests), "every request is journaled")
	require.Contains(t, logs.String(), `"msg":"request rejected"`, "debug lines are logged")
	require.Equal(t, secretNewPass, ts.account(t, "12").Password, "the secrets reached the store")
	require.Equal(t, secretSMTPPass, ts.account(t, "12").SMTP.Password)

	for _, secret := range allSecrets {
		assertNoSecret(t, "a response", responses.String(), secret)
		assertNoSecret(t, "the log", logs.String(), secret)
		assertNoSecret(t, "the journal", string(journal.raw), secret)
	}
}

// assertNoSecret fails when text contains secret, quoting the text around
// the first occurrence.
func assertNoSecret(t *testing.T, where, text, secret string) {
	t.Helper()
	at := strings.Index(text, secret)
	if at < 0 {
		return
	}
	from, to := max(0, at-120), min(len(text), at+len(secret)+40)
	t.Errorf("%s contains the secret %q: ...%s...", where, secret, text[from:to])
}

// sendSecretRequest sends req and returns the status and the response's
// status line, headers and body as one text.
func sendSecretRequest(t *testing.T, ts *testServer, req secretRequest) (int, string) {
	t.Helper()
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
	}
	httpReq, err := http.NewRequest(req.method, ts.url+req.path, body)
	require.NoError(t, err)
	if req.body != "" {
		httpReq.Header.Set("Content-Type", "application/json")
	}
	if req.auth != "" {
		httpReq.Header.Set("Authorization", req.auth)
	}
	for name, value := range req.header {
		httpReq.Header.Set(name, value)
	}

	resp, err := http.DefaultClient.Do(httpReq)
	require.NoError(t, err)
	defer resp.Body.Close()
	var dump bytes.Buffer
	fmt.Fprintf(&dump, "%s\n", resp.Status)
	require.NoError(t, resp.Header.Write(&dump))
	_, err = io.Copy(&dump, resp.Body)
	require.NoError(t, err)
	dump.WriteString("\n")
	return resp.StatusCode, dump.String()
}

// secretFieldsProperty adds writeOnly fields to reset-password whose
// validators could show the value: an email format, whose message quotes
// the address, and an object whose member has no secret name.
const secretFieldsProperty = newPassProperty + `            recovery_email:
              type: string
              format: email
              writeOnly: true
            credentials:
              type: object
              writeOnly: true
              properties:
                pin:
                  type: string
                  pattern: "^[0-9]{4}$"
`

// TestSecretFieldErrorsQuoteNoValue sends invalid values of secret fields
// whose error messages would otherwise contain the value, and searches the
// responses, the log and the journal for it.
func TestSecretFieldErrorsQuoteNoValue(t *testing.T) {
	const secret = "val-SECRET-3141"
	tests := []struct {
		name       string
		data       string
		wantError  string
		wantFields []string
	}{
		{
			name:       "writeOnly email",
			data:       `"recovery_email":"` + secret + `"`,
			wantError:  `request body: data.recovery_email: string doesn't match the format "email"`,
			wantFields: []string{"data.recovery_email"},
		},
		{
			name:       "member of writeOnly object",
			data:       `"credentials":{"pin":"` + secret + `"}`,
			wantError:  `request body: data.credentials.pin: string doesn't match the regular expression "^[0-9]{4}$"`,
			wantFields: []string{"data.credentials.pin"},
		},
		{
			name:       "undocumented member",
			data:       `"extra":{"token":"` + secret + `"}`,
			wantError:  `request body: data.extra: property "extra" is unsupported`,
			wantFields: []string{"data.extra"},
		},
		{
			name:       "secret name in custom field",
			data:       `"api_token":"` + secret + `"`,
			wantError:  `request body: data.api_token: property "api_token" is unsupported`,
			wantFields: []string{"data.api_token"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &syncBuffer{}
			ts := newTestServer(t, jsonLogs(logs), func(c *Config) { c.Spec = editedSpec(t, newPassProperty, secretFieldsProperty) })

			got := ts.post(t, "/user/reset-password", demoKey, `{"data":{"oldPass":"123456","newPass":"abcdefg",`+tt.data+`}}`)

			require.Equal(t, http.StatusBadRequest, got.status, "body %s", got.raw)
			assert.Equal(t, tt.wantError, got.json["error"])
			assert.Equal(t, tt.wantFields, violationFields(got.json))
			journal := ts.do(t, request{method: http.MethodGet, path: "/__mock/requests"})
			assertNoSecret(t, "the response", string(got.raw), secret)
			assertNoSecret(t, "the log", logs.String(), secret)
			assertNoSecret(t, "the journal", string(journal.raw), secret)
		})
	}
}

func TestResponseViolationQuotesNoValue(t *testing.T) {
	const secret = "leak-SECRET-2718@localhost"
	logs := &syncBuffer{}
	ts := newTestServer(t, jsonLogs(logs))
	ts.behaviours["getUserProfile"] = func(*call) (response, error) {
		return jsonResponse(http.StatusOK, map[string]any{"user": map[string]any{"name": "x", "email": secret}, "setting": map[string]any{}})
	}

	got := ts.get(t, "/user/profile", demoKey)

	assert.Equal(t, http.StatusInternalServerError, got.status)
	assert.Equal(t, `response does not match the contract: response body: user.email: string doesn't match the format "email"`, got.json["error"])
	assertNoSecret(t, "the response", string(got.raw), secret)
	assertNoSecret(t, "the log", logs.String(), "leak-SECRET")
}
