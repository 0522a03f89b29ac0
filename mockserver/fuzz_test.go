package mockserver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/spec"
	"github.com/callfluent/usermock/store"
)

var updateSeeds = flag.Bool("update-seeds", false, "rewrite testdata/fuzz/FuzzServeHTTP from badInputCases")

// fuzzSeedDir is the seed corpus that TestFuzzSeedsMatchBadInputs keeps in
// step with badInputCases.
const fuzzSeedDir = "testdata/fuzz/FuzzServeHTTP"

// maxSeedBody is the largest body of a bad-input case written as a seed.
// The cases over it, the 1 MiB chunked body and the 100,000-deep nesting,
// would only make the corpus large.
const maxSeedBody = 16 << 10

// fuzzRequest is one input of FuzzServeHTTP.
type fuzzRequest struct {
	method        string
	target        string
	authorization string
	contentType   string
	prefer        string
	body          []byte
}

// seedFromRaw parses a raw HTTP request into the inputs of FuzzServeHTTP,
// keeping whatever body arrived before a read error.
func seedFromRaw(raw string) (fuzzRequest, bool) {
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		return fuzzRequest{}, false
	}
	body, _ := io.ReadAll(req.Body)
	return fuzzRequest{
		method:        req.Method,
		target:        req.RequestURI,
		authorization: req.Header.Get("Authorization"),
		contentType:   req.Header.Get("Content-Type"),
		prefer:        req.Header.Get(headerPrefer),
		body:          body,
	}, true
}

// corpusFile returns seed in the format of go test's fuzz corpus files.
func (seed fuzzRequest) corpusFile() []byte {
	var b bytes.Buffer
	b.WriteString("go test fuzz v1\n")
	for _, s := range []string{seed.method, seed.target, seed.authorization, seed.contentType, seed.prefer} {
		fmt.Fprintf(&b, "string(%s)\n", strconv.Quote(s))
	}
	fmt.Fprintf(&b, "[]byte(%s)\n", strconv.Quote(string(seed.body)))
	return b.Bytes()
}

// seedName turns a case name into a corpus file name.
func seedName(name string) string {
	return strings.NewReplacer(" ", "-", "/", "-").Replace(name)
}

// TestFuzzSeedsMatchBadInputs checks that testdata/fuzz/FuzzServeHTTP has
// one seed for each case of badInputCases that reaches the handler and has
// a body of at most maxSeedBody. The -update-seeds flag rewrites them.
func TestFuzzSeedsMatchBadInputs(t *testing.T) {
	for _, tt := range badInputCases() {
		seed, ok := seedFromRaw(tt.raw)
		if tt.plainText || !ok || len(seed.body) > maxSeedBody {
			continue
		}
		path := filepath.Join(fuzzSeedDir, "badinput-"+seedName(tt.name))
		if *updateSeeds {
			require.NoError(t, os.MkdirAll(fuzzSeedDir, 0o755))
			require.NoError(t, os.WriteFile(path, seed.corpusFile(), 0o644))
			continue
		}
		got, err := os.ReadFile(path)
		require.NoError(t, err, "run go test ./mockserver -run TestFuzzSeedsMatchBadInputs -args -update-seeds")
		assert.Equal(t, string(seed.corpusFile()), string(got), "seed %s is stale; rerun with -args -update-seeds", path)
	}
}

// fuzzDeadline bounds one input, so a Prefer delay cannot stall the
// fuzzer, because the server stops waiting when the request's context ends.
const fuzzDeadline = 100 * time.Millisecond

// FuzzServeHTTP sends a fuzzed method, request-target, Authorization,
// Content-Type, Prefer and body through the whole middleware chain of a
// fresh strict server. No behaviour may panic, and every response other
// than a 2xx must be the contract's JSON error body. No 5xx may be sent
// unless the Prefer header forced it. Only a 2xx write that the Prefer
// header did not force may change the accounts.
func FuzzServeHTTP(f *testing.F) {
	sp, err := spec.Default()
	require.NoError(f, err)
	fx, err := store.Default()
	require.NoError(f, err)

	for _, op := range sp.Operations() {
		for _, body := range requestExamples(f, op) {
			f.Add(op.Method, op.Path, "Bearer "+demoKey, "application/json", "", []byte(body))
			f.Add(op.Method, op.Path, "Bearer "+otherKey, "application/json", "code=500", []byte(body))
		}
	}
	for _, tt := range badInputCases() {
		if seed, ok := seedFromRaw(tt.raw); ok && !tt.plainText {
			f.Add(seed.method, seed.target, seed.authorization, seed.contentType, seed.prefer, seed.body)
		}
	}
	f.Add("GET", "/user/profile", "Bearer "+demoKey, "", "example=profile, delay=5", []byte(nil))
	f.Add("POST", "/__mock/reset", "", "", "", []byte(nil))

	f.Fuzz(func(t *testing.T, method, target, authorization, contentType, prefer string, body []byte) {
		in := fuzzRequest{method: method, target: target, authorization: authorization, contentType: contentType, prefer: prefer, body: body}
		req, ok := in.request()
		if !ok {
			return
		}
		checkFuzzResponse(t, sp, fx, in, req)
	})
}

// request builds the http.Request, or reports false for input that no HTTP
// server would pass to a handler, such as an invalid method, a
// request-target that is not an absolute path, or a header value with a
// control character.
func (in fuzzRequest) request() (*http.Request, bool) {
	if !strings.HasPrefix(in.target, "/") {
		return nil, false
	}
	for _, value := range []string{in.authorization, in.contentType, in.prefer} {
		if strings.ContainsFunc(value, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
			return nil, false
		}
	}
	req, err := http.NewRequest(in.method, "http://127.0.0.1"+in.target, bytes.NewReader(in.body))
	if err != nil || req.URL.Host != "127.0.0.1" {
		return nil, false
	}
	for name, value := range map[string]string{"Authorization": in.authorization, "Content-Type": in.contentType, headerPrefer: in.prefer} {
		if value != "" {
			req.Header.Set(name, value)
		}
	}
	return req, true
}

// checkFuzzResponse serves req on a fresh server and checks the properties
// that FuzzServeHTTP names.
func checkFuzzResponse(t *testing.T, sp *spec.Spec, fx *store.Fixtures, in fuzzRequest, req *http.Request) {
	logs := &syncBuffer{}
	srv, err := New(Config{Spec: sp, Fixtures: fx, Admin: true, Strict: true,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelError}))})
	require.NoError(t, err)
	before := accountStates(t, srv)

	ctx, cancel := context.WithTimeout(context.Background(), fuzzDeadline)
	defer cancel()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req.WithContext(ctx))

	require.NotContains(t, logs.String(), "panic while serving request", "input %+v", in)
	if ctx.Err() != nil && rec.Body.Len() == 0 {
		// A Prefer delay outlasted the deadline, and the server stopped
		// waiting without a response, as it does for a client that left.
		assert.Equal(t, before, accountStates(t, srv))
		return
	}

	pref, prefErr := parsePrefer(req.Header.Values(headerPrefer))
	forced := prefErr == nil && pref.forced()
	status := rec.Code
	if status >= 500 {
		require.True(t, forced, "status %d without a forced response: %s; input %+v", status, rec.Body, in)
	}
	checkFuzzBody(t, status, rec, in)

	wrote := status >= 200 && status < 300 && !forced && req.Method != http.MethodGet
	if !wrote {
		require.Equal(t, before, accountStates(t, srv), "status %d changed an account; input %+v", status, in)
	}
}

// checkFuzzBody requires an error response to be a JSON object whose
// status member is false, and a success to be empty or JSON.
func checkFuzzBody(t *testing.T, status int, rec *httptest.ResponseRecorder, in fuzzRequest) {
	if status < 300 {
		if rec.Body.Len() > 0 {
			require.True(t, json.Valid(rec.Body.Bytes()), "status %d body %q; input %+v", status, rec.Body, in)
		}
		return
	}
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"), "status %d; input %+v", status, in)
	var body map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body), "status %d body %q; input %+v", status, rec.Body, in)
	require.Equal(t, false, body["status"], "status %d body %s; input %+v", status, rec.Body, in)
}

// accountStates returns every account of srv's store by user id.
func accountStates(t *testing.T, srv *Server) map[string]store.Account {
	t.Helper()
	data := srv.data.Load()
	out := map[string]store.Account{}
	for _, acc := range data.fixtures.Accounts {
		state, err := data.store.Account(acc.UserID)
		require.NoError(t, err)
		out[acc.UserID] = state
	}
	return out
}
