package contract

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/spec"
)

func TestOversizedResponseDrainIsBounded(t *testing.T) {
	const chunk = 64 << 10
	const served = 64 << 20 // what the target offers, far more than the suite may read
	var written atomic.Int64
	done := make(chan struct{})
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		w.Header().Set("Content-Type", "application/json")
		padding := bytes.Repeat([]byte(" "), chunk)
		for written.Load() < served {
			n, err := w.Write(padding)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	t.Cleanup(server.Close)
	sp, err := spec.Default()
	require.NoError(t, err)
	s := newSession(Config{BaseURL: server.URL, APIKey: "k", UserID: "12", Password: "p"}, sp)

	ex := s.do(context.Background(), call{operationID: opGetProfile, authorization: s.primary.authorization()})

	require.NoError(t, ex.Err)
	assert.Len(t, ex.ResponseBody, maxResponseBody)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		require.FailNow(t, "the handler still writes 10 s after the suite closed the response")
	}
	// The suite reads maxResponseBody bytes and drains as many again; the
	// rest of the margin is socket buffering.
	assert.Less(t, written.Load(), int64(served/2), "the suite drained the whole response")
}
