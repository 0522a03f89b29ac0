package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxPreferDelay is the longest delay that the mock's Prefer header may ask
// for (10s), which the write and shutdown timeouts must exceed.
const maxPreferDelay = 10 * time.Second

func TestProductionLimitsOrdered(t *testing.T) {
	limits := productionLimits

	assert.Positive(t, limits.readHeaderTimeout)
	assert.LessOrEqual(t, limits.readHeaderTimeout, limits.readTimeout, "headers are part of the request")
	assert.Greater(t, limits.writeTimeout, maxPreferDelay, "a delayed response is still sent")
	assert.Greater(t, limits.shutdownTimeout, maxPreferDelay, "a delayed request drains on shutdown")
	assert.Positive(t, limits.idleTimeout)
	assert.Equal(t, 64<<10, limits.maxHeaderBytes)
}

// startServe runs serve with limits and handler on 127.0.0.1 until the test
// ends, and returns the listener's address.
func startServe(t *testing.T, limits serverLimits, handler http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, handler, slog.New(slog.DiscardHandler), limits) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Error("serve did not return within 10s of cancellation")
		}
	})
	return ln.Addr().String()
}

// countingHandler responds 204 and counts the requests that reach it.
type countingHandler struct{ calls atomic.Int64 }

func (h *countingHandler) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	h.calls.Add(1)
	w.WriteHeader(http.StatusNoContent)
}

// TestSlowHeadersCutOff sends the request line and then one header byte
// every 20ms, never finishing the headers. serve must close the connection
// once ReadHeaderTimeout has passed, without running the handler. A second
// client that sends its headers at once is served, which shows that the
// timeout and not a broken server closed the first connection.
func TestSlowHeadersCutOff(t *testing.T) {
	const headerTimeout = 300 * time.Millisecond
	limits := productionLimits
	limits.readHeaderTimeout = headerTimeout
	handler := &countingHandler{}
	addr := startServe(t, limits, handler)

	// The server starts its header timer when it accepts the connection,
	// which can be before Dial returns, so the clock starts before Dial.
	start := time.Now()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "GET /user/profile HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
	require.NoError(t, err)

	stopWriting := make(chan struct{})
	defer close(stopWriting)
	go trickle(conn, stopWriting)

	require.NoError(t, conn.SetReadDeadline(start.Add(5*time.Second)))
	_, err = io.Copy(io.Discard, conn)
	elapsed := time.Since(start)
	var netErr net.Error
	require.False(t, errors.As(err, &netErr) && netErr.Timeout(), "the server never closed the connection")
	assert.GreaterOrEqual(t, elapsed, headerTimeout)
	assert.Less(t, elapsed, headerTimeout+2*time.Second)
	assert.Zero(t, handler.calls.Load(), "the handler never ran")

	resp, err := http.Get("http://" + addr + "/user/profile")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
}

// trickle writes one byte every 20ms until stop is closed or a write fails.
func trickle(conn net.Conn, stop <-chan struct{}) {
	ticker := time.NewTicker(20 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ticker.C:
			if _, err := conn.Write([]byte("a")); err != nil {
				return
			}
		}
	}
}

// TestRunHeaderLimit starts the command itself and sends headers just under
// and just over its 64 KiB MaxHeaderBytes. net/http allows 4096 bytes over
// MaxHeaderBytes for the request line, and responds to anything larger with
// its own plain-text 431 before the handler runs, so no JSON body is
// possible.
func TestRunHeaderLimit(t *testing.T) {
	r := startRun(t, []string{"-addr", "127.0.0.1:0"}, nil)
	addr := strings.TrimPrefix(r.baseURL, "http://")

	tests := []struct {
		name       string
		padding    int
		wantStatus int
	}{
		{name: "under the limit", padding: maxHeaderBytes - 1024, wantStatus: http.StatusOK},
		{name: "over the limit", padding: maxHeaderBytes + 4096, wantStatus: http.StatusRequestHeaderFieldsTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := fmt.Sprintf("GET /user/profile HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer demo-api-key\r\nX-Padding: %s\r\n\r\n",
				strings.Repeat("p", tt.padding))
			status, body := rawExchange(t, addr, raw)

			assert.Equal(t, tt.wantStatus, status, "body %s", body)
			if tt.wantStatus == http.StatusRequestHeaderFieldsTooLarge {
				assert.Contains(t, body, "Request Header Fields Too Large")
			}
		})
	}
}

// rawExchange writes raw to addr and returns the response's status and body.
func rawExchange(t *testing.T, addr, raw string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Logf("write stopped early: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func TestDefaultAddressIsLoopback(t *testing.T) {
	cfg, err := parseConfig(nil, envOf(nil), io.Discard)
	require.NoError(t, err)

	host, _, err := net.SplitHostPort(cfg.addr)
	require.NoError(t, err)
	ip := net.ParseIP(host)
	require.NotNil(t, ip, "the default host %q is an IP address", host)
	assert.True(t, ip.IsLoopback(), "the default address %q listens on loopback only", cfg.addr)
}

// TestAdminFlagRemovesAdminAPI runs the command with -admin=false and
// checks that every admin endpoint but health is a JSON 404, that a reset
// request resets nothing, and that the API itself still serves.
func TestAdminFlagRemovesAdminAPI(t *testing.T) {
	r := startRun(t, []string{"-addr", "127.0.0.1:0", "-admin=false"}, nil)
	changed := postJSON(t, r.baseURL+"/user/update-setting", "demo-api-key", `{"data":{"userId":"12","website_name":"kept"}}`)
	require.Equal(t, http.StatusOK, changed)

	for _, endpoint := range []struct{ method, path string }{
		{http.MethodGet, "/__mock/requests"},
		{http.MethodPost, "/__mock/reset"},
	} {
		req, err := http.NewRequest(endpoint.method, r.baseURL+endpoint.path, nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)

		var decoded map[string]any
		require.NoError(t, json.Unmarshal(body, &decoded), "body %s", body)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, endpoint.path)
		assert.Equal(t, false, decoded["status"], endpoint.path)
		assert.Equal(t, fmt.Sprintf("path %q not found", endpoint.path), decoded["error"])
	}

	status, body := r.get(t, "/user/profile", "demo-api-key")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"website_name":"kept"`, "the reset request reset nothing")
}

// postJSON sends a JSON POST with the API key and returns the status.
func postJSON(t *testing.T, url, apiKey, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+apiKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}
