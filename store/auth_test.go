package store_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/store"
)

// manyAccounts returns fixtures with n accounts whose keys share a long
// prefix and differ only near the end, the case where an early-exit
// comparison would be fastest to probe.
func manyAccounts(t *testing.T, n int) *store.Fixtures {
	t.Helper()
	fx := &store.Fixtures{RequiredARecord: "23.29.127.132"}
	for i := range n {
		fx.Accounts = append(fx.Accounts, store.AccountFixture{
			APIKey:   fmt.Sprintf("shared-prefix-key-%03d", i),
			UserID:   fmt.Sprint(100 + i),
			Password: "pw",
			Email:    fmt.Sprintf("u%d@example.com", i),
		})
	}
	require.NoError(t, fx.Validate())
	return fx
}

// TestAuthenticateRejectsNearMisses checks the behaviour of Authenticate.
// Every key finds its own account, wherever it is in the list, and no key
// that differs from a real one by a prefix, a suffix, a changed character,
// case or whitespace authenticates. Timing is not measured here, because a
// test cannot measure it reliably. Authenticate hashes the key with SHA-256
// and compares the digest with every account's digest through
// crypto/subtle.ConstantTimeCompare, selects the match with
// ConstantTimeSelect and never stops early.
func TestAuthenticateRejectsNearMisses(t *testing.T) {
	fx := manyAccounts(t, 40)
	s := store.New(fx)

	for _, acc := range fx.Accounts {
		id, ok := s.Authenticate(acc.APIKey)
		assert.True(t, ok, "key %q", acc.APIKey)
		assert.Equal(t, acc.UserID, id, "key %q", acc.APIKey)
	}

	key := fx.Accounts[17].APIKey
	nearMisses := map[string]string{
		"prefix":             key[:len(key)-1],
		"shared prefix only": "shared-prefix-key-",
		"suffix added":       key + "0",
		"last char changed":  key[:len(key)-1] + "x",
		"first char changed": "S" + key[1:],
		"upper case":         strings.ToUpper(key),
		"leading space":      " " + key,
		"trailing newline":   key + "\n",
		"NUL appended":       key + "\x00",
		"two keys joined":    key + fx.Accounts[18].APIKey,
		"empty":              "",
	}
	for name, candidate := range nearMisses {
		t.Run(name, func(t *testing.T) {
			id, ok := s.Authenticate(candidate)

			assert.False(t, ok, "key %q", candidate)
			assert.Empty(t, id)
		})
	}
}
