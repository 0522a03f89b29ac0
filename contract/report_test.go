package contract_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/contract"
	"github.com/callfluent/usermock/contract/fakes"
)

// Secrets of the accounts in secretAccounts; none may appear in a report.
const (
	secretKey       = "key-Alpha-7f3a91"
	secretPassword  = "pw-Bravo-9c1e44"
	secretKey2      = "key-Charlie-2b8d05"
	secondPassword  = "pw-Delta-5e6f70"
	redactedMarker  = "[REDACTED]"
	secretUserID    = "12"
	secretUserID2   = "13"
	inventedPattern = `Cf-[0-9a-f]{18}|Cf-wrong-[0-9a-f]{12}|smtp-[0-9a-f]{18}`
)

// secretAccounts are the demo accounts with unmistakable secrets.
func secretAccounts() []fakes.Account {
	accounts := fakes.Accounts()
	accounts[0].APIKey, accounts[0].Password = secretKey, secretPassword
	accounts[1].APIKey, accounts[1].Password = secretKey2, secondPassword
	return accounts
}

// writeAll returns the text, JSON and JUnit renderings of report.
func writeAll(t *testing.T, report *contract.Report) map[string]string {
	t.Helper()
	var text, jsonOut, junit bytes.Buffer
	require.NoError(t, report.WriteText(&text))
	require.NoError(t, report.WriteJSON(&jsonOut))
	require.NoError(t, report.WriteJUnit(&junit))
	return map[string]string{"text": text.String(), "json": jsonOut.String(), "junit": junit.String()}
}

func TestReportsNeverContainSecrets(t *testing.T) {
	faults := []fakes.Fault{fakes.None, fakes.SMTPPasswordEchoed, fakes.AnySchemeAccepted,
		fakes.PasswordErrorUsesError, fakes.OldPasswordAccepted, fakes.WrongTypeAccepted, fakes.StatusAsString}
	invented := regexp.MustCompile(inventedPattern)
	sawRedaction := false

	for _, fault := range faults {
		t.Run(fault.String(), func(t *testing.T) {
			_, server := startFake(t, fakes.Options{Fault: fault, Accounts: secretAccounts()})
			cfg := contract.Config{BaseURL: server.URL, APIKey: secretKey, UserID: secretUserID,
				Password: secretPassword, APIKey2: secretKey2, UserID2: secretUserID2}

			outputs := writeAll(t, runSuite(t, cfg))

			for format, output := range outputs {
				for _, secret := range []string{secretKey, secretPassword, secretKey2} {
					assert.NotContains(t, output, secret, "%s report", format)
				}
				assert.Empty(t, invented.FindAllString(output, -1), "%s report has an invented secret", format)
				sawRedaction = sawRedaction || strings.Contains(output, redactedMarker)
			}
		})
	}
	assert.True(t, sawRedaction, "some failure excerpt shows a redacted secret")
}

func TestReportsParseAndAgree(t *testing.T) {
	_, server := startFake(t, fakes.Options{Fault: fakes.DomainNotChecked})
	cfg := demoConfig(server.URL)
	cfg.APIKey2, cfg.UserID2 = "", ""

	report := runSuite(t, cfg)
	outputs := writeAll(t, report)
	passed, failed, skipped := report.Counts()
	require.Positive(t, failed)
	require.Positive(t, skipped, "the isolation checks skip without a second account")

	t.Run("text", func(t *testing.T) {
		lines := strings.Split(strings.TrimSpace(outputs["text"]), "\n")
		assert.Regexp(t, `^contract: \d+ passed, \d+ failed, \d+ skipped$`, lines[len(lines)-1])
		assert.Equal(t, report.Summary(), lines[len(lines)-1])
		assert.Contains(t, outputs["text"], "FAIL documented updateUserSetting domain without the required A record rejected")
		assert.Contains(t, outputs["text"], "    reason:   ")
		assert.Contains(t, outputs["text"], "NOTE: SMTP settings and update-detail fields cannot be read or restored")
	})

	t.Run("json", func(t *testing.T) {
		var document struct {
			Summary struct{ Passed, Failed, Skipped int }
			Checks  []contract.Result
			Notes   []string
		}
		require.NoError(t, json.Unmarshal([]byte(outputs["json"]), &document))
		assert.Equal(t, passed, document.Summary.Passed)
		assert.Equal(t, failed, document.Summary.Failed)
		assert.Equal(t, skipped, document.Summary.Skipped)
		assert.Len(t, document.Checks, len(report.Results))
		assert.NotEmpty(t, document.Notes)
	})

	t.Run("junit", func(t *testing.T) {
		var suite struct {
			XMLName  xml.Name `xml:"testsuite"`
			Tests    int      `xml:"tests,attr"`
			Failures int      `xml:"failures,attr"`
			Skipped  int      `xml:"skipped,attr"`
			Cases    []struct {
				ClassName string `xml:"classname,attr"`
				Name      string `xml:"name,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		}
		require.NoError(t, xml.Unmarshal([]byte(outputs["junit"]), &suite))
		assert.Equal(t, len(report.Results), suite.Tests)
		assert.Equal(t, failed, suite.Failures)
		assert.Equal(t, skipped, suite.Skipped)
		require.Len(t, suite.Cases, len(report.Results))

		failures, skips := 0, 0
		for i, testCase := range suite.Cases {
			result := report.Results[i]
			assert.Equal(t, result.OperationID, testCase.ClassName)
			assert.Equal(t, result.Name+" ("+string(result.Provenance)+")", testCase.Name)
			if testCase.Failure != nil {
				failures++
				assert.Equal(t, result.Reason, testCase.Failure.Message)
				assert.Contains(t, testCase.Failure.Text, "request:")
			}
			if testCase.Skipped != nil {
				skips++
			}
		}
		assert.Equal(t, failed, failures)
		assert.Equal(t, skipped, skips)
	})
}

func TestFailureExcerptsAreTrimmed(t *testing.T) {
	_, server := startFake(t, fakes.Options{Fault: fakes.PlainTextErrors})

	report := runSuite(t, demoConfig(server.URL))

	for _, result := range report.Results {
		if result.Outcome != contract.Fail {
			continue
		}
		for _, excerpt := range []string{result.Request, result.Response} {
			body, _, _ := strings.Cut(excerpt, "... (")
			assert.LessOrEqual(t, len(body), 300, "excerpt of %s", result.Name)
		}
	}
}

func TestFailureExcerptsShowPathPrefix(t *testing.T) {
	// UnauthorizedAs403 fails the status checks of every authentication
	// probe, which read the profile and write settings.
	server := startPrefixedFake(t, fakes.Options{Fault: fakes.UnauthorizedAs403})

	report := runSuite(t, demoConfig(server.URL+"/api"))
	outputs := writeAll(t, report)

	failures := 0
	for _, result := range report.Results {
		if result.Outcome != contract.Fail {
			continue
		}
		failures++
		requestLine, _, _ := strings.Cut(result.Request, "\n")
		assert.Regexp(t, `^(GET|POST) /api/user/`, requestLine, describeResult(result))
		assert.NotContains(t, requestLine, "127.0.0.1", "the request line leaves out the host")
	}
	require.Positive(t, failures)
	for format, output := range outputs {
		assert.Contains(t, output, "GET /api/user/profile", "%s report", format)
		assert.NotContains(t, output, "GET /user/profile", "%s report", format)
	}
}
