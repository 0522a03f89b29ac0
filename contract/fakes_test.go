package contract_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/contract"
	"github.com/callfluent/usermock/contract/fakes"
)

func TestConformingFakePassesEveryCheck(t *testing.T) {
	_, server := startFake(t, fakes.Options{})

	report := runSuite(t, demoConfig(server.URL))

	for _, result := range report.Results {
		assert.Equal(t, contract.Pass, result.Outcome, describeResult(result))
	}
}

func TestErrorsAsOKFakePassesDocumentedChecks(t *testing.T) {
	_, server := startFake(t, fakes.Options{ErrorsAsOK: true})
	cfg := demoConfig(server.URL)
	cfg.OnlyDocumented = true

	report := runSuite(t, cfg)

	for _, result := range report.Results {
		if result.Provenance == contract.Documented {
			assert.Equal(t, contract.Pass, result.Outcome, describeResult(result))
		} else {
			assert.Equal(t, contract.Skip, result.Outcome, describeResult(result))
		}
	}
}

func TestErrorsAsOKFakeFailsInferredStatuses(t *testing.T) {
	_, server := startFake(t, fakes.Options{ErrorsAsOK: true})

	report := runSuite(t, demoConfig(server.URL))

	assert.True(t, report.Failed())
	for _, result := range report.Results {
		if result.Outcome == contract.Fail {
			assert.Equal(t, contract.Inferred, result.Provenance, describeResult(result))
		}
	}
	assert.Equal(t, contract.Fail, resultOf(t, report, "getUserProfile", "unknown API key gets 401").Outcome)
	assert.Equal(t, contract.Fail, resultOf(t, report, "updateUserDetail", "data.phone_number omitted gets 400").Outcome)
	assert.Equal(t, contract.Fail, resultOf(t, report, "updateUserSetting", "userId of the second account gets 403").Outcome)
	assert.Equal(t, contract.Pass, resultOf(t, report, "getUserProfile", "unknown API key rejected").Outcome)
}

// caughtBy names, for each fault, checks that must fail because of it.
var caughtBy = map[fakes.Fault][][2]string{
	fakes.ProfileWithoutEmail: {{"getUserProfile", "example request succeeds"}},
	fakes.StatusAsString: {
		{"updateUserSetting", "example request succeeds"},
		{"resetUserPassword", "example request succeeds"},
	},
	fakes.AuthNotEnforced: {
		{"getUserProfile", "missing Authorization header rejected"},
		{"updateUserSetting", "Bearer scheme without token rejected"},
	},
	fakes.UnknownKeyServed:    {{"getUserProfile", "unknown API key rejected"}},
	fakes.AnySchemeAccepted:   {{"resetUserPassword", "Basic Authorization scheme rejected"}},
	fakes.PasswordNotChanged:  {{"resetUserPassword", "new password replaces the old one"}},
	fakes.OldPasswordAccepted: {{"resetUserPassword", "new password replaces the old one"}},
	fakes.SettingsNotSaved:    {{"updateUserSetting", "stored settings visible in profile"}},
	fakes.MessageKeyInErrors: {
		{"getUserProfile", "unknown API key rejected"},
		{"updateUserSetting", "every response has a documented status and shape"},
	},
	fakes.PasswordErrorUsesError: {{"resetUserPassword", "wrong current password rejected with documented msg"}},
	fakes.PlainTextErrors: {
		{"updateUserDetail", "data.phone_number omitted rejected"},
		{"getUserProfile", "every response has a documented status and shape"},
	},
	fakes.ErrorsAs500: {
		{"getUserProfile", "no request gets a 5xx"},
		{"updateSmtpSetting", "missing Authorization header rejected"},
	},
	fakes.UnauthorizedAs403: {{"getUserProfile", "missing Authorization header gets 401"}},
	fakes.SMTPPasswordEchoed: {
		{"updateSmtpSetting", "sent smtp_password not echoed"},
		{"updateSmtpSetting", "returned user has no password-like member"},
	},
	fakes.ForeignSettingsChanged: {{"updateUserSetting", "second account unchanged by first account's writes"}},
	fakes.ForeignUserIDAccepted: {
		{"updateUserSetting", "userId of the second account gets 403"},
		{"updateSmtpSetting", "userId of the second account rejected"},
	},
	fakes.RequiredFieldNotEnforced: {{"updateUserDetail", "data.phone_number omitted rejected"}},
	fakes.WrongTypeAccepted:        {{"updateUserSetting", "data.website_name of wrong type rejected"}},
	fakes.MalformedJSONAs500: {
		{"resetUserPassword", "malformed JSON body rejected"},
		{"resetUserPassword", "no request gets a 5xx"},
	},
	fakes.TextContentTypeOnSuccess: {{"getUserProfile", "example request succeeds"}},
	fakes.DomainNotChecked: {
		{"updateUserSetting", "domain without the required A record rejected with documented text"},
	},
}

func TestBrokenFakesCaughtByTheirCheck(t *testing.T) {
	for _, fault := range fakes.Faults() {
		t.Run(fault.String(), func(t *testing.T) {
			checks, ok := caughtBy[fault]
			require.True(t, ok, "caughtBy has no entry for %s", fault)
			_, server := startFake(t, fakes.Options{Fault: fault})

			report := runSuite(t, demoConfig(server.URL))

			assert.True(t, report.Failed())
			for _, check := range checks {
				result := resultOf(t, report, check[0], check[1])
				assert.Equal(t, contract.Fail, result.Outcome, describeResult(result))
				assert.NotEmpty(t, result.Reason)
				assert.NotEmpty(t, result.Request, "a failure names the request that broke it")
				assert.NotEmpty(t, result.Response, "a failure names the response that broke it")
			}
		})
	}
}

func TestUnauthorizedAs403PassesDocumentedAuth(t *testing.T) {
	_, server := startFake(t, fakes.Options{Fault: fakes.UnauthorizedAs403})

	report := runSuite(t, demoConfig(server.URL))

	assert.Equal(t, contract.Pass, resultOf(t, report, "getUserProfile", "missing Authorization header rejected").Outcome)
	assert.Equal(t, contract.Fail, resultOf(t, report, "getUserProfile", "missing Authorization header gets 401").Outcome)
}

func TestRunLeavesTargetAsFound(t *testing.T) {
	cases := append([]fakes.Options{{}, {ErrorsAsOK: true}}, faultOptions()...)
	for _, opts := range cases {
		name := opts.Fault.String()
		if opts.ErrorsAsOK {
			name = "ErrorsAsOK"
		}
		t.Run(name, func(t *testing.T) {
			_, server := startFake(t, opts)
			_, before := call(t, "GET", server.URL+"/user/profile", "")
			_, secondBefore := profileOf(t, server.URL, "demo-api-key-2")

			runSuite(t, demoConfig(server.URL))

			status, body := call(t, "POST", server.URL+"/user/reset-password",
				`{"data":{"oldPass":"123456","newPass":"123456"}}`)
			assert.Equal(t, 200, status, "the original password still works: %v", body)
			assert.NotEqual(t, false, body["status"], "the original password still works: %v", body)

			_, after := call(t, "GET", server.URL+"/user/profile", "")
			assertSettingsKept(t, before, after)
			_, secondAfter := profileOf(t, server.URL, "demo-api-key-2")
			assertSettingsKept(t, secondBefore, secondAfter)
		})
	}
}

func faultOptions() []fakes.Options {
	var options []fakes.Options
	for _, fault := range fakes.Faults() {
		options = append(options, fakes.Options{Fault: fault})
	}
	return options
}

// assertSettingsKept checks that every branding field present before has
// its old value; fields the suite added cannot be unset through the API.
func assertSettingsKept(t *testing.T, before, after map[string]any) {
	t.Helper()
	oldSetting, _ := before["setting"].(map[string]any)
	newSetting, _ := after["setting"].(map[string]any)
	require.NotEmpty(t, oldSetting)
	for name, value := range oldSetting {
		assert.Equal(t, value, newSetting[name], "setting %s", name)
	}
}
