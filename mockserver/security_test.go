package mockserver

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/store"
)

// oauthScheme is a security scheme of a type that the mock cannot check.
const oauthScheme = `    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://auth.example.com/token
          scopes: {}
`

func TestSecuritySchemeSupport(t *testing.T) {
	tests := []struct {
		name    string
		edits   []string
		wantErr string // empty when the spec loads
	}{
		{
			name:    "oauth2 only",
			edits:   []string{bearerScheme, bearerScheme + oauthScheme, "security:\n  - bearerAuth: []\n", "security:\n  - oauth: []\n"},
			wantErr: `operation GET /user/profile: security scheme "oauth" of type "oauth2" is not supported; the mock server checks http bearer and apiKey schemes`,
		},
		{
			name:    "http basic",
			edits:   []string{bearerScheme, "    bearerAuth:\n      type: http\n      scheme: basic\n"},
			wantErr: `operation GET /user/profile: security scheme "bearerAuth" of type "http" with scheme "basic" is not supported`,
		},
		{
			name:    "oauth2 with bearer in one requirement",
			edits:   []string{bearerScheme, bearerScheme + oauthScheme, "security:\n  - bearerAuth: []\n", "security:\n  - bearerAuth: []\n    oauth: []\n"},
			wantErr: `security scheme "oauth" of type "oauth2" is not supported`,
		},
		{
			name:  "oauth2 as an alternative to bearer",
			edits: []string{bearerScheme, bearerScheme + oauthScheme, "security:\n  - bearerAuth: []\n", "security:\n  - bearerAuth: []\n  - oauth: []\n"},
		},
		{
			name:  "apiKey in a cookie",
			edits: []string{bearerScheme, "    bearerAuth:\n      type: apiKey\n      in: cookie\n      name: session\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := editedSpec(t, tt.edits...)
			fx, err := store.Default()
			require.NoError(t, err)

			_, err = New(Config{Spec: sp, Fixtures: fx})

			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestReloadSpecKeepsSpecOnUnsupportedScheme(t *testing.T) {
	ts := newTestServer(t)
	before := ts.api.Load()
	unsupported := editedSpec(t, bearerScheme, bearerScheme+oauthScheme, "security:\n  - bearerAuth: []\n", "security:\n  - oauth: []\n")

	err := ts.ReloadSpec(unsupported)

	require.ErrorContains(t, err, `reload spec: operation GET /user/profile: security scheme "oauth" of type "oauth2" is not supported`)
	assert.Same(t, before, ts.api.Load(), "the previous spec keeps serving")
	assert.Equal(t, http.StatusOK, ts.get(t, "/user/profile", demoKey).status)
}

func TestReloadSpecRejectsNil(t *testing.T) {
	ts := newTestServer(t)

	assert.EqualError(t, ts.ReloadSpec(nil), "reload spec: the spec is nil")
	assert.Equal(t, http.StatusOK, ts.get(t, "/user/profile", demoKey).status)
}
