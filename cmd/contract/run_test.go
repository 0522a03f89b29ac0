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

	"github.com/callfluent/usermock/contract/fakes"
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
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCommand(t, c.args, nil)

			assert.Equal(t, c.want, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stdout, c.wantStdout)
			assert.Contains(t, stderr, c.wantStderr)
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
