package mockserver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/store"
)

// journalBounds is a snapshot of the journal's bookkeeping.
type journalBounds struct {
	entries  int
	bytes    int // as the journal counts them
	recount  int // the bytes that the records keep, counted again
	maxBody  int // largest body a record keeps
	maxEntry int // largest record
}

func (j *journal) bounds() journalBounds {
	j.mu.Lock()
	defer j.mu.Unlock()
	b := journalBounds{entries: len(j.records), bytes: j.bytes}
	for i := range j.records {
		rec := &j.records[i]
		request, response := keptLength(rec.requestBody), keptLength(rec.responseBody)
		b.recount += recordSize(rec) - rec.requestBody.size() - rec.responseBody.size() + request + response
		b.maxBody = max(b.maxBody, request, response)
		b.maxEntry = max(b.maxEntry, rec.size)
	}
	return b
}

// keptLength returns the bytes that body keeps, counted apart from
// keptBody.size so that the test checks it.
func keptLength(body keptBody) int {
	switch rendered := body.rendered.(type) {
	case string:
		return len(body.raw) + len(rendered)
	case json.RawMessage:
		return len(body.raw) + len(rendered)
	case nil:
		return len(body.raw)
	default:
		panic(fmt.Sprintf("keptBody holds a %T", rendered))
	}
}

// TestJournalStaysWithinBounds sends many large requests from several
// workers while a reader samples the journal. The entry count and the
// counted bytes must never exceed the configured bounds, and the count must
// match the records. The large parts are a body over the per-entry cap, a
// body that shrinks under the cap once compacted, headers larger than the
// whole byte bound, and a long query.
func TestJournalStaysWithinBounds(t *testing.T) {
	const maxEntries, maxBytes = 40, 32 << 10
	ts := newTestServer(t, func(c *Config) {
		c.JournalSize = maxEntries
		c.JournalBytes = maxBytes
		c.Logger = nil
	})
	maxBody := ts.journal.maxBody
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	requests := []func(c *apiClient) (int, error){
		func(c *apiClient) (int, error) { // a body over the per-entry cap, in custom fields under their limit
			var notes strings.Builder
			for i := range 10 {
				fmt.Fprintf(&notes, `,"note%d":%q`, i, strings.Repeat("n", store.MaxCustomFieldValue))
			}
			body := `{"data":{"phone_number":"+1 555 0100"` + notes.String() + `}}`
			status, _, err := c.send(ctx, http.MethodPost, "/user/update-detail", demoKey, body)
			return status, err
		},
		func(c *apiClient) (int, error) { // a body that compacts under the cap
			body := `{"data":{"phone_number":"+1 555 0100"}}` + strings.Repeat(" ", 40<<10)
			status, _, err := c.send(ctx, http.MethodPost, "/user/update-detail", demoKey, body)
			return status, err
		},
		func(c *apiClient) (int, error) { // headers larger than the byte bound
			return sendWithHeader(ctx, c, "X-Padding", strings.Repeat("h", maxBytes+1))
		},
		func(c *apiClient) (int, error) { // a long query
			status, _, err := c.send(ctx, http.MethodGet, "/user/profile?pad="+strings.Repeat("q", 8<<10), demoKey, "")
			return status, err
		},
	}

	stop := make(chan struct{})
	var violations []string
	var reader sync.WaitGroup
	reader.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if b := ts.journal.bounds(); b.entries > maxEntries || b.bytes > maxBytes {
				violations = append(violations, fmt.Sprintf("%+v", b))
			}
		}
	})

	client := newAPIClient(ts, 4)
	var writers sync.WaitGroup
	for w := range 4 {
		writers.Go(func() {
			for i := range 50 {
				status, err := requests[(w+i)%len(requests)](client)
				assert.NoError(t, err)
				assert.Equal(t, http.StatusOK, status)
			}
		})
	}
	writers.Wait()
	close(stop)
	reader.Wait()

	assert.Empty(t, violations, "bounds exceeded while requests were served")
	b := ts.journal.bounds()
	assert.Positive(t, b.entries)
	assert.LessOrEqual(t, b.bytes, maxBytes)
	assert.Equal(t, b.recount, b.bytes, "the byte count matches the records")
	assert.LessOrEqual(t, b.maxEntry, maxBytes, "no single record exceeds the bound")
	assert.LessOrEqual(t, b.maxBody, maxBody+64, "a kept body is cut near the per-entry cap")

	for range maxEntries + 10 {
		status, _, err := client.send(ctx, http.MethodGet, "/user/profile", demoKey, "")
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, status)
	}
	assert.Equal(t, maxEntries, ts.journal.bounds().entries, "small entries fill the journal to its entry bound")
}

// TestJournalShrinksOversizedEntry checks what GET /__mock/requests shows
// for a request whose headers alone exceed the journal's byte bound.
func TestJournalShrinksOversizedEntry(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.JournalBytes = 4096 })

	status, err := sendWithHeader(context.Background(), newAPIClient(ts, 1), "X-Padding", strings.Repeat("h", 5000))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status)
	entries := journalEntries(t, ts)

	require.Len(t, entries, 1)
	assert.Equal(t, "/user/profile", entries[0]["path"])
	assert.Equal(t, float64(http.StatusOK), entries[0]["status"])
	assert.Empty(t, entries[0]["request_headers"])
	assert.NotContains(t, entries[0], "response_body")
	assert.Contains(t, entries[0]["note"], "headers and bodies not recorded: the entry of")
	assert.Contains(t, entries[0]["note"], "exceeds the journal's limit of 4096 bytes")
}

// sendWithHeader sends GET /user/profile with the demo key and one extra
// header.
func sendWithHeader(ctx context.Context, c *apiClient, name, value string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/user/profile", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+demoKey)
	req.Header.Set(name, value)
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
