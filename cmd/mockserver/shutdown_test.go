package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildBinary compiles this command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mockserver")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// startBinary starts bin with args and returns the command and the base
// URL from its banner.
func startBinary(t *testing.T, bin string, args ...string) (*exec.Cmd, string, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	banner := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			if m := listeningLine.FindStringSubmatch(scanner.Text()); m != nil {
				banner <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case url := <-banner:
		return cmd, url, stderr
	case <-time.After(15 * time.Second):
		t.Fatalf("no banner within 15s; stderr: %s", stderr)
		return nil, "", nil
	}
}

type slowResult struct {
	status  int
	elapsed time.Duration
	err     error
}

func TestSIGTERMDrainsInFlightRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	cmd, baseURL, stderr := startBinary(t, buildBinary(t), "-addr", "127.0.0.1:0", "-log-format", "json")

	// A request that the server delays by 1s.
	slow := make(chan slowResult, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, baseURL+"/user/profile", nil)
		req.Header.Set("Authorization", "Bearer demo-api-key")
		req.Header.Set("Prefer", "delay=1s")
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			slow <- slowResult{err: err}
			return
		}
		resp.Body.Close()
		slow <- slowResult{status: resp.StatusCode, elapsed: time.Since(start)}
	}()

	// The server exposes no "request started" signal, so wait a third of
	// the delay: long enough for the request to arrive on loopback, short
	// enough that it is still in flight.
	time.Sleep(300 * time.Millisecond)
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))

	addr := strings.TrimPrefix(baseURL, "http://")
	assert.Eventually(t, func() bool {
		conn, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			conn.Close()
		}
		return errors.Is(err, syscall.ECONNREFUSED)
	}, 500*time.Millisecond, 10*time.Millisecond, "new connections should be refused while the slow request runs")

	result := <-slow
	require.NoError(t, result.err)
	assert.Equal(t, http.StatusOK, result.status)
	assert.GreaterOrEqual(t, result.elapsed, time.Second, "the Prefer delay should have been served")

	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		assert.NoError(t, err, "exit status; stderr: %s", stderr)
	case <-time.After(20 * time.Second):
		t.Fatal("the process did not exit within 20s of SIGTERM")
	}
	assert.Contains(t, stderr.String(), `"msg":"mock server shutting down","reason":"received signal terminated"`)
	assert.Contains(t, stderr.String(), `"msg":"mock server stopped"`)
}
