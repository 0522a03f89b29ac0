package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/contract"
	"github.com/callfluent/usermock/contract/fakes"
	"github.com/callfluent/usermock/spec"
)

// startFake serves a fake on 127.0.0.1 for the test's lifetime.
func startFake(t *testing.T, opts fakes.Options) string {
	t.Helper()
	server := httptest.NewServer(fakes.New(opts))
	t.Cleanup(server.Close)
	return server.URL
}

// environment returns an env function over vars.
func environment(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

// runCommand runs the command and returns the exit status and outputs.
func runCommand(t *testing.T, args []string, vars map[string]string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), args, environment(vars), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// demoArgs returns the flags for both demo accounts at baseURL.
func demoArgs(baseURL string) []string {
	return []string{"-base-url", baseURL, "-api-key", "demo-api-key", "-user-id", "12", "-password", "123456",
		"-api-key-2", "demo-api-key-2", "-user-id-2", "13"}
}

func TestExitStatusByOutcome(t *testing.T) {
	closed := httptest.NewServer(fakes.New(fakes.Options{}))
	closedURL := closed.URL
	closed.Close()

	cases := []struct {
		name       string
		args       []string
		want       int
		wantStdout string
		wantStderr string
	}{
		{"conforming target", demoArgs(startFake(t, fakes.Options{})), exitPassed, " 0 failed", ""},
		{"broken target", demoArgs(startFake(t, fakes.Options{Fault: fakes.DomainNotChecked})), exitFailed, "FAIL documented", ""},
		{"unreachable target", demoArgs(closedURL), exitUsage, "", "target unreachable"},
		{"missing base URL", []string{"-api-key", "k", "-user-id", "12", "-password", "p"}, exitUsage, "",
			"missing -base-url (or CONTRACT_BASE_URL)"},
		{"unknown flag", []string{"-colour"}, exitUsage, "", "flag provided but not defined"},
		{"stray argument", append(demoArgs("http://127.0.0.1:1"), "extra"), exitUsage, "", `unexpected argument "extra"`},
		{"half second account", []string{"-base-url", "http://127.0.0.1:1", "-api-key", "k", "-user-id", "12",
			"-password", "p", "-api-key-2", "k2"}, exitUsage, "", "-api-key-2 and -user-id-2 go together"},
		{"help", []string{"-h"}, exitPassed, "Examples:", ""},
		{"user info in base URL", demoArgs("http://u:pw-Kilo-2f9a@127.0.0.1:1"), exitUsage, "",
			`invalid base URL "http://127.0.0.1:1": remove the user name and password`},
		{"letters in user id", []string{"-base-url", "http://127.0.0.1:1", "-api-key", "k", "-user-id", "abc",
			"-password", "p"}, exitUsage, "", `invalid user id "abc": the spec's userId schema rejects it`},
		{"letters in second user id", []string{"-base-url", "http://127.0.0.1:1", "-api-key", "k", "-user-id", "12",
			"-password", "p", "-api-key-2", "k2", "-user-id-2", "x"}, exitUsage, "", `invalid user id "x" of the second account`},
		{"same API key twice", []string{"-base-url", "http://127.0.0.1:1", "-api-key", "k", "-user-id", "12",
			"-password", "p", "-api-key-2", "k", "-user-id-2", "13"}, exitUsage, "",
			"-api-key-2 is the same as -api-key: give the API key of a second account"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCommand(t, c.args, nil)

			assert.Equal(t, c.want, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stdout, c.wantStdout)
			assert.Contains(t, stderr, c.wantStderr)
			assert.NotContains(t, stderr, "pw-Kilo-2f9a")
			if c.want == exitUsage && strings.Contains(c.wantStderr, "missing") {
				assert.Contains(t, stderr, "Arguments")
				assert.Contains(t, stderr, "Examples:")
			}
		})
	}
}

func TestEnvironmentFallbacksAndPrecedence(t *testing.T) {
	url := startFake(t, fakes.Options{})
	dir := t.TempDir()
	vars := map[string]string{
		"CONTRACT_BASE_URL": "http://127.0.0.1:1", "CONTRACT_API_KEY": "demo-api-key",
		"CONTRACT_USER_ID": "12", "CONTRACT_PASSWORD": "123456",
		"CONTRACT_API_KEY_2": "demo-api-key-2", "CONTRACT_USER_ID_2": "13",
		"CONTRACT_ONLY_DOCUMENTED": "true", "CONTRACT_READ_ONLY": "1",
		"CONTRACT_JSON": filepath.Join(dir, "report.json"), "CONTRACT_JUNIT": filepath.Join(dir, "report.xml"),
	}

	// The flag wins over the unreachable CONTRACT_BASE_URL.
	code, stdout, stderr := runCommand(t, []string{"-base-url", url}, vars)

	require.Equal(t, exitPassed, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "inferred check; -only-documented")
	assert.Contains(t, stdout, "-read-only is set")
	assert.FileExists(t, vars["CONTRACT_JSON"])
	assert.FileExists(t, vars["CONTRACT_JUNIT"])
}

func TestFlagFalseOverridesEnvironmentTrue(t *testing.T) {
	url := startFake(t, fakes.Options{Fault: fakes.UnauthorizedAs403})
	vars := map[string]string{"CONTRACT_ONLY_DOCUMENTED": "true"}

	documentedOnly, _, _ := runCommand(t, demoArgs(url), vars)
	everything, stdout, _ := runCommand(t, append(demoArgs(url), "-only-documented=false"), vars)

	assert.Equal(t, exitPassed, documentedOnly, "the 403 fault breaks only inferred checks")
	assert.Equal(t, exitFailed, everything)
	assert.Contains(t, stdout, "missing Authorization header gets 401")
}

func TestInvalidBooleanEnvironment(t *testing.T) {
	code, _, stderr := runCommand(t, demoArgs("http://127.0.0.1:1"), map[string]string{"CONTRACT_READ_ONLY": "maybe"})

	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `invalid CONTRACT_READ_ONLY "maybe"`)
}

func TestReportFilesWrittenAndParseable(t *testing.T) {
	// PasswordNotChanged breaks exactly one check, the round trip.
	url := startFake(t, fakes.Options{Fault: fakes.PasswordNotChanged})
	dir := t.TempDir()
	jsonPath, junitPath := filepath.Join(dir, "report.json"), filepath.Join(dir, "junit.xml")

	code, stdout, _ := runCommand(t, append(demoArgs(url), "-json", jsonPath, "-junit", junitPath), nil)
	require.Equal(t, exitFailed, code)

	var document struct {
		Summary struct{ Passed, Failed, Skipped int }
		Checks  []map[string]any
	}
	encoded, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(encoded, &document))
	assert.Equal(t, 1, document.Summary.Failed)
	assert.NotEmpty(t, document.Checks)

	var suite struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Cases    []struct {
			ClassName string `xml:"classname,attr"`
		} `xml:"testcase"`
	}
	encoded, err = os.ReadFile(junitPath)
	require.NoError(t, err)
	require.NoError(t, xml.Unmarshal(encoded, &suite))
	assert.Equal(t, 1, suite.Failures)
	assert.Len(t, suite.Cases, suite.Tests)
	assert.Len(t, document.Checks, suite.Tests)

	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	assert.Regexp(t, `^contract: \d+ passed, 1 failed, 0 skipped$`, lines[len(lines)-1])
}

func TestUnwritableReportStopsBeforeRun(t *testing.T) {
	url := startFake(t, fakes.Options{})
	missingDir := filepath.Join(t.TempDir(), "missing", "report.json")

	code, stdout, stderr := runCommand(t, append(demoArgs(url), "-json", missingDir), nil)

	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "create JSON report")
}

func TestSecretsAbsentFromCommandOutput(t *testing.T) {
	accounts := fakes.Accounts()
	accounts[0].APIKey, accounts[0].Password = "cli-key-Echo-41d2", "cli-pw-Foxtrot-83aa"
	server := httptest.NewServer(fakes.New(fakes.Options{Fault: fakes.AnySchemeAccepted, Accounts: accounts}))
	t.Cleanup(server.Close)
	dir := t.TempDir()
	vars := map[string]string{"CONTRACT_API_KEY": "cli-key-Echo-41d2", "CONTRACT_PASSWORD": "cli-pw-Foxtrot-83aa"}
	args := []string{"-base-url", server.URL, "-user-id", "12",
		"-json", filepath.Join(dir, "r.json"), "-junit", filepath.Join(dir, "r.xml")}

	code, stdout, stderr := runCommand(t, args, vars)
	require.Equal(t, exitFailed, code)

	jsonReport, err := os.ReadFile(filepath.Join(dir, "r.json"))
	require.NoError(t, err)
	junitReport, err := os.ReadFile(filepath.Join(dir, "r.xml"))
	require.NoError(t, err)
	for name, output := range map[string]string{"stdout": stdout, "stderr": stderr,
		"json": string(jsonReport), "junit": string(junitReport)} {
		assert.NotContains(t, output, "cli-key-Echo-41d2", name)
		assert.NotContains(t, output, "cli-pw-Foxtrot-83aa", name)
	}
	assert.Contains(t, stdout, "Basic [REDACTED]")
}

func TestInterruptedRunExitsFailed(t *testing.T) {
	fake := fakes.New(fakes.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var once sync.Once
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Interrupt the run at its first password restore, which the suite
		// finishes on its own context, so no check fails because of it.
		body, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		restoring := bytes.Contains(body, []byte(`"newPass":"123456"`)) && !bytes.Contains(body, []byte(`"oldPass":"123456"`))
		if r.URL.Path == "/user/reset-password" && restoring {
			once.Do(cancel)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(server.Close)
	var stdout, stderr bytes.Buffer

	code := Run(ctx, demoArgs(server.URL), environment(nil), &stdout, &stderr)

	assert.Equal(t, exitFailed, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	assert.Contains(t, stdout.String(), " 0 failed", "the interrupt alone makes the exit status 1")
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	assert.Contains(t, lines[len(lines)-1], "interrupted")
}

// startPrefixedFake serves a fake under the path prefix /api.
func startPrefixedFake(t *testing.T, opts fakes.Options) string {
	t.Helper()
	server := httptest.NewServer(http.StripPrefix("/api", fakes.New(opts)))
	t.Cleanup(server.Close)
	return server.URL
}

func TestPreflightStopsBadSetup(t *testing.T) {
	const wrongKey = "wrong-key-Lima-0b3c"
	plain := startFake(t, fakes.Options{})
	errorsAsOK := startFake(t, fakes.Options{ErrorsAsOK: true})
	prefixed := startPrefixedFake(t, fakes.Options{})
	withKey := func(url, flagName, key string) []string {
		args := demoArgs(url)
		for i := range args {
			if args[i] == flagName {
				args[i+1] = key
			}
		}
		return append(args, "-read-only")
	}
	cases := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"wrong key", withKey(plain, "-api-key", wrongKey),
			"contract: the target rejected -api-key: GET " + plain + "/user/profile returned 401; check the key\n"},
		{"wrong second key", withKey(plain, "-api-key-2", wrongKey),
			"contract: the target rejected -api-key-2: GET " + plain + "/user/profile returned 401; check the key\n"},
		{"extra prefix", demoArgs(plain + "/api"),
			"contract: GET " + plain + "/api/user/profile returned 404; " +
				"check that -base-url includes the API's path prefix and nothing more\n"},
		{"missing prefix", demoArgs(prefixed),
			"contract: GET " + prefixed + "/user/profile returned 404; " +
				"check that -base-url includes the API's path prefix and nothing more\n"},
		{"wrong key, errors sent as 200", withKey(errorsAsOK, "-api-key", wrongKey),
			"contract: the target treated -api-key like a made-up key: GET " + errorsAsOK +
				`/user/profile returned 200 with the body {"error":"unknown API key","status":false}; ` +
				"check the key and -base-url\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCommand(t, c.args, nil)

			assert.Equal(t, exitUsage, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Empty(t, stdout, "no check ran")
			assert.Equal(t, c.wantStderr, stderr)
			assert.NotContains(t, stderr, wrongKey)
		})
	}
}

func TestPreflightPassesErrorsAsOKTarget(t *testing.T) {
	url := startFake(t, fakes.Options{ErrorsAsOK: true})

	code, stdout, stderr := runCommand(t, append(demoArgs(url), "-only-documented"), nil)

	assert.Equal(t, exitPassed, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Empty(t, stderr)
}

func TestPreflightIsNoCheck(t *testing.T) {
	sp, err := spec.Default()
	require.NoError(t, err)
	checks, err := contract.Checks(sp)
	require.NoError(t, err)
	url := startFake(t, fakes.Options{})
	jsonPath := filepath.Join(t.TempDir(), "report.json")

	code, _, stderr := runCommand(t, append(demoArgs(url), "-read-only", "-json", jsonPath), nil)
	require.Equal(t, exitPassed, code, stderr)

	var document struct {
		Summary struct{ Passed, Failed, Skipped int }
		Checks  []map[string]any
	}
	encoded, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(encoded, &document))
	assert.Len(t, document.Checks, len(checks))
	assert.Equal(t, len(checks), document.Summary.Passed+document.Summary.Failed+document.Summary.Skipped)
}

func TestFailureDetailsShowPathPrefix(t *testing.T) {
	// UnauthorizedAs403 fails the status checks of the authentication
	// probes, among them the probe of GET /user/profile.
	url := startPrefixedFake(t, fakes.Options{Fault: fakes.UnauthorizedAs403}) + "/api"
	dir := t.TempDir()
	jsonPath, junitPath := filepath.Join(dir, "report.json"), filepath.Join(dir, "junit.xml")

	code, stdout, stderr := runCommand(t, append(demoArgs(url), "-read-only", "-json", jsonPath, "-junit", junitPath), nil)
	require.Equal(t, exitFailed, code, stderr)

	jsonReport, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	junitReport, err := os.ReadFile(junitPath)
	require.NoError(t, err)
	// XML writes the line break after the request line as &#xA;.
	wants := map[string]string{
		"stdout": "    request:  GET /api/user/profile\n",
		"json":   `"request": "GET /api/user/profile\n`,
		"junit":  "request:  GET /api/user/profile&#xA;",
	}
	outputs := map[string]string{"stdout": stdout, "json": string(jsonReport), "junit": string(junitReport)}
	for name, output := range outputs {
		assert.True(t, strings.Contains(output, wants[name]), "%s lacks %q", name, wants[name])
		assert.False(t, strings.Contains(output, "GET /user/profile"), "%s shows a path without the prefix", name)
	}
}

// TestEarlyExitLeavesNoReportFiles proves that a run that never writes its
// reports (here: an unreachable target) leaves no empty report files, while
// a finished run writes both.
func TestEarlyExitLeavesNoReportFiles(t *testing.T) {
	closed := httptest.NewServer(fakes.New(fakes.Options{}))
	closedURL := closed.URL
	closed.Close()
	dir := t.TempDir()
	reportArgs := []string{"-json", filepath.Join(dir, "report.json"), "-junit", filepath.Join(dir, "report.xml")}

	code, _, stderr := runCommand(t, append(demoArgs(closedURL), reportArgs...), nil)
	require.Equal(t, exitUsage, code, stderr)
	assert.NoFileExists(t, filepath.Join(dir, "report.json"))
	assert.NoFileExists(t, filepath.Join(dir, "report.xml"))

	code, _, stderr = runCommand(t, append(demoArgs(startFake(t, fakes.Options{})), reportArgs...), nil)
	require.Equal(t, exitPassed, code, stderr)
	assert.FileExists(t, filepath.Join(dir, "report.json"))
	assert.FileExists(t, filepath.Join(dir, "report.xml"))
}
