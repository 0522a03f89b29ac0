package store_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/store"
)

// FuzzLoadFixtures loads fuzzed accounts.yaml and dns.yaml from an
// in-memory file system. LoadFixtures must never panic. Every error must
// name the file it concerns and come without fixtures. Fixtures that it
// returns must pass Validate and build a Store whose keys authenticate.
func FuzzLoadFixtures(f *testing.F) {
	f.Add([]byte(validAccounts), []byte(validDNS))
	f.Add([]byte(strings.Replace(validAccounts, "key-two", "key-one", 1)), []byte(validDNS))
	f.Add([]byte(strings.Replace(validAccounts, "id: 1", "id: first", 1)), []byte(validDNS))
	f.Add([]byte(validAccounts+"---\naccounts: []\n"), []byte(validDNS))
	f.Add([]byte("# nothing\n"), []byte(validDNS))
	f.Add([]byte(validAccounts), []byte("a_records: {}\n"))
	f.Add([]byte(validAccounts), []byte(validDNS+"  app.example.COM: [192.0.2.1]\n"))
	f.Add([]byte("accounts: &a [*a]\n"), []byte(validDNS))
	f.Add([]byte("accounts:\n  - {api_key: k, user_id: \"1\", password: p, email: a@b.c, setting: {x: [1]}}\n"), []byte(validDNS))
	f.Add([]byte("\xEF\xBB\xBFaccounts: []\n"), []byte("required_a_record: 1.2.3.4\n"))

	f.Fuzz(func(t *testing.T, accounts, dns []byte) {
		fsys := fstest.MapFS{
			store.AccountsFile: {Data: accounts},
			store.DNSFile:      {Data: dns},
		}

		fx, err := store.LoadFixtures(fsys)

		if err != nil {
			require.Nil(t, fx, "fixtures returned with error %v", err)
			message := err.Error()
			require.True(t, strings.Contains(message, `"accounts.yaml"`) || strings.Contains(message, `"dns.yaml"`),
				"error names no file: %s", message)
			return
		}
		require.NoError(t, fx.Validate())
		s := store.New(fx)
		for _, acc := range fx.Accounts {
			id, ok := s.Authenticate(acc.APIKey)
			require.True(t, ok)
			require.Equal(t, acc.UserID, id)
		}
	})
}
