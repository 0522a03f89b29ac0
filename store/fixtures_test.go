package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/store"
)

const validAccounts = `accounts:
  - api_key: key-one
    user_id: "12"
    password: "123456"
    name: one
    email: one@example.com
    setting:
      website_name: first
    agents:
      - id: 1
        name: Support agent
  - api_key: key-two
    user_id: "13"
    password: "654321"
    name: two
    email: two@example.com
`

const validDNS = `required_a_record: 23.29.127.132
a_records:
  App.Example.com: [23.29.127.132]
  wrong.example.com: [192.0.2.10]
`

func fixtureFS(accounts, dns string) fstest.MapFS {
	fsys := fstest.MapFS{}
	if accounts != "" {
		fsys[store.AccountsFile] = &fstest.MapFile{Data: []byte(accounts)}
	}
	if dns != "" {
		fsys[store.DNSFile] = &fstest.MapFile{Data: []byte(dns)}
	}
	return fsys
}

func TestDefaultFixturesLoad(t *testing.T) {
	fx, err := store.Default()
	require.NoError(t, err)

	require.Len(t, fx.Accounts, 2)
	assert.Equal(t, "demo-api-key", fx.Accounts[0].APIKey)
	assert.Equal(t, "12", fx.Accounts[0].UserID)
	assert.Equal(t, "callfluent", fx.Accounts[0].Setting["website_name"])
	assert.Equal(t, []store.Agent{{ID: 1, Name: "Support agent"}, {ID: 2, Name: "Sales agent"}}, fx.Accounts[0].Agents)
	assert.Equal(t, "23.29.127.132", fx.RequiredARecord)
	assert.Equal(t, []string{"23.29.127.132"}, fx.ARecords["app.automation.ai"])
}

func TestLoadFixturesLowercasesDomains(t *testing.T) {
	fx, err := store.LoadFixtures(fixtureFS(validAccounts, validDNS))
	require.NoError(t, err)

	assert.Contains(t, fx.ARecords, "app.example.com")
	assert.NotContains(t, fx.ARecords, "App.Example.com")
}

func TestLoadFixturesDirReadsFiles(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, store.AccountsFile), []byte(validAccounts), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, store.DNSFile), []byte(validDNS), 0o600))

	fx, err := store.LoadFixturesDir(dir)
	require.NoError(t, err)
	assert.Len(t, fx.Accounts, 2)

	_, err = store.LoadFixturesDir(filepath.Join(dir, "missing"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "missing")
}

func TestLoadFixturesRejectsBadFiles(t *testing.T) {
	tests := []struct {
		name     string
		accounts string
		dns      string
		want     string
	}{
		{
			name:     "duplicate api key",
			accounts: strings.Replace(validAccounts, "key-two", "key-one", 1),
			want:     `fixtures "accounts.yaml": accounts[1].api_key: duplicate of accounts[0]`,
		},
		{
			name:     "empty api key",
			accounts: strings.Replace(validAccounts, "api_key: key-two", `api_key: ""`, 1),
			want:     `fixtures "accounts.yaml": accounts[1].api_key: is empty`,
		},
		{
			name:     "api key with space",
			accounts: strings.Replace(validAccounts, "key-two", `"key two"`, 1),
			want:     `fixtures "accounts.yaml": accounts[1].api_key: contains characters that a Bearer token cannot carry`,
		},
		{
			name:     "duplicate user id",
			accounts: strings.Replace(validAccounts, `"13"`, `"12"`, 1),
			want:     `fixtures "accounts.yaml": accounts[1].user_id: duplicate of accounts[0]`,
		},
		{
			name:     "empty user id",
			accounts: strings.Replace(validAccounts, `user_id: "13"`, `user_id: ""`, 1),
			want:     `fixtures "accounts.yaml": accounts[1].user_id: is empty`,
		},
		{
			name:     "non-digit user id",
			accounts: strings.Replace(validAccounts, `"13"`, `"u13"`, 1),
			want:     `fixtures "accounts.yaml": accounts[1].user_id: "u13" is not a string of decimal digits`,
		},
		{
			name:     "empty password",
			accounts: strings.Replace(validAccounts, `password: "654321"`, `password: ""`, 1),
			want:     `fixtures "accounts.yaml": accounts[1].password: is empty`,
		},
		{
			name:     "invalid email",
			accounts: strings.Replace(validAccounts, "two@example.com", "two-at-example", 1),
			want:     `fixtures "accounts.yaml": accounts[1].email: "two-at-example" is not an email address`,
		},
		{
			name:     "email without dot",
			accounts: strings.Replace(validAccounts, "two@example.com", "two@localhost", 1),
			want:     `fixtures "accounts.yaml": accounts[1].email: "two@localhost" is not an email address: the domain has no dot`,
		},
		{
			name:     "agent id zero",
			accounts: strings.Replace(validAccounts, "id: 1", "id: 0", 1),
			want:     `fixtures "accounts.yaml": accounts[0].agents[0].id: must be at least 1, got 0`,
		},
		{
			name:     "duplicate agent id",
			accounts: validAccounts + "    agents:\n      - id: 1\n        name: copy\n",
			want:     `fixtures "accounts.yaml": accounts[1].agents[0].id: 1 is a duplicate of accounts[0].agents[0]`,
		},
		{
			name:     "no accounts",
			accounts: "accounts: []\n",
			want:     `fixtures "accounts.yaml": accounts: at least one account is required`,
		},
		{
			name:     "unknown field",
			accounts: strings.Replace(validAccounts, "name: two", "nmae: two", 1),
			want:     `fixtures "accounts.yaml": invalid YAML: line 15: field nmae not found in type store.AccountFixture`,
		},
		{
			name:     "wrong type",
			accounts: strings.Replace(validAccounts, "id: 1", "id: first", 1),
			want:     `fixtures "accounts.yaml": invalid YAML: line 10: cannot unmarshal !!str ` + "`first`" + ` into int`,
		},
		{
			name:     "empty file",
			accounts: "# nothing\n",
			want:     `fixtures "accounts.yaml": the file is empty`,
		},
		{
			name:     "two documents",
			accounts: validAccounts + "---\naccounts: []\n",
			want:     `fixtures "accounts.yaml": the file holds more than one YAML document`,
		},
		{
			name: "missing dns file",
			want: `fixtures "dns.yaml": cannot open`,
		},
		{
			name: "missing required record",
			dns:  "a_records: {}\n",
			want: `fixtures "dns.yaml": required_a_record: is missing`,
		},
		{
			name: "required record not IPv4",
			dns:  strings.Replace(validDNS, "required_a_record: 23.29.127.132", "required_a_record: 2001:db8::1", 1),
			want: `fixtures "dns.yaml": required_a_record: "2001:db8::1" is not an IPv4 address`,
		},
		{
			name: "A record not an address",
			dns:  strings.Replace(validDNS, "[192.0.2.10]", "[192.0.2.300]", 1),
			want: `fixtures "dns.yaml": a_records["wrong.example.com"][0]: "192.0.2.300" is not an IPv4 address`,
		},
		{
			name: "domain differing in case",
			dns:  validDNS + "  app.example.COM: [192.0.2.1]\n",
			want: `fixtures "dns.yaml": a_records["app.example.COM"]: duplicate of "App.Example.com"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			accounts, dns := tt.accounts, tt.dns
			if accounts == "" {
				accounts = validAccounts
			}
			if dns == "" && tt.name != "missing dns file" {
				dns = validDNS
			}

			fx, err := store.LoadFixtures(fixtureFS(accounts, dns))

			require.Error(t, err)
			assert.Nil(t, fx, "no half-loaded fixtures")
			assert.Contains(t, err.Error(), tt.want)
			var fixtureErr *store.FixtureError
			assert.True(t, errors.As(err, &fixtureErr), "error is a *store.FixtureError")
		})
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	fx := &store.Fixtures{
		Accounts: []store.AccountFixture{
			{APIKey: "k", UserID: "1", Password: "", Email: "a@example.com"},
			{APIKey: "k", UserID: "1", Password: "p", Email: "a@example.com"},
		},
		RequiredARecord: "23.29.127.132",
	}

	err := fx.Validate()

	require.Error(t, err)
	assert.Contains(t, err.Error(), "accounts[0].password: is empty")
	assert.Contains(t, err.Error(), "accounts[1].api_key: duplicate of accounts[0]")
	assert.Contains(t, err.Error(), "accounts[1].user_id: duplicate of accounts[0]")
}
