package contract_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock"
	"github.com/callfluent/usermock/contract"
	"github.com/callfluent/usermock/contract/fakes"
	"github.com/callfluent/usermock/spec"
)

// findCheck returns the named check of checks.
func findCheck(checks []contract.Check, operationID, name string) (contract.Check, bool) {
	for _, check := range checks {
		if check.OperationID == operationID && check.Name == name {
			return check, true
		}
	}
	return contract.Check{}, false
}

func TestCheckProvenanceFollowsSpecMarks(t *testing.T) {
	sp, err := spec.Default()
	require.NoError(t, err)
	checks, err := contract.Checks(sp)
	require.NoError(t, err)

	cases := []struct {
		operationID, name string
		want              contract.Provenance
	}{
		{"getUserProfile", "example request succeeds", contract.Documented},
		{"getUserProfile", "unknown API key rejected", contract.Documented},
		{"getUserProfile", "unknown API key gets 401", contract.Inferred},
		{"updateUserDetail", "data.phone_number omitted rejected", contract.Documented},
		{"updateUserDetail", "data.phone_number omitted gets 400", contract.Inferred},
		{"resetUserPassword", "wrong current password rejected with documented msg", contract.Documented},
		{"resetUserPassword", "wrong current password gets 400", contract.Inferred},
		{"updateUserSetting", "stored settings visible in profile", contract.Documented},
		{"updateUserSetting", "every stored setting visible in profile", contract.Inferred},
		{"updateUserSetting", "userId of the second account rejected", contract.Inferred},
		{"updateSmtpSetting", "sent smtp_password not echoed", contract.Documented},
		{"updateSmtpSetting", "returned user has no password-like member", contract.Inferred},
		{"updateSmtpSetting", "no request gets a 5xx", contract.Inferred},
	}
	for _, c := range cases {
		t.Run(c.operationID+" "+c.name, func(t *testing.T) {
			check, ok := findCheck(checks, c.operationID, c.name)
			require.True(t, ok)
			assert.Equal(t, c.want, check.Provenance)
			if check.Provenance == contract.Inferred {
				assert.NotEmpty(t, check.Basis, "an inferred check gives its basis")
			}
		})
	}
}

func TestSpecChangeChangesChecks(t *testing.T) {
	mark := "      x-inferred: >-\n        The documentation requires the key but documents no authentication\n" +
		"        failure; 401 with a Bearer challenge follows RFC 6750.\n"
	required := "required: [userId, smtp_host, smtp_port,"
	source := string(usermock.SpecYAML)
	require.Contains(t, source, mark)
	require.Contains(t, source, required)

	changed := strings.Replace(source, mark, "", 1)
	changed = strings.Replace(changed, required, "required: [userId, smtp_port,", 1)
	sp, err := spec.Load([]byte(changed))
	require.NoError(t, err)
	checks, err := contract.Checks(sp)
	require.NoError(t, err)

	unauthorized, ok := findCheck(checks, "getUserProfile", "unknown API key gets 401")
	require.True(t, ok)
	assert.Equal(t, contract.Documented, unauthorized.Provenance, "401 is documented once the mark is gone")
	_, ok = findCheck(checks, "updateSmtpSetting", "data.smtp_host omitted rejected")
	assert.False(t, ok, "a field that is no longer required gets no omission check")
	_, ok = findCheck(checks, "updateSmtpSetting", "data.smtp_port omitted rejected")
	assert.True(t, ok)
}

func TestReadOnlyRunWritesNothing(t *testing.T) {
	fake, server := startFake(t, fakes.Options{})
	cfg := demoConfig(server.URL)
	cfg.ReadOnly = true

	report := runSuite(t, cfg)

	assert.Zero(t, fake.ServedWrites(), "no write was served")
	assert.False(t, report.Failed())
	ran := 0
	for _, result := range report.Results {
		switch result.Outcome {
		case contract.Skip:
			assert.Contains(t, result.Reason, "-read-only", describeResult(result))
		case contract.Pass:
			ran++
		}
	}
	assert.Positive(t, ran, "read-only checks still run")
	assert.Equal(t, contract.Pass, resultOf(t, report, "resetUserPassword", "malformed JSON body rejected").Outcome)
	assert.Equal(t, contract.Pass, resultOf(t, report, "getUserProfile", "unknown API key gets 401").Outcome)
}

func TestReadOnlyCatchesServedAuthProbe(t *testing.T) {
	fake, server := startFake(t, fakes.Options{Fault: fakes.AuthNotEnforced})
	cfg := demoConfig(server.URL)
	cfg.ReadOnly = true

	report := runSuite(t, cfg)

	assert.Equal(t, contract.Fail, resultOf(t, report, "resetUserPassword", "missing Authorization header rejected").Outcome)
	_, body := call(t, "POST", server.URL+"/user/reset-password", `{"data":{"oldPass":"123456","newPass":"123456"}}`)
	assert.Equal(t, true, body["status"], "the served probe kept the password")
	assert.Positive(t, fake.ServedWrites())
}

func TestOnlyDocumentedSkipsInferredChecks(t *testing.T) {
	_, server := startFake(t, fakes.Options{})
	cfg := demoConfig(server.URL)
	cfg.OnlyDocumented = true

	report := runSuite(t, cfg)

	for _, result := range report.Results {
		if result.Provenance == contract.Inferred {
			assert.Equal(t, contract.Skip, result.Outcome, describeResult(result))
			assert.Contains(t, result.Reason, "-only-documented")
		} else {
			assert.Equal(t, contract.Pass, result.Outcome, describeResult(result))
		}
	}
}

func TestMissingSecondAccountSkipsIsolation(t *testing.T) {
	_, server := startFake(t, fakes.Options{})
	cfg := demoConfig(server.URL)
	cfg.APIKey2, cfg.UserID2 = "", ""

	report := runSuite(t, cfg)

	result := resultOf(t, report, "updateUserSetting", "second account unchanged by first account's writes")
	assert.Equal(t, contract.Skip, result.Outcome)
	assert.Contains(t, result.Reason, "-api-key-2")
	assert.False(t, report.Failed())
}

func TestConfigValidateNamesProblem(t *testing.T) {
	valid := demoConfig("http://127.0.0.1:4010")
	cases := []struct {
		name   string
		change func(*contract.Config)
		want   string
	}{
		{"valid", func(*contract.Config) {}, ""},
		{"no base URL", func(c *contract.Config) { c.BaseURL = "" }, "missing base URL"},
		{"relative base URL", func(c *contract.Config) { c.BaseURL = "127.0.0.1:4010" }, "invalid base URL"},
		{"base URL with query", func(c *contract.Config) { c.BaseURL = "http://127.0.0.1:4010/api?v=1" },
			`invalid base URL "http://127.0.0.1:4010/api?v=1": remove the query or fragment`},
		{"base URL with empty query", func(c *contract.Config) { c.BaseURL = "http://127.0.0.1:4010/?" },
			`invalid base URL "http://127.0.0.1:4010/?"`},
		{"base URL with fragment", func(c *contract.Config) { c.BaseURL = "http://127.0.0.1:4010/#top" },
			`invalid base URL "http://127.0.0.1:4010/#top": remove the query or fragment`},
		{"base URL with prefix", func(c *contract.Config) { c.BaseURL = "http://127.0.0.1:4010/api/" }, ""},
		{"no API key", func(c *contract.Config) { c.APIKey = "" }, "missing API key"},
		{"no password", func(c *contract.Config) { c.Password = "" }, "missing password"},
		{"half second account", func(c *contract.Config) { c.UserID2 = "" }, "both an API key and a user id"},
		{"same user twice", func(c *contract.Config) { c.UserID2 = c.UserID }, "is the first account's"},
		{"base URL with user and password", func(c *contract.Config) { c.BaseURL = "http://u:pw@127.0.0.1:4010/api" },
			`invalid base URL "http://127.0.0.1:4010/api": remove the user name and password`},
		{"base URL with user only", func(c *contract.Config) { c.BaseURL = "http://u@127.0.0.1:4010" },
			`invalid base URL "http://127.0.0.1:4010": remove the user name and password`},
		{"password read as port and fragment", func(c *contract.Config) { c.BaseURL = "http://user:12#pw-secret@127.0.0.1:4010" },
			`invalid base URL "http://127.0.0.1:4010": remove the user name and password`},
		{"password read as path", func(c *contract.Config) { c.BaseURL = "http://localhost:1/pw-secret@127.0.0.1:4010" },
			`invalid base URL "http://127.0.0.1:4010": remove the user name and password`},
		{"letters in user id", func(c *contract.Config) { c.UserID = "abc" },
			`invalid user id "abc": the spec's userId schema rejects it: string doesn't match the regular expression`},
		{"space in user id", func(c *contract.Config) { c.UserID = " 12" }, `invalid user id " 12"`},
		{"letters in second user id", func(c *contract.Config) { c.UserID2 = "1x3" },
			`invalid user id "1x3" of the second account`},
		{"same API key twice", func(c *contract.Config) { c.APIKey2 = c.APIKey },
			"the second account's API key is the first account's"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := valid
			c.change(&cfg)
			err := cfg.Validate()
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestConfigValidateHidesSecrets(t *testing.T) {
	const key, password = "key-Golf-31c7", "pw-Hotel/8d2e"
	valid := contract.Config{BaseURL: "http://127.0.0.1:4010", APIKey: key, UserID: "12", Password: password,
		APIKey2: "key-India-6a04", UserID2: "13"}
	cases := []struct {
		name   string
		change func(*contract.Config)
	}{
		{"password in base URL", func(c *contract.Config) { c.BaseURL = "http://u:" + password + "@127.0.0.1:4010" }},
		{"unparseable base URL with password", func(c *contract.Config) { c.BaseURL = "http://u:" + password + "%zz@127.0.0.1:4010" }},
		{"base URL without scheme", func(c *contract.Config) { c.BaseURL = "u:" + password + "@127.0.0.1:4010" }},
		{"API key as user id", func(c *contract.Config) { c.UserID = key }},
		{"password as second user id", func(c *contract.Config) { c.UserID2 = password }},
		{"same API key twice", func(c *contract.Config) { c.APIKey2 = key }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := valid
			c.change(&cfg)

			err := cfg.Validate()

			require.Error(t, err)
			assert.NotContains(t, err.Error(), key)
			assert.NotContains(t, err.Error(), password)
			assert.NotContains(t, err.Error(), "Hotel", "no part of the password")
		})
	}
}

func TestUserIDRuleComesFromSpec(t *testing.T) {
	digits := `pattern: "^[0-9]+$"`
	source := string(usermock.SpecYAML)
	require.Equal(t, 1, strings.Count(source, digits), "the UserId schema alone has this pattern")
	sp, err := spec.Load([]byte(strings.Replace(source, digits, `pattern: "^[0-9a-f]+$"`, 1)))
	require.NoError(t, err)
	cfg := demoConfig("http://127.0.0.1:4010")
	cfg.Spec = sp
	cfg.UserID, cfg.UserID2 = "abc", "def"

	assert.NoError(t, cfg.Validate(), "hexadecimal ids match the changed pattern")
	cfg.UserID = "xyz"
	err = cfg.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `invalid user id "xyz"`)
	assert.Contains(t, err.Error(), "^[0-9a-f]+$")
}
