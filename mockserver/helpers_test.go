package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock"
	"github.com/callfluent/usermock/spec"
	"github.com/callfluent/usermock/store"
)

// Demo accounts of fixtures/accounts.yaml.
const (
	demoKey      = "demo-api-key"
	demoUserID   = "12"
	demoPassword = "123456"
	otherKey     = "demo-api-key-2"
	otherUserID  = "13"
)

// testServer is a Server behind a real HTTP server on 127.0.0.1.
type testServer struct {
	*Server
	url  string
	logs *syncBuffer
}

// newTestServer starts a strict server with the admin API, the embedded
// contract and fixtures; edit changes the Config first.
func newTestServer(t *testing.T, edit ...func(*Config)) *testServer {
	t.Helper()
	return startTestServer(t, func(*http.Server) {}, edit...)
}

// startTestServer is newTestServer with a hook that configures the
// http.Server, such as its MaxHeaderBytes, before it starts.
func startTestServer(t *testing.T, configure func(*http.Server), edit ...func(*Config)) *testServer {
	t.Helper()
	sp, err := spec.Default()
	require.NoError(t, err)
	fx, err := store.Default()
	require.NoError(t, err)

	logs := &syncBuffer{}
	cfg := Config{
		Spec:     sp,
		Fixtures: fx,
		Logger:   slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Admin:    true,
		Strict:   true,
	}
	for _, e := range edit {
		e(&cfg)
	}
	srv, err := New(cfg)
	require.NoError(t, err)

	ts := httptest.NewUnstartedServer(srv)
	configure(ts.Config)
	ts.Start()
	t.Cleanup(ts.Close)
	return &testServer{Server: srv, url: ts.URL, logs: logs}
}

// result is a decoded response.
type result struct {
	status int
	header http.Header
	raw    []byte
	json   map[string]any
}

// request describes one request to the test server.
type request struct {
	method string
	path   string
	key    string // sent as Authorization: Bearer KEY unless empty
	body   string
	header map[string]string // set after the defaults; "" removes one
}

func (ts *testServer) do(t *testing.T, req request) result {
	t.Helper()
	out, err := ts.send(req)
	require.NoError(t, err)
	return out
}

// send is do for goroutines other than the test's, which must not call
// t.FailNow: it returns the error instead.
func (ts *testServer) send(req request) (result, error) {
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
	}
	method := req.method
	if method == "" {
		method = http.MethodPost
	}
	httpReq, err := http.NewRequest(method, ts.url+req.path, body)
	if err != nil {
		return result{}, err
	}
	if req.body != "" {
		httpReq.Header.Set("Content-Type", "application/json")
	}
	if req.key != "" {
		httpReq.Header.Set("Authorization", "Bearer "+req.key)
	}
	for name, value := range req.header {
		if value == "" {
			httpReq.Header.Del(name)
			continue
		}
		httpReq.Header.Set(name, value)
	}

	resp, err := http.DefaultClient.Do(httpReq)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, err
	}

	out := result{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out.json); err != nil {
			return result{}, fmt.Errorf("decode body %s: %w", raw, err)
		}
	}
	return out, nil
}

// get sends an authenticated GET.
func (ts *testServer) get(t *testing.T, path, key string) result {
	t.Helper()
	return ts.do(t, request{method: http.MethodGet, path: path, key: key})
}

// post sends an authenticated POST with a JSON body.
func (ts *testServer) post(t *testing.T, path, key, body string) result {
	t.Helper()
	return ts.do(t, request{path: path, key: key, body: body})
}

// account returns the current state of an account from the store.
func (ts *testServer) account(t *testing.T, userID string) store.Account {
	t.Helper()
	acc, err := ts.data.Load().store.Account(userID)
	require.NoError(t, err)
	return acc
}

// editedSpec returns the embedded contract with each edit applied: edits
// are pairs of a text of openapi.yaml and its replacement.
func editedSpec(t *testing.T, edits ...string) *spec.Spec {
	t.Helper()
	require.Zero(t, len(edits)%2, "edits come in pairs")
	doc := string(usermock.SpecYAML)
	for i := 0; i < len(edits); i += 2 {
		require.Contains(t, doc, edits[i])
		doc = strings.Replace(doc, edits[i], edits[i+1], 1)
	}
	sp, err := spec.Load([]byte(doc))
	require.NoError(t, err)
	return sp
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
// cmd/mockserver's tests have their own copy: test files of different
// packages cannot share unexported code, and it is too small for a package.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// violationFields returns the field of each violation of an error body.
func violationFields(body map[string]any) []string {
	list, _ := body["violations"].([]any)
	var fields []string
	for _, item := range list {
		v, _ := item.(map[string]any)
		field, _ := v["field"].(string)
		fields = append(fields, field)
	}
	return fields
}
