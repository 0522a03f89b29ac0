package mockserver

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bearerScheme is the security scheme of the embedded contract.
const bearerScheme = `    bearerAuth:
      type: http
      scheme: bearer
`

// newPassProperty is the last property of reset-password's data.
const newPassProperty = `              description: The new password.
              writeOnly: true
              minLength: 1
              x-inferred: A required string must not be empty.
              example: abcdefg
`

// otpProperty adds a writeOnly property whose name no built-in rule treats
// as a secret.
const otpProperty = newPassProperty + `            otp:
              type: string
              writeOnly: true
              pattern: "^[0-9]{6}$"
`

func TestJournalRedactsSecretsTheSpecNames(t *testing.T) {
	tests := []struct {
		name  string
		edits []string
		req   request
		check func(t *testing.T, entry map[string]any)
	}{
		{
			name:  "writeOnly property",
			edits: []string{newPassProperty, otpProperty},
			req:   request{path: "/user/reset-password", key: demoKey, body: `{"data":{"oldPass":"123456","newPass":"abcdefg","otp":"246810"}}`},
			check: func(t *testing.T, entry map[string]any) {
				body, _ := entry["request_body"].(map[string]any)
				data, _ := body["data"].(map[string]any)
				assert.Equal(t, redacted, data["otp"])
			},
		},
		{
			name:  "apiKey header",
			edits: []string{bearerScheme, "    bearerAuth:\n      type: apiKey\n      in: header\n      name: x-customer-auth\n"},
			req:   request{method: http.MethodGet, path: "/user/profile", header: map[string]string{"X-Customer-Auth": demoKey}},
			check: func(t *testing.T, entry map[string]any) {
				headers, _ := entry["request_headers"].(map[string]any)
				assert.Equal(t, []any{redacted}, headers["X-Customer-Auth"])
			},
		},
		{
			name:  "apiKey query parameter",
			edits: []string{bearerScheme, "    bearerAuth:\n      type: apiKey\n      in: query\n      name: customer_key\n"},
			req:   request{method: http.MethodGet, path: "/user/profile?customer_key=" + demoKey},
			check: func(t *testing.T, entry map[string]any) {
				assert.Equal(t, "customer_key=%5BREDACTED%5D", entry["query"])
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, func(c *Config) { c.Spec = editedSpec(t, tt.edits...) })

			got := ts.do(t, tt.req)

			require.Equal(t, http.StatusOK, got.status, "body %s", got.raw)
			entries := journalEntries(t, ts)
			require.Len(t, entries, 1)
			tt.check(t, entries[0])
			encoded, err := json.Marshal(entries)
			require.NoError(t, err)
			assert.NotContains(t, string(encoded), demoKey)
			assert.NotContains(t, string(encoded), "246810")
		})
	}
}

func TestFloorSecretsNeedNoSpec(t *testing.T) {
	var none *secrets

	assert.True(t, none.isSecretName("newPass"))
	assert.True(t, none.isSecretName("smtp_password"))
	assert.True(t, none.isSecretHeader("x-api-key"))
	assert.False(t, none.isSecretName("otp"), "a name that only a spec declares")
	assert.False(t, none.isSecretHeader("X-Customer-Id"))
}

func TestFloorSecretsCoverMisplacedKeys(t *testing.T) {
	var none *secrets

	for _, header := range []string{"Api-Key", "X-Auth", "X-Auth-Token", "Proxy-Authorization"} {
		assert.True(t, none.isSecretHeader(header), header)
	}
	for _, param := range []string{"key", "api-key", "API_KEY", "access_token"} {
		assert.True(t, none.isSecretName(param), param)
	}
	assert.Equal(t, "key="+url.QueryEscape(redacted)+"&page=2", none.redactQuery("key=abc&page=2"))
}
