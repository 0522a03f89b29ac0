package mockserver

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/spec"
)

// jsonLogs returns a Config edit that logs JSON at debug level into buf.
func jsonLogs(buf *syncBuffer) func(*Config) {
	return func(c *Config) {
		c.Logger = slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
}

// logLines decodes every line of a JSON log.
func logLines(t *testing.T, logs string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	scanner := bufio.NewScanner(strings.NewReader(logs))
	scanner.Buffer(nil, 1<<20)
	for scanner.Scan() {
		var line map[string]any
		require.NoError(t, json.Unmarshal(scanner.Bytes(), &line), "log line %s", scanner.Text())
		lines = append(lines, line)
	}
	require.NoError(t, scanner.Err())
	return lines
}

// TestPanicInEveryBehaviour replaces each operation's behaviour with one
// that panics, through the Server's behaviours map. It checks the 500 body
// and the error log line with the request id. Then it checks that nothing
// changed and that the server keeps serving.
func TestPanicInEveryBehaviour(t *testing.T) {
	sp, err := spec.Default()
	require.NoError(t, err)
	for _, op := range sp.Operations() {
		t.Run(op.ID, func(t *testing.T) {
			logs := &syncBuffer{}
			ts := newTestServer(t, jsonLogs(logs))
			before := ts.account(t, demoUserID)
			original, hasBehaviour := ts.behaviours[op.ID]
			ts.behaviours[op.ID] = func(*call) (response, error) { panic(op.ID + " exploded") }

			got := ts.do(t, request{method: op.Method, path: op.Path, key: demoKey, body: firstRequestExample(t, op)})

			assert.Equal(t, http.StatusInternalServerError, got.status)
			assert.JSONEq(t, `{"status": false, "error": "Server error"}`, string(got.raw))
			id := got.header.Get(headerRequestID)
			require.NotEmpty(t, id)
			assert.True(t, hasLogLine(t, logs.String(), "ERROR", "panic while serving request", id, op.ID+" exploded"),
				"no error line with the request id and the panic; logs:\n%s", logs)
			assert.Equal(t, before, ts.account(t, demoUserID), "the panic changed nothing")

			delete(ts.behaviours, op.ID)
			if hasBehaviour {
				ts.behaviours[op.ID] = original
			}
			assert.Equal(t, http.StatusOK, ts.get(t, "/user/profile", demoKey).status, "the server keeps serving")
			again := ts.do(t, request{method: op.Method, path: op.Path, key: demoKey, body: firstRequestExample(t, op)})
			assert.Equal(t, http.StatusOK, again.status, "the operation works again: %s", again.raw)
		})
	}
}

// hasLogLine reports whether logs contain a line at level with message msg,
// request id id, and an error containing errorText.
func hasLogLine(t *testing.T, logs, level, msg, id, errorText string) bool {
	t.Helper()
	for _, line := range logLines(t, logs) {
		errText, _ := line["error"].(string)
		if line["level"] == level && line["msg"] == msg && line["id"] == id && strings.Contains(errText, errorText) {
			return true
		}
	}
	return false
}

// firstRequestExample returns the first request example of op in name
// order, or "" for an operation without a body.
func firstRequestExample(t *testing.T, op spec.Operation) string {
	t.Helper()
	examples := requestExamples(t, op)
	names := slices.Sorted(maps.Keys(examples))
	return examples[names[0]]
}

// apiClient sends requests from many goroutines. Unlike testServer.do it
// returns errors instead of stopping the test, so it may run outside the
// test's goroutine.
type apiClient struct {
	base   string
	client *http.Client
}

func newAPIClient(ts *testServer, conns int) *apiClient {
	transport := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns}
	return &apiClient{base: ts.url, client: &http.Client{Transport: transport, Timeout: 30 * time.Second}}
}

// send sends one request and returns the status and the body.
func (c *apiClient) send(ctx context.Context, method, path, key, body string) (int, []byte, error) {
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, reader)
	if err != nil {
		return 0, nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// demoAccount is one demo account as the load tests use it.
type demoAccount struct {
	userID   string
	key      string
	password string // in the fixtures
	setting  [2]string
}

var demoAccounts = []demoAccount{
	{userID: demoUserID, key: demoKey, password: demoPassword, setting: [2]string{"callfluent", "save time"}},
	{userID: otherUserID, key: otherKey, password: "654321", setting: [2]string{"second workspace", "the second demo account"}},
}

// passwordChain records the successful password changes of one account.
// Writers race to change the password from the current one, so at most one
// change may succeed from each password. Two would be a lost update.
type passwordChain struct {
	mu      sync.Mutex
	current string
	next    map[string]string // old password to the new one
}

func newPasswordChain(start string) *passwordChain {
	return &passwordChain{current: start, next: map[string]string{}}
}

func (c *passwordChain) load() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.current
}

// record stores the change old -> new that the server accepted, and
// returns an error when another change from old was accepted too.
func (c *passwordChain) record(old, newPass string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if other, ok := c.next[old]; ok {
		return fmt.Errorf("two changes from password %q were accepted: to %q and to %q", old, other, newPass)
	}
	if c.current != old {
		return fmt.Errorf("a change from %q was accepted while the current password was %q", old, c.current)
	}
	c.next[old] = newPass
	c.current = newPass
	return nil
}

// length follows the chain from start and returns the number of changes.
func (c *passwordChain) length(start string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for p, ok := c.next[start]; ok; p, ok = c.next[p] {
		n++
	}
	return n
}

// changePassword tries to change acc's password from the current one and
// records the change when the server accepts it. It returns the status and
// body, and an error for any response but 200 or the wrong-password 400 of
// a writer that lost the race.
func changePassword(ctx context.Context, c *apiClient, acc demoAccount, chain *passwordChain, newPass string) (int, []byte, error) {
	old := chain.load()
	body := fmt.Sprintf(`{"data":{"oldPass":%q,"newPass":%q}}`, old, newPass)
	status, raw, err := c.send(ctx, http.MethodPost, "/user/reset-password", acc.key, body)
	switch {
	case err != nil:
		return status, raw, err
	case status == http.StatusOK:
		return status, raw, chain.record(old, newPass)
	case status == http.StatusBadRequest && strings.Contains(string(raw), `"msg"`):
		return status, raw, nil // another writer changed it first
	default:
		return status, raw, fmt.Errorf("reset-password from %q returned %d: %s", old, status, raw)
	}
}

// checkProfile returns an error unless the profile body shows a setting
// pair that the fixtures contain or that one request of acc wrote whole.
func checkProfile(acc demoAccount, raw []byte) error {
	var profile struct {
		Setting map[string]string `json:"setting"`
	}
	if err := json.Unmarshal(raw, &profile); err != nil {
		return fmt.Errorf("decode profile %s: %w", raw, err)
	}
	name, description := profile.Setting["website_name"], profile.Setting["website_description"]
	if name == acc.setting[0] && description == acc.setting[1] {
		return nil
	}
	if name != description {
		return fmt.Errorf("torn read: website_name %q with website_description %q", name, description)
	}
	if !strings.HasPrefix(name, "a"+acc.userID+"-") {
		return fmt.Errorf("account %s shows %q, which no request for it wrote", acc.userID, name)
	}
	return nil
}

func settingBody(acc demoAccount, value string) string {
	return fmt.Sprintf(`{"data":{"userId":%q,"website_name":%q,"website_description":%q}}`, acc.userID, value, value)
}

// TestConcurrentWritesStayAtomic runs password writers, setting writers,
// detail writers and profile readers on both accounts at once. Password
// writers race from the same current password, so a lost update shows as
// two accepted changes from one password. Readers must only ever see a
// website_name and website_description pair that one request wrote.
func TestConcurrentWritesStayAtomic(t *testing.T) {
	const rounds = 25
	const passwordWriters, settingWriters, detailWriters, readers = 3, 3, 2, 3
	ts := newTestServer(t)
	client := newAPIClient(ts, 32)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	chains := map[string]*passwordChain{}
	lastSetting := map[string][]string{}
	var wg sync.WaitGroup
	for _, acc := range demoAccounts {
		chain := newPasswordChain(acc.password)
		chains[acc.userID] = chain
		last := make([]string, settingWriters)
		lastSetting[acc.userID] = last

		for w := range passwordWriters {
			wg.Go(func() {
				for i := range rounds {
					_, _, err := changePassword(ctx, client, acc, chain, fmt.Sprintf("a%s-p%d-%d", acc.userID, w, i))
					assert.NoError(t, err)
				}
			})
		}
		for w := range settingWriters {
			wg.Go(func() {
				for i := range rounds {
					value := fmt.Sprintf("a%s-s%d-%d", acc.userID, w, i)
					status, raw, err := client.send(ctx, http.MethodPost, "/user/update-setting", acc.key, settingBody(acc, value))
					if assert.NoError(t, err) && assert.Equal(t, http.StatusOK, status, "body %s", raw) {
						last[w] = value
					}
				}
			})
		}
		for w := range detailWriters {
			wg.Go(func() {
				for i := range rounds {
					body := fmt.Sprintf(`{"data":{"phone_number":"+1 555 %04d","w%d":"%d"}}`, i, w, i)
					status, raw, err := client.send(ctx, http.MethodPost, "/user/update-detail", acc.key, body)
					assert.NoError(t, err)
					assert.Equal(t, http.StatusOK, status, "body %s", raw)
				}
			})
		}
		for range readers {
			wg.Go(func() {
				for range rounds {
					status, raw, err := client.send(ctx, http.MethodGet, "/user/profile", acc.key, "")
					if assert.NoError(t, err) && assert.Equal(t, http.StatusOK, status) {
						assert.NoError(t, checkProfile(acc, raw))
					}
				}
			})
		}
	}
	wg.Wait()

	for _, acc := range demoAccounts {
		checkFinalState(t, ts, acc, chains[acc.userID], lastSetting[acc.userID], detailWriters, rounds)
	}
}

// checkFinalState checks that the account has the last password of its
// chain, the last value of one setting writer, and the last value that each
// detail writer sent for its own field, so nothing was lost.
func checkFinalState(t *testing.T, ts *testServer, acc demoAccount, chain *passwordChain, lastSetting []string, detailWriters, rounds int) {
	t.Helper()
	got := ts.account(t, acc.userID)

	assert.Equal(t, chain.load(), got.Password, "account %s password", acc.userID)
	assert.Positive(t, chain.length(acc.password), "some password change succeeded")
	assert.Contains(t, lastSetting, got.Setting["website_name"], "account %s ends with one writer's last setting", acc.userID)
	assert.Equal(t, got.Setting["website_name"], got.Setting["website_description"])
	for w := range detailWriters {
		assert.Equal(t, fmt.Sprint(rounds-1), got.Custom[fmt.Sprintf("w%d", w)], "account %s detail writer %d", acc.userID, w)
	}
}
