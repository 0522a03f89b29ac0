package mockserver

import (
	"bytes"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidatedResponsesMatchExactly(t *testing.T) {
	cached := response{status: http.StatusOK, header: jsonHeader(), body: []byte(`{"status":true}`)}
	cache := newValidatedResponses()
	cache.add(cached)

	tests := []struct {
		name string
		resp response
		want bool
	}{
		{"same response", response{status: 200, header: jsonHeader(), body: []byte(`{"status":true}`)}, true},
		{"other status", response{status: 201, header: jsonHeader(), body: []byte(`{"status":true}`)}, false},
		{"other body", response{status: 200, header: jsonHeader(), body: []byte(`{"status":false}`)}, false},
		{"no header", response{status: 200, body: []byte(`{"status":true}`)}, false},
		{"other header value", response{status: 200, header: http.Header{"Content-Type": {"text/plain"}},
			body: []byte(`{"status":true}`)}, false},
		{"extra header", response{status: 200, header: http.Header{"Content-Type": {"application/json"}, "Allow": {"GET"}},
			body: []byte(`{"status":true}`)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, cache.contains(tt.resp))
		})
	}
}

func TestValidatedResponsesKeepCopies(t *testing.T) {
	body := []byte(`{"status":true}`)
	header := jsonHeader()
	cache := newValidatedResponses()
	cache.add(response{status: http.StatusOK, header: header, body: body})

	body[2] = 'X'
	header.Set("Content-Type", "text/plain")

	assert.False(t, cache.contains(response{status: http.StatusOK, header: header, body: body}),
		"a caller changing its buffers must not change the cache")
	assert.True(t, cache.contains(response{status: http.StatusOK, header: jsonHeader(), body: []byte(`{"status":true}`)}))
}

func TestValidatedResponsesBounded(t *testing.T) {
	cache := newValidatedResponses()
	for i := range maxValidatedResponses + 50 {
		cache.add(response{status: http.StatusOK, body: fmt.Appendf(nil, `{"n":%d}`, i)})
	}

	assert.Len(t, cache.entries, maxValidatedResponses)
	assert.True(t, cache.contains(response{status: http.StatusOK, body: []byte(`{"n":0}`)}))
	assert.False(t, cache.contains(response{status: http.StatusOK, body: fmt.Appendf(nil, `{"n":%d}`, maxValidatedResponses)}))

	large := response{status: http.StatusOK, body: bytes.Repeat([]byte("a"), maxValidatedBodyBytes+1)}
	cache = newValidatedResponses()
	cache.add(large)
	assert.Empty(t, cache.entries, "bodies over the bound are not cached")
}

// TestStrictRejectsInvalidResponseAfterValidOne proves that the cache of
// validated responses never lets an invalid response through: the behaviour
// alternates between a valid and an invalid profile.
func TestStrictRejectsInvalidResponseAfterValidOne(t *testing.T) {
	ts := newTestServer(t)
	var calls atomic.Int64
	ts.behaviours["getUserProfile"] = func(*call) (response, error) {
		user := map[string]any{"name": "x", "email": "x@example.com"}
		if calls.Add(1)%2 == 0 {
			delete(user, "email")
		}
		return jsonResponse(http.StatusOK, map[string]any{"user": user, "setting": map[string]any{}})
	}

	for i := range 6 {
		got := ts.get(t, "/user/profile", demoKey)
		if i%2 == 0 {
			require.Equal(t, http.StatusOK, got.status, "request %d returns the valid profile", i)
			continue
		}
		require.Equal(t, http.StatusInternalServerError, got.status, "request %d returns the invalid profile", i)
		assert.Contains(t, got.json["error"], `property "email" is missing`)
	}
}
