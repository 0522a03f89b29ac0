package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer that run's goroutines and the test may use
// at once. The mockserver tests have their own copy: test files of different
// packages cannot share unexported code, and it is too small for a package.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// running is a mock server started in-process by startRun.
type running struct {
	baseURL string
	stdout  *syncBuffer
	stderr  *syncBuffer
	stop    context.CancelFunc
	done    chan struct{} // closed when run returns
	err     error         // what run returned; read it after done
}

// wait waits for run to return and returns its error.
func (r *running) wait(t *testing.T) error {
	t.Helper()
	select {
	case <-r.done:
		return r.err
	case <-time.After(20 * time.Second):
		t.Fatal("run did not return within 20s of cancellation")
		return nil
	}
}

var listeningLine = regexp.MustCompile(`listening on (http://\S+)`)

// startRun runs the command with args and env until the test ends, and
// waits for its banner.
func startRun(t *testing.T, args []string, env map[string]string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stdout: &syncBuffer{}, stderr: &syncBuffer{}, stop: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.err = run(ctx, args, envOf(env), r.stdout, r.stderr)
	}()
	t.Cleanup(func() {
		cancel()
		r.wait(t)
	})

	require.Eventually(t, func() bool { return listeningLine.MatchString(r.stdout.String()) }, 10*time.Second, 10*time.Millisecond,
		"no banner; stderr: %s", r.stderr)
	r.baseURL = listeningLine.FindStringSubmatch(r.stdout.String())[1]
	return r
}

// get sends GET path with the API key and returns the status and body.
func (r *running) get(t *testing.T, path, apiKey string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, r.baseURL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+apiKey)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func TestRunPrintsBoundAddress(t *testing.T) {
	r := startRun(t, []string{"-addr", "127.0.0.1:0"}, nil)

	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, r.baseURL)
	assert.NotContains(t, r.baseURL, ":0", "the banner should show the port the kernel picked")
	assert.Contains(t, r.stdout.String(), "curl -H 'Authorization: Bearer demo-api-key' "+r.baseURL+"/user/profile")
	status, body := r.get(t, "/user/profile", "demo-api-key")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"website_name":"callfluent"`)
}

func TestRunBannerHidesCustomFixtureKeys(t *testing.T) {
	dir := fixtureDir(t, map[string]func(string) string{"accounts.yaml": replace("api_key: demo-api-key\n", "api_key: private-key-4417\n")})
	r := startRun(t, []string{"-addr", "127.0.0.1:0", "-fixtures", dir}, nil)

	banner := r.stdout.String()

	assert.Contains(t, banner, "curl -H 'Authorization: Bearer <api-key>' "+r.baseURL+"/user/profile")
	assert.Contains(t, banner, "with an api_key from "+filepath.Join(dir, "accounts.yaml"))
	assert.NotContains(t, banner, "private-key-4417")
	status, _ := r.get(t, "/user/profile", "private-key-4417")
	assert.Equal(t, http.StatusOK, status, "the custom fixtures serve")
}

func TestRunStopsOnCancel(t *testing.T) {
	r := startRun(t, []string{"-addr", "127.0.0.1:0"}, nil)

	r.stop()

	assert.NoError(t, r.wait(t))
	assert.Contains(t, r.stderr.String(), "mock server shutting down")
	assert.Contains(t, r.stderr.String(), "mock server stopped")
	_, err := http.Get(r.baseURL + "/__mock/health")
	assert.Error(t, err, "the listener should be closed")
}

func TestJSONLogsOmitSecrets(t *testing.T) {
	r := startRun(t, []string{"-addr", "127.0.0.1:0", "-log-level", "debug"}, map[string]string{"MOCK_LOG_FORMAT": "json"})
	r.get(t, "/user/profile", "demo-api-key")
	r.get(t, "/user/profile", "wrong-secret-key")
	r.stop()
	require.NoError(t, r.wait(t))

	logs := r.stderr.String()
	lines := strings.Split(strings.TrimSpace(logs), "\n")
	require.NotEmpty(t, lines)
	for _, line := range lines {
		assert.True(t, json.Valid([]byte(line)), "not a JSON log line: %s", line)
	}
	assert.Contains(t, logs, `"msg":"mock server started"`)
	assert.Contains(t, logs, `"spec_version":"1.0.0"`)
	assert.Contains(t, logs, `"accounts":2`)
	assert.NotContains(t, logs, "demo-api-key")
	assert.NotContains(t, logs, "wrong-secret-key")
	assert.NotContains(t, logs, "123456")
}

func TestHealthcheckReportsServerState(t *testing.T) {
	r := startRun(t, []string{"-addr", "127.0.0.1:0"}, nil)
	addr := strings.TrimPrefix(r.baseURL, "http://")

	var out bytes.Buffer
	err := run(context.Background(), []string{"-healthcheck", "-addr", addr}, envOf(nil), &out, io.Discard)
	require.NoError(t, err)
	assert.Contains(t, out.String(), "healthy")

	r.stop()
	require.NoError(t, r.wait(t))
	err = run(context.Background(), []string{"-healthcheck"}, envOf(map[string]string{"MOCK_ADDR": addr}), io.Discard, io.Discard)
	require.Error(t, err)
	assert.Equal(t, 1, exitCode(err, io.Discard), "a failed health check exits 1")
}

// TestHealthcheckPassesWithoutAdmin proves that -admin=false keeps the
// container health check working: the health endpoint stays.
func TestHealthcheckPassesWithoutAdmin(t *testing.T) {
	r := startRun(t, []string{"-addr", "127.0.0.1:0", "-admin=false"}, nil)
	addr := strings.TrimPrefix(r.baseURL, "http://")

	err := run(context.Background(), []string{"-healthcheck", "-addr", addr}, envOf(nil), io.Discard, io.Discard)

	assert.NoError(t, err)
}

func TestHealthcheckRejectsPortZero(t *testing.T) {
	err := run(context.Background(), []string{"-healthcheck", "-addr", "127.0.0.1:0"}, envOf(nil), io.Discard, io.Discard)

	assert.ErrorContains(t, err, "port 0")
	assert.Equal(t, 1, exitCode(err, io.Discard))
}

func TestRunReportsBusyAddress(t *testing.T) {
	r := startRun(t, []string{"-addr", "127.0.0.1:0"}, nil)
	addr := strings.TrimPrefix(r.baseURL, "http://")

	err := run(context.Background(), []string{"-addr", addr}, envOf(nil), io.Discard, io.Discard)

	assert.ErrorContains(t, err, "listen on \""+addr+"\"")
	assert.Equal(t, 1, exitCode(err, io.Discard))
}

func TestRunRejectsUnsupportedScheme(t *testing.T) {
	specPath, _ := copyContent(t)
	editFile(t, specPath, "      type: http\n      scheme: bearer\n", "      type: http\n      scheme: basic\n")

	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-spec", specPath}, envOf(nil), io.Discard, io.Discard)

	assert.ErrorContains(t, err, `operation GET /user/profile: security scheme "bearerAuth" of type "http" with scheme "basic" is not supported`)
	assert.Equal(t, 1, exitCode(err, io.Discard))
}
