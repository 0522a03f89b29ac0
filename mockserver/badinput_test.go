package mockserver

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/store"
)

// commandMaxHeaderBytes is the MaxHeaderBytes of the http.Server that
// cmd/mockserver starts (64 KiB). The table runs on a server with the same
// limit, so the oversized-header rows show what the command sends.
const commandMaxHeaderBytes = 64 << 10

// promptResponse bounds the wait for the answer to a client that declared
// more body than it sent and then stalled: the server must answer without
// waiting for the rest.
const promptResponse = 2 * time.Second

// badInputCase is one malformed or hostile request, written verbatim to a
// TCP connection, and the response that it must get.
type badInputCase struct {
	name string
	raw  string

	// bodyLimit is the server's Config.BodyLimit, where 0 means the default.
	bodyLimit int64

	// stall keeps the connection open after raw, as a client that sent
	// less than it declared and waits. The response must come within
	// promptResponse. halfClose closes the sending side instead, so the
	// server reads the end of the body early.
	stall     bool
	halfClose bool

	wantStatus int
	wantError  string            // substring of the "error" member
	wantHeader map[string]string // "" asserts that the header is absent
	wantClose  bool              // the response closes the connection

	// plainText marks a response that net/http sends before any handler
	// runs, as text/plain, so it is neither JSON nor journaled.
	plainText bool
}

// badInputCases are the malformed and hostile requests, each with the
// response that it must get. FuzzServeHTTP uses them as seeds too.
//
// Paths are matched as sent, in their escaped form (see serveAPI): every
// percent-encoded, dot-segment, doubled-slash or trailing-slash spelling of
// a path gets 404, with or without an API key, and none is redirected.
// Oversized headers and request lines get net/http's own 431 in plain text,
// because the server rejects them before the mock's handler runs.
func badInputCases() []badInputCase {
	const setting = "/user/update-setting"
	valid := `{"data":{"userId":"12","website_name":"after the table"}}`
	deep := `{"data":{"userId":"12","website_name":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}}`
	veryDeep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)

	return []badInputCase{
		{name: "malformed JSON", raw: postRaw(setting, `{"data":{"userId" "12"}}`),
			wantStatus: 400, wantError: `request body: data: invalid JSON at byte offset 18: expected ':' after object key`},
		{name: "truncated JSON", raw: postRaw(setting, `{"data":{"userId":"12","website_name":"cut`),
			wantStatus: 400, wantError: "request body: data.website_name: invalid JSON at byte offset 42: unterminated string"},
		{name: "truncated body", raw: declaredRaw(setting, 100, valid[:20]), halfClose: true,
			wantStatus: 400, wantError: "request body: could not be read (unexpected EOF)"},
		{name: "malformed chunked encoding", raw: chunkedRaw(setting, "zz\r\n"+valid+"\r\n0\r\n\r\n"),
			wantStatus: 400, wantError: "request body: could not be read (invalid byte in chunk length)"},
		{name: "empty body", raw: postRaw(setting, ""),
			wantStatus: 400, wantError: "request body: is required; send a JSON object"},
		{name: "empty body without content type", raw: requestRaw("POST", setting, []string{"Content-Length: 0"}, ""),
			wantStatus: 400, wantError: "request body: is required"},
		{name: "whitespace body", raw: postRaw(setting, " \r\n\t "),
			wantStatus: 400, wantError: "request body: is empty; send a JSON object"},
		{name: "declared 2 MiB then stalled", raw: declaredRaw(setting, 2<<20, `{"data":`), stall: true,
			wantStatus: 413, wantError: "request body exceeds the limit of 1048576 bytes", wantClose: true},
		{name: "declared over configured limit", raw: declaredRaw(setting, 100<<10, `{"data":`), stall: true, bodyLimit: 1024,
			wantStatus: 413, wantError: "request body exceeds the limit of 1024 bytes", wantClose: true},
		{name: "chunked over configured limit", raw: chunkedRaw(setting, chunk(strings.Repeat(" ", 2048))), stall: true, bodyLimit: 1024,
			wantStatus: 413, wantError: "request body exceeds the limit of 1024 bytes", wantClose: true},
		{name: "chunked over default limit", raw: chunkedRaw(setting, chunk(strings.Repeat(" ", 1<<20))+chunk(" ")), stall: true,
			wantStatus: 413, wantError: "request body exceeds the limit of 1048576 bytes", wantClose: true},
		{name: "nesting too deep", raw: postRaw(setting, deep),
			wantStatus: 400, wantError: "request body: data.website_name" + strings.Repeat(".0", 30) + ": nests objects and arrays deeper than 32 levels"},
		{name: "nesting 100000 deep", raw: postRaw(setting, veryDeep),
			wantStatus: 400, wantError: "nests objects and arrays deeper than 32 levels"},
		{name: "duplicate key", raw: postRaw(setting, `{"data":{"userId":"12","userId":"13"}}`),
			wantStatus: 400, wantError: "request body: data.userId: duplicate key; JSON objects must not repeat a key"},
		{name: "duplicate wrapper key", raw: postRaw(setting, `{"data":{"userId":"13"},"data":{"userId":"12"}}`),
			wantStatus: 400, wantError: "request body: data: duplicate key"},
		{name: "trailing JSON value", raw: postRaw(setting, valid+` {"data":{}}`),
			wantStatus: 400, wantError: "unexpected data after the JSON value; send exactly one value"},
		{name: "trailing garbage", raw: postRaw(setting, valid+`x`),
			wantStatus: 400, wantError: "unexpected data after the JSON value"},
		{name: "invalid UTF-8", raw: postRaw(setting, `{"data":{"userId":"12","website_name":"`+"\xc3\x28"+`"}}`),
			wantStatus: 400, wantError: "request body: is not valid UTF-8 (first invalid byte at offset 39)"},
		{name: "byte order mark", raw: postRaw(setting, "\xEF\xBB\xBF"+valid),
			wantStatus: 400, wantError: "request body: starts with a UTF-8 byte order mark; send JSON without one"},
		{name: "null user id", raw: postRaw(setting, `{"data":{"userId":null}}`),
			wantStatus: 400, wantError: "request body: data.userId: Value is not nullable"},
		{name: "null setting value", raw: postRaw(setting, `{"data":{"userId":"12","website_name":null}}`),
			wantStatus: 400, wantError: "request body: data.website_name: Value is not nullable"},
		{name: "number as user id", raw: postRaw(setting, `{"data":{"userId":12}}`),
			wantStatus: 400, wantError: "request body: data.userId: value must be a string (got 12)"},
		{name: "number as smtp port", raw: postRaw("/user/update-smtp-setting", strings.Replace(smtpBody(demoUserID), `"465"`, `465`, 1)),
			wantStatus: 400, wantError: "request body: data.smtp_port: value must be a string (got 465)"},
		{name: "number as new password", raw: postRaw("/user/reset-password", `{"data":{"oldPass":"pw-before-table","newPass":1234567}}`),
			wantStatus: 400, wantError: "request body: data.newPass: value must be a string"},
		{name: "semicolon in query", raw: postRaw("/user/update-detail?agent_id=3;x=1", validDetail),
			wantStatus: 400, wantError: "query string: is invalid (invalid semicolon separator in query)"},
		{name: "invalid escape in query", raw: postRaw("/user/update-detail?agent_id=%zz", validDetail),
			wantStatus: 400, wantError: `query string: is invalid (invalid URL escape "%zz")`},
		{name: "plain text body", raw: requestRaw("POST", setting, []string{"Content-Type: text/plain"}, valid),
			wantStatus: 415, wantError: `content type "text/plain" is not supported; send application/json`},
		{name: "bad body without key", raw: requestRaw("POST", setting, []string{"Authorization:", "Content-Type: application/json"}, `{"data":`),
			wantStatus: 401, wantError: "missing API key"},
		{name: "oversized header", raw: requestRaw("GET", "/user/profile", []string{"X-Padding: " + strings.Repeat("a", commandMaxHeaderBytes+4096)}, ""),
			wantStatus: 431, plainText: true},
		{name: "oversized request line", raw: requestRaw("GET", "/user/profile?pad="+strings.Repeat("a", commandMaxHeaderBytes+4096), nil, ""),
			wantStatus: 431, plainText: true},
		{name: "method BREW", raw: requestRaw("BREW", "/user/profile", nil, ""),
			wantStatus: 405, wantError: `method "BREW" not allowed on "/user/profile"; allowed methods are GET`, wantHeader: map[string]string{"Allow": "GET"}},
		{name: "method PROPFIND", raw: requestRaw("PROPFIND", setting, nil, ""),
			wantStatus: 405, wantError: `method "PROPFIND" not allowed on "/user/update-setting"; allowed methods are POST`, wantHeader: map[string]string{"Allow": "POST"}},
		{name: "method BREW unknown path", raw: requestRaw("BREW", "/coffee", nil, ""),
			wantStatus: 404, wantError: `path "/coffee" not found`, wantHeader: map[string]string{"Allow": ""}},
		{name: "percent-encoded letter", raw: requestRaw("GET", "/user/%70rofile", nil, ""),
			wantStatus: 404, wantError: `path "/user/%70rofile" not found`, wantHeader: map[string]string{"Location": ""}},
		{name: "percent-encoded slash", raw: requestRaw("GET", "/user%2Fprofile", nil, ""),
			wantStatus: 404, wantError: `path "/user%2Fprofile" not found`},
		{name: "dot-dot segment", raw: requestRaw("GET", "/user/../user/profile", nil, ""),
			wantStatus: 404, wantError: `path "/user/../user/profile" not found`, wantHeader: map[string]string{"Location": ""}},
		{name: "dot segment", raw: requestRaw("GET", "/user/./profile", nil, ""),
			wantStatus: 404, wantError: `path "/user/./profile" not found`},
		{name: "double slash", raw: requestRaw("GET", "//user/profile", nil, ""),
			wantStatus: 404, wantError: `path "//user/profile" not found`, wantHeader: map[string]string{"Location": ""}},
		{name: "trailing slash", raw: requestRaw("GET", "/user/profile/", nil, ""),
			wantStatus: 404, wantError: `path "/user/profile/" not found`, wantHeader: map[string]string{"Location": ""}},
		{name: "dot-dot write without key", raw: requestRaw("POST", "/x/../user/update-setting", []string{"Authorization:", "Content-Type: application/json"}, valid),
			wantStatus: 404, wantError: `path "/x/../user/update-setting" not found`},
		{name: "encoded admin reset", raw: requestRaw("POST", "/__mock/%72eset", nil, ""),
			wantStatus: 404, wantError: `path "/__mock/%72eset" not found`},
		{name: "dot-dot into admin", raw: requestRaw("POST", "/user/../__mock/reset", nil, ""),
			wantStatus: 404, wantError: `path "/user/../__mock/reset" not found`},
	}
}

// TestBadInputChangesNothing sends each case of badInputCases to a server
// whose accounts were changed from the fixtures first. It checks the status,
// the error body and the headers of each response. Then it checks that both
// accounts are as they were, in the store and through GET /user/profile,
// and that the journal recorded the request with its status.
func TestBadInputChangesNothing(t *testing.T) {
	tests := badInputCases()
	servers := map[int64]*badInputServer{}
	for _, tt := range tests {
		if servers[tt.bodyLimit] == nil {
			servers[tt.bodyLimit] = newBadInputServer(t, tt.bodyLimit)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := servers[tt.bodyLimit]
			journalBefore := len(srv.journal.entries())

			got := sendRaw(t, srv.url, tt)

			require.Equal(t, tt.wantStatus, got.status, "body %s", got.body)
			checkBadInputBody(t, tt, got)
			for name, value := range tt.wantHeader {
				assert.Equal(t, value, got.header.Get(name), "header %s", name)
			}
			if tt.wantClose {
				assert.True(t, got.closed, "Connection: close, so net/http reads no more of the body")
			}
			srv.checkJournal(t, tt, journalBefore)
			srv.checkUnchanged(t)
		})
	}
}

// checkBadInputBody checks that the body is the contract's error body with
// the expected message, or net/http's plain-text status line.
func checkBadInputBody(t *testing.T, tt badInputCase, got rawResponse) {
	t.Helper()
	if tt.plainText {
		assert.Contains(t, string(got.body), http.StatusText(tt.wantStatus))
		return
	}
	assert.Equal(t, "application/json", got.header.Get("Content-Type"))
	var body map[string]any
	require.NoError(t, json.Unmarshal(got.body, &body), "body %s", got.body)
	assert.Equal(t, false, body["status"])
	assert.Contains(t, body["error"], tt.wantError)
}

// badInputServer is a strict test server whose accounts differ from the
// fixtures, with their state recorded before the first bad request.
type badInputServer struct {
	*testServer
	accounts map[string]store.Account // by user id
	profiles map[string]string        // GET /user/profile body by API key
}

func newBadInputServer(t *testing.T, bodyLimit int64) *badInputServer {
	t.Helper()
	ts := startTestServer(t, func(hs *http.Server) { hs.MaxHeaderBytes = commandMaxHeaderBytes },
		func(c *Config) { c.BodyLimit = bodyLimit })

	// Change the accounts first, so that a request that reset them, as
	// well as one that changed them, would show.
	require.Equal(t, http.StatusOK, ts.post(t, "/user/update-setting", demoKey,
		`{"data":{"userId":"12","website_name":"before the table","website_description":"before the table"}}`).status)
	require.Equal(t, http.StatusOK, ts.post(t, "/user/reset-password", demoKey,
		`{"data":{"oldPass":"123456","newPass":"pw-before-table"}}`).status)
	require.Equal(t, http.StatusOK, ts.post(t, "/user/update-detail", otherKey,
		`{"data":{"phone_number":"+1 555 0100","note":"before the table"}}`).status)

	srv := &badInputServer{testServer: ts, accounts: map[string]store.Account{}, profiles: map[string]string{}}
	for _, id := range []string{demoUserID, otherUserID} {
		srv.accounts[id] = ts.account(t, id)
	}
	for _, key := range []string{demoKey, otherKey} {
		profile := ts.get(t, "/user/profile", key)
		require.Equal(t, http.StatusOK, profile.status)
		srv.profiles[key] = string(profile.raw)
	}
	return srv
}

// checkUnchanged asserts that both accounts are as they were before the
// table, in the store and as GET /user/profile returns them.
func (srv *badInputServer) checkUnchanged(t *testing.T) {
	t.Helper()
	for id, before := range srv.accounts {
		assert.Equal(t, before, srv.account(t, id), "account %s in the store", id)
	}
	for key, before := range srv.profiles {
		got := srv.get(t, "/user/profile", key)
		assert.Equal(t, http.StatusOK, got.status)
		assert.JSONEq(t, before, string(got.raw), "profile of key %s", key)
	}
}

// checkJournal asserts that a request that reached the mock's handler is
// the newest journal entry, with the status it got, and that one rejected
// by net/http left no entry.
func (srv *badInputServer) checkJournal(t *testing.T, tt badInputCase, before int) {
	t.Helper()
	entries := srv.journal.entries()
	if tt.plainText {
		assert.Len(t, entries, before, "net/http answered before the handler ran")
		return
	}
	if srv.isAdminRequest(tt.raw) {
		return // the admin API is not journaled
	}
	require.Len(t, entries, before+1)
	newest := entries[len(entries)-1]
	assert.Equal(t, tt.wantStatus, newest.Status)
	path, _, _ := strings.Cut(requestTarget(tt.raw), "?")
	assert.Equal(t, path, newest.Path, "the journal records the path as sent")
}

func (srv *badInputServer) isAdminRequest(raw string) bool {
	return strings.HasPrefix(requestTarget(raw), adminPrefix)
}

// requestTarget returns the request-target of the request line of raw.
func requestTarget(raw string) string {
	line, _, _ := strings.Cut(raw, "\r\n")
	fields := strings.Fields(line)
	if len(fields) < 2 {
		return ""
	}
	return fields[1]
}

// requestRaw returns an HTTP/1.1 request with the demo key. Like most
// clients it keeps the connection alive, so the server alone decides
// whether to close it. Each entry of header replaces the default of the
// same name, and "Name:" with no value removes it. A Content-Length is
// added for a non-empty body unless header sets one.
func requestRaw(method, target string, header []string, body string) string {
	fields := map[string]string{"Host": "127.0.0.1", "Authorization": "Bearer " + demoKey}
	order := []string{"Host", "Authorization"}
	if body != "" {
		fields["Content-Length"] = strconv.Itoa(len(body))
		order = append(order, "Content-Length")
	}
	for _, line := range header {
		name, value, _ := strings.Cut(line, ":")
		if _, ok := fields[name]; !ok {
			order = append(order, name)
		}
		fields[name] = strings.TrimSpace(value)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", method, target)
	for _, name := range order {
		if fields[name] != "" {
			fmt.Fprintf(&b, "%s: %s\r\n", name, fields[name])
		}
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	return b.String()
}

// postRaw returns a POST of a JSON body with the demo key.
func postRaw(path, body string) string {
	return requestRaw("POST", path, []string{"Content-Type: application/json", "Content-Length: " + strconv.Itoa(len(body))}, body)
}

// declaredRaw returns a POST that declares length bytes of JSON body but
// carries only sent.
func declaredRaw(path string, length int, sent string) string {
	return requestRaw("POST", path, []string{"Content-Type: application/json", "Content-Length: " + strconv.Itoa(length)}, sent)
}

// chunkedRaw returns a POST whose body is chunks, sent verbatim as the
// chunked transfer coding.
func chunkedRaw(path, chunks string) string {
	return requestRaw("POST", path, []string{"Content-Type: application/json", "Transfer-Encoding: chunked"}, chunks)
}

// rawResponse is a response read from a raw connection.
type rawResponse struct {
	status  int
	header  http.Header
	body    []byte
	closed  bool          // the response carried Connection: close
	elapsed time.Duration // from the end of the write to the status line
}

// sendRaw writes tt.raw to a new connection to serverURL and reads one
// response, within promptResponse for a stalling client and 10s otherwise.
func sendRaw(t *testing.T, serverURL string, tt badInputCase) rawResponse {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(serverURL, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))

	_, err = io.WriteString(conn, tt.raw)
	if err != nil {
		// The server may close the connection while an oversized request
		// is still being written, and its response is still readable.
		t.Logf("write stopped early: %v", err)
	}
	if tt.halfClose {
		require.NoError(t, conn.(*net.TCPConn).CloseWrite())
	}
	start := time.Now()
	if tt.stall {
		require.NoError(t, conn.SetReadDeadline(start.Add(promptResponse)))
	}

	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "no response (stall=%v)", tt.stall)
	defer resp.Body.Close()
	elapsed := time.Since(start)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if tt.stall {
		assert.Less(t, elapsed, promptResponse, "the server waited for the body it will not use")
	}
	return rawResponse{status: resp.StatusCode, header: resp.Header, body: body, closed: resp.Close, elapsed: elapsed}
}
