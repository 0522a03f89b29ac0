package mockserver

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Soak test size. 20,000 requests from 8 workers took 12-14 s with -race and
// 3.5-5.5 s without, measured by `go test -race -run TestSoakMixedRequests
// -v ./mockserver` on a 2-core AMD EPYC machine shared with other builds.
// The test logs its own time, and soakDeadline bounds it.
const (
	soakRequests = 20_000
	soakWorkers  = 8
	soakDeadline = time.Minute
)

// soakStep is one kind of request of the soak mix and the statuses it may
// get. worker and i let a step write values that the final check expects.
type soakStep struct {
	name       string
	wantStatus []int
	send       func(ctx context.Context, c *apiClient, w *soakWorker, i int) (int, []byte, error)
}

// soakWorker is one client goroutine, bound to one account.
type soakWorker struct {
	index int
	acc   demoAccount
	chain *passwordChain // shared by the workers of acc

	// lastSetting and lastDetail are the last values this worker wrote.
	lastSetting string
	lastDetail  int
}

var soakSteps = []soakStep{
	{name: "profile", wantStatus: []int{http.StatusOK}, send: func(ctx context.Context, c *apiClient, w *soakWorker, _ int) (int, []byte, error) {
		status, raw, err := c.send(ctx, http.MethodGet, "/user/profile", w.acc.key, "")
		if err == nil && status == http.StatusOK {
			err = checkProfile(w.acc, raw)
		}
		return status, raw, err
	}},
	{name: "update setting", wantStatus: []int{http.StatusOK}, send: func(ctx context.Context, c *apiClient, w *soakWorker, i int) (int, []byte, error) {
		value := fmt.Sprintf("a%s-w%d-%d", w.acc.userID, w.index, i)
		status, raw, err := c.send(ctx, http.MethodPost, "/user/update-setting", w.acc.key, settingBody(w.acc, value))
		if err == nil && status == http.StatusOK {
			w.lastSetting = value
		}
		return status, raw, err
	}},
	{name: "update detail", wantStatus: []int{http.StatusOK}, send: func(ctx context.Context, c *apiClient, w *soakWorker, i int) (int, []byte, error) {
		body := fmt.Sprintf(`{"data":{"phone_number":"+1 555 0100","w%d":"%d"}}`, w.index, i)
		status, raw, err := c.send(ctx, http.MethodPost, "/user/update-detail", w.acc.key, body)
		if err == nil && status == http.StatusOK {
			w.lastDetail = i
		}
		return status, raw, err
	}},
	// Workers of one account race from the same current password, so a
	// writer that lost the race gets the wrong-password 400.
	{name: "change password", wantStatus: []int{http.StatusOK, http.StatusBadRequest}, send: func(ctx context.Context, c *apiClient, w *soakWorker, i int) (int, []byte, error) {
		return changePassword(ctx, c, w.acc, w.chain, fmt.Sprintf("a%s-w%d-%d", w.acc.userID, w.index, i))
	}},
	{name: "wrong password", wantStatus: []int{http.StatusBadRequest}, send: func(ctx context.Context, c *apiClient, w *soakWorker, _ int) (int, []byte, error) {
		return c.send(ctx, http.MethodPost, "/user/reset-password", w.acc.key, `{"data":{"oldPass":"never-the-password","newPass":"x"}}`)
	}},
	{name: "malformed JSON", wantStatus: []int{http.StatusBadRequest}, send: func(ctx context.Context, c *apiClient, w *soakWorker, _ int) (int, []byte, error) {
		return c.send(ctx, http.MethodPost, "/user/update-setting", w.acc.key, `{"data":{"userId":`)
	}},
	{name: "unknown key", wantStatus: []int{http.StatusUnauthorized}, send: func(ctx context.Context, c *apiClient, _ *soakWorker, _ int) (int, []byte, error) {
		return c.send(ctx, http.MethodGet, "/user/profile", "not-a-key", "")
	}},
	{name: "other account", wantStatus: []int{http.StatusForbidden}, send: func(ctx context.Context, c *apiClient, w *soakWorker, _ int) (int, []byte, error) {
		return c.send(ctx, http.MethodPost, "/user/update-setting", w.acc.key, `{"data":{"userId":"999","website_name":"hijack"}}`)
	}},
	{name: "unknown path", wantStatus: []int{http.StatusNotFound}, send: func(ctx context.Context, c *apiClient, w *soakWorker, _ int) (int, []byte, error) {
		return c.send(ctx, http.MethodGet, "/user/profiles", w.acc.key, "")
	}},
	{name: "forced 404", wantStatus: []int{http.StatusNotFound}, send: func(ctx context.Context, c *apiClient, w *soakWorker, _ int) (int, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/user/profile", nil)
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Authorization", "Bearer "+w.acc.key)
		req.Header.Set("Prefer", "code=404")
		resp, err := c.client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		return resp.StatusCode, nil, nil
	}},
}

// TestSoakMixedRequests sends soakRequests requests of soakSteps from
// soakWorkers workers, spread over both accounts, to a server on loopback.
// Every status must be one that its step expects, so no 5xx is sent, and no
// reader may see a torn setting. The final state must match the last values
// that the workers wrote. It takes several seconds under the race detector,
// so -short skips it; scripts/test.sh runs it.
func TestSoakMixedRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test: skipped with -short")
	}
	ts := newTestServer(t, func(c *Config) { c.Logger = nil })
	client := newAPIClient(ts, soakWorkers)
	ctx, cancel := context.WithTimeout(context.Background(), soakDeadline)
	defer cancel()

	chains := map[string]*passwordChain{}
	workers := make([]*soakWorker, soakWorkers)
	for i := range workers {
		acc := demoAccounts[i%len(demoAccounts)]
		if chains[acc.userID] == nil {
			chains[acc.userID] = newPasswordChain(acc.password)
		}
		workers[i] = &soakWorker{index: i, acc: acc, chain: chains[acc.userID], lastDetail: -1}
	}

	var unexpected atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() {
			for i := range soakRequests / soakWorkers {
				step := soakSteps[(i+w.index)%len(soakSteps)]
				status, raw, err := step.send(ctx, client, w, i)
				if err != nil || !slices.Contains(step.wantStatus, status) {
					unexpected.Add(1)
					assert.NoError(t, err, "worker %d step %q", w.index, step.name)
					assert.Contains(t, step.wantStatus, status, "worker %d step %q: %s", w.index, step.name, raw)
				}
				if ctx.Err() != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	t.Logf("soak: %d requests from %d workers in %v (%.0f requests/s)",
		soakRequests, soakWorkers, elapsed.Round(time.Millisecond), float64(soakRequests)/elapsed.Seconds())

	require.NoError(t, ctx.Err(), "the soak did not finish within %v", soakDeadline)
	assert.Zero(t, unexpected.Load(), "requests with an unexpected status or error")
	checkSoakState(t, ts, workers, chains)
}

// checkSoakState checks each account against what its workers wrote, and
// that the journal stayed within its default bounds.
func checkSoakState(t *testing.T, ts *testServer, workers []*soakWorker, chains map[string]*passwordChain) {
	t.Helper()
	for _, acc := range demoAccounts {
		got := ts.account(t, acc.userID)
		assert.Equal(t, chains[acc.userID].load(), got.Password, "account %s password", acc.userID)

		var lastSettings []string
		for _, w := range workers {
			if w.acc.userID != acc.userID {
				assert.NotContains(t, got.Custom, fmt.Sprintf("w%d", w.index), "account %s holds another account's field", acc.userID)
				continue
			}
			lastSettings = append(lastSettings, w.lastSetting)
			assert.Equal(t, fmt.Sprint(w.lastDetail), got.Custom[fmt.Sprintf("w%d", w.index)], "worker %d detail", w.index)
		}
		assert.Contains(t, lastSettings, got.Setting["website_name"], "account %s ends with one worker's last setting", acc.userID)
		assert.Equal(t, got.Setting["website_name"], got.Setting["website_description"])
		assert.True(t, strings.HasPrefix(got.Setting["website_name"], "a"+acc.userID+"-"))
	}

	ts.journal.mu.Lock()
	defer ts.journal.mu.Unlock()
	assert.LessOrEqual(t, len(ts.journal.records), defaultJournalSize)
	assert.LessOrEqual(t, ts.journal.bytes, defaultJournalBytes)
}
