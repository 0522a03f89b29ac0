package contract

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock"
	"github.com/callfluent/usermock/spec"
)

// withWriteOnlyUsername returns the embedded spec with smtp_username
// marked writeOnly.
func withWriteOnlyUsername(t *testing.T) *spec.Spec {
	t.Helper()
	const description = "              description: SMTP user name.\n"
	source := string(usermock.SpecYAML)
	require.Equal(t, 1, strings.Count(source, description), "the smtp_username schema moved")
	sp, err := spec.Load([]byte(strings.Replace(source, description, description+"              writeOnly: true\n", 1)))
	require.NoError(t, err)
	return sp
}

func TestSecretKeysFollowSpec(t *testing.T) {
	embedded, err := spec.Default()
	require.NoError(t, err)
	username := withWriteOnlyUsername(t)
	require.Equal(t, []string{"newPass", "oldPass", "smtp_password"}, embedded.WriteOnlyNames())
	require.Equal(t, []string{"newPass", "oldPass", "smtp_password", "smtp_username"}, username.WriteOnlyNames())

	cases := []struct {
		name string
		sp   *spec.Spec
		body any
		want []string
	}{
		{"write-only name", embedded, map[string]any{"user": map[string]any{"smtp_password": "x"}},
			[]string{"user.smtp_password"}},
		{"write-only name in other case", embedded, map[string]any{"OLDPASS": "x"}, []string{"OLDPASS"}},
		{"name containing password", embedded, map[string]any{"items": []any{map[string]any{"api_Password_hash": "x"}}},
			[]string{"items[].api_Password_hash"}},
		{"names of other secrets", embedded, map[string]any{"client_secret": "x", "pwd": "y", "api_token": "z"},
			[]string{"api_token", "client_secret", "pwd"}},
		{"ordinary members", embedded, map[string]any{"passport": "x", "smtp_username": "u", "from_email": "a@b.co"}, nil},
		{"write-only name from changed spec", username, map[string]any{"user": map[string]any{"smtp_username": "u"}},
			[]string{"user.smtp_username"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, secretKeys(c.body, "", c.sp.WriteOnlyNames()))
		})
	}
}
