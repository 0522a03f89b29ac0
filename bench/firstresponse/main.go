// Command firstresponse polls a URL until it returns 200 and prints the
// milliseconds between a given start time and that first 200. bench/run.sh
// passes the moment just before it started a server, so the figure is the
// server's time from process start to its first successful response.
//
// Usage:
//
//	firstresponse -since UNIX_NANOSECONDS -url URL [-api-key KEY] [-timeout 10s]
//
// It exits 0 after printing the figure and 1 when no 200 arrives before the
// timeout. Between attempts it waits 200 microseconds, which bounds the
// figure's resolution and keeps the poll from taking a whole core away from
// the starting server.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

const pollInterval = 200 * time.Microsecond

func main() {
	since := flag.Int64("since", 0, "start time in Unix nanoseconds (date +%s%N); 0 means now")
	url := flag.String("url", "", "URL to request with GET until it returns 200")
	apiKey := flag.String("api-key", "", "API key to send as a Bearer token; empty sends none")
	timeout := flag.Duration("timeout", 10*time.Second, "maximum time to wait for a 200, counted from -since")
	flag.Parse()

	if *url == "" {
		fmt.Fprintln(os.Stderr, "firstresponse: -url is required")
		os.Exit(2)
	}
	start := time.Now()
	if *since != 0 {
		start = time.Unix(0, *since)
	}

	elapsed, err := pollUntilOK(*url, *apiKey, start, *timeout)
	if err != nil {
		fmt.Fprintf(os.Stderr, "firstresponse: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%.1f\n", float64(elapsed.Microseconds())/1000)
}

// pollUntilOK requests url until it returns 200 and returns the time from
// start to the end of that response.
func pollUntilOK(url, apiKey string, start time.Time, timeout time.Duration) (time.Duration, error) {
	client := &http.Client{Timeout: time.Second}
	deadline := start.Add(timeout)
	lastErr := fmt.Errorf("no attempt made before the deadline")

	for time.Now().Before(deadline) {
		status, err := get(client, url, apiKey)
		if err == nil && status == http.StatusOK {
			return time.Since(start), nil
		}
		if err == nil {
			err = fmt.Errorf("unexpected status %d", status)
		}
		lastErr = err
		time.Sleep(pollInterval)
	}
	return 0, fmt.Errorf("no 200 from %q within %v; last attempt: %w", url, timeout, lastErr)
}

func get(client *http.Client, url, apiKey string) (int, error) {
	request, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, fmt.Errorf("build request for %q: %w", url, err)
	}
	if apiKey != "" {
		request.Header.Set("Authorization", "Bearer "+apiKey)
	}

	response, err := client.Do(request)
	if err != nil {
		return 0, err
	}
	defer response.Body.Close()
	_, err = io.Copy(io.Discard, response.Body)
	return response.StatusCode, err
}
