package main

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPollWaitsForOK(t *testing.T) {
	var attempts atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer key" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if attempts.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(server.Close)

	start := time.Now()
	elapsed, err := pollUntilOK(server.URL, "key", start, 5*time.Second)
	require.NoError(t, err)
	assert.Equal(t, int32(3), attempts.Load())
	assert.Positive(t, elapsed)
	assert.LessOrEqual(t, elapsed, time.Since(start))
}

func TestPollTimesOutWithoutOK(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(server.Close)

	_, err := pollUntilOK(server.URL, "", time.Now(), 50*time.Millisecond)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "status 503")
}
