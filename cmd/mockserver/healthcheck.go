package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// healthPath is the readiness endpoint, served even with -admin=false.
const healthPath = "/__mock/health"

// healthcheckTimeout bounds the whole health request. A container runtime
// runs the check every few seconds, so a slow response counts as unhealthy.
const healthcheckTimeout = 2 * time.Second

// checkHealth requests the health endpoint of the server listening on addr,
// at 127.0.0.1 when the host of addr is empty or unspecified. It returns nil
// on 200 and an error otherwise. Docker reserves exit code 2 of a health
// check, so no error here is a usageError: every failure exits 1.
func checkHealth(ctx context.Context, addr string, stdout io.Writer) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("healthcheck: invalid -addr %q: %w", addr, err)
	}
	if port == "0" {
		return fmt.Errorf("healthcheck: -addr %q has port 0: pass the port the server listens on", addr)
	}
	url := "http://" + dialAddress(addr) + healthPath

	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: build request for %q: %w", url, err)
	}
	// No proxy, even when HTTP_PROXY is set, because the server is local.
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))

	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: GET %s returned %s, want 200 OK", url, resp.Status)
	}
	fmt.Fprintf(stdout, "healthy: GET %s returned %s\n", url, resp.Status)
	return nil
}
