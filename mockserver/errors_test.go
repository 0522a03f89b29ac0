package mockserver

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	validSetting = `{"data":{"userId":"12","website_name":"Call Agent AI"}}`
	validDetail  = `{"data":{"phone_number":"+1 234 5678910"}}`
)

func TestErrorStatuses(t *testing.T) {
	tests := []struct {
		name       string
		req        request
		wantStatus int
		wantError  string // substring of the error member
		wantField  string // field of the first violation, if any
		wantHeader map[string]string
	}{
		{
			name:       "missing field",
			req:        request{path: "/user/reset-password", key: demoKey, body: `{"data":{"oldPass":"123456"}}`},
			wantStatus: http.StatusBadRequest,
			wantError:  `request body: data.newPass: property "newPass" is missing`,
			wantField:  "data.newPass",
		},
		{
			name:       "wrong type",
			req:        request{path: "/user/update-setting", key: demoKey, body: `{"data":{"userId":12}}`},
			wantStatus: http.StatusBadRequest,
			wantError:  `request body: data.userId: value must be a string (got 12)`,
			wantField:  "data.userId",
		},
		{
			name:       "unknown field",
			req:        request{path: "/user/update-setting", key: demoKey, body: `{"data":{"userId":"12","colour":"red"}}`},
			wantStatus: http.StatusBadRequest,
			wantError:  `request body: data.colour: property "colour" is unsupported`,
			wantField:  "data.colour",
		},
		{
			name:       "pattern quotes value",
			req:        request{path: "/user/update-setting", key: demoKey, body: `{"data":{"userId":"12","primary_color":"blue"}}`},
			wantStatus: http.StatusBadRequest,
			wantError:  `(got "blue")`,
			wantField:  "data.primary_color",
		},
		{
			name:       "malformed JSON",
			req:        request{path: "/user/update-setting", key: demoKey, body: `{"data":`},
			wantStatus: http.StatusBadRequest,
			wantError:  "request body: data: invalid JSON at byte offset 8: unexpected end of data",
		},
		{
			name:       "duplicate key",
			req:        request{path: "/user/update-setting", key: demoKey, body: `{"data":{"userId":"13","userId":"12"}}`},
			wantStatus: http.StatusBadRequest,
			wantError:  "request body: data.userId: duplicate key",
			wantField:  "data.userId",
		},
		{
			name:       "duplicate escaped key",
			req:        request{path: "/user/update-setting", key: demoKey, body: `{"data":{"userId":"12","user\u0049d":"13"}}`},
			wantStatus: http.StatusBadRequest,
			wantError:  "duplicate key",
		},
		{
			name:       "trailing data",
			req:        request{path: "/user/update-setting", key: demoKey, body: validSetting + ` {}`},
			wantStatus: http.StatusBadRequest,
			wantError:  "unexpected data after the JSON value",
		},
		{
			name:       "byte order mark",
			req:        request{path: "/user/update-setting", key: demoKey, body: "\xEF\xBB\xBF" + validSetting},
			wantStatus: http.StatusBadRequest,
			wantError:  "byte order mark",
		},
		{
			name:       "invalid UTF-8",
			req:        request{path: "/user/update-setting", key: demoKey, body: `{"data":{"userId":"12","website_name":"` + "\xff" + `"}}`},
			wantStatus: http.StatusBadRequest,
			wantError:  "is not valid UTF-8",
		},
		{
			name:       "nesting too deep",
			req:        request{path: "/user/update-detail", key: demoKey, body: `{"data":{"phone_number":"+1 234 5678910","x":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}}`},
			wantStatus: http.StatusBadRequest,
			wantError:  "deeper than 32 levels",
		},
		{
			name:       "empty body",
			req:        request{path: "/user/update-setting", key: demoKey, header: map[string]string{"Content-Type": "application/json"}},
			wantStatus: http.StatusBadRequest,
			wantError:  "request body: is required",
		},
		{
			name:       "query parameter invalid",
			req:        request{path: "/user/update-detail?agent_id=0", key: demoKey, body: validDetail},
			wantStatus: http.StatusBadRequest,
			wantError:  `query parameter "agent_id": number must be at least 1 (got 0)`,
			wantField:  "agent_id",
		},
		{
			name:       "query parameter repeated",
			req:        request{path: "/user/update-detail?agent_id=1&agent_id=2", key: demoKey, body: validDetail},
			wantStatus: http.StatusBadRequest,
			wantError:  `query parameter "agent_id": is sent 2 times`,
		},
		{
			name:       "missing key",
			req:        request{method: http.MethodGet, path: "/user/profile"},
			wantStatus: http.StatusUnauthorized,
			wantError:  "missing API key",
			wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="callfluent"`},
		},
		{
			name:       "wrong scheme",
			req:        request{method: http.MethodGet, path: "/user/profile", header: map[string]string{"Authorization": "Basic ZGVtbzprZXk="}},
			wantStatus: http.StatusUnauthorized,
			wantError:  "malformed Authorization header",
			wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="callfluent"`},
		},
		{
			name:       "two tokens",
			req:        request{method: http.MethodGet, path: "/user/profile", header: map[string]string{"Authorization": "Bearer demo-api-key extra"}},
			wantStatus: http.StatusUnauthorized,
			wantError:  "malformed Authorization header",
			wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="callfluent"`},
		},
		{
			name:       "empty token",
			req:        request{method: http.MethodGet, path: "/user/profile", header: map[string]string{"Authorization": "Bearer "}},
			wantStatus: http.StatusUnauthorized,
			wantError:  "malformed Authorization header",
		},
		{
			name:       "unknown key",
			req:        request{method: http.MethodGet, path: "/user/profile", key: "not-a-key"},
			wantStatus: http.StatusUnauthorized,
			wantError:  "invalid API key",
			wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="callfluent", error="invalid_token"`},
		},
		{
			name:       "auth before body",
			req:        request{path: "/user/update-setting", body: `{"data":`},
			wantStatus: http.StatusUnauthorized,
			wantError:  "missing API key",
		},
		{
			name:       "other account",
			req:        request{path: "/user/update-setting", key: demoKey, body: `{"data":{"userId":"13"}}`},
			wantStatus: http.StatusForbidden,
			wantError:  `data.userId "13" does not belong to the API key's account`,
		},
		{
			name:       "unknown account",
			req:        request{path: "/user/update-smtp-setting", key: demoKey, body: smtpBody("999")},
			wantStatus: http.StatusForbidden,
			wantError:  `data.userId "999" does not belong`,
		},
		{
			name:       "agent of other account",
			req:        request{path: "/user/update-detail?agent_id=3", key: demoKey, body: validDetail},
			wantStatus: http.StatusNotFound,
			wantError:  "agent 3 is not an agent of the caller's account",
		},
		{
			name:       "unknown path",
			req:        request{method: http.MethodGet, path: "/user/profiles", key: demoKey},
			wantStatus: http.StatusNotFound,
			wantError:  `path "/user/profiles" not found`,
		},
		{
			name:       "wrong method",
			req:        request{method: http.MethodGet, path: "/user/reset-password", key: demoKey},
			wantStatus: http.StatusMethodNotAllowed,
			wantError:  `method "GET" not allowed on "/user/reset-password"; allowed methods are POST`,
			wantHeader: map[string]string{"Allow": "POST"},
		},
		{
			name:       "form body",
			req:        request{path: "/user/update-setting", key: demoKey, body: "a=b", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}},
			wantStatus: http.StatusUnsupportedMediaType,
			wantError:  `content type "application/x-www-form-urlencoded" is not supported; send application/json`,
		},
		{
			name:       "missing content type",
			req:        request{path: "/user/update-setting", key: demoKey, body: validSetting, header: map[string]string{"Content-Type": ""}},
			wantStatus: http.StatusUnsupportedMediaType,
			wantError:  "missing Content-Type header",
		},
		{
			name:       "latin-1 charset",
			req:        request{path: "/user/update-setting", key: demoKey, body: validSetting, header: map[string]string{"Content-Type": "application/json; charset=iso-8859-1"}},
			wantStatus: http.StatusUnsupportedMediaType,
			wantError:  `charset "iso-8859-1" is not supported`,
		},
		{
			name:       "forced server error",
			req:        request{method: http.MethodGet, path: "/user/profile", key: demoKey, header: map[string]string{"Prefer": "code=500"}},
			wantStatus: http.StatusInternalServerError,
			wantError:  "Server error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)

			got := ts.do(t, tt.req)

			assert.Equal(t, tt.wantStatus, got.status, "body %s", got.raw)
			assert.Equal(t, false, got.json["status"])
			assert.Contains(t, got.json["error"], tt.wantError)
			if tt.wantField != "" {
				assert.Equal(t, tt.wantField, firstOrEmpty(violationFields(got.json)))
			}
			for name, value := range tt.wantHeader {
				assert.Equal(t, value, got.header.Get(name), "header %s", name)
			}
		})
	}
}

func firstOrEmpty(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

func smtpBody(userID string) string {
	return `{"data":{"userId":"` + userID + `","smtp_host":"gm.co","smtp_port":"465","smtp_username":"mailer@gm.co",` +
		`"smtp_password":"smtp-secret","from_name":"CallFluent Support","from_email":"support@example.com"}}`
}

func TestMediaTypeIgnoresCase(t *testing.T) {
	ts := newTestServer(t)

	got := ts.do(t, request{path: "/user/update-setting", key: demoKey, body: validSetting,
		header: map[string]string{"Content-Type": "Application/JSON; Charset=UTF-8"}})

	assert.Equal(t, http.StatusOK, got.status, "body %s", got.raw)
}

func TestBearerSchemeIgnoresCase(t *testing.T) {
	ts := newTestServer(t)

	got := ts.do(t, request{method: http.MethodGet, path: "/user/profile", header: map[string]string{"Authorization": "bEaReR " + demoKey}})

	assert.Equal(t, http.StatusOK, got.status, "body %s", got.raw)
}

func TestBearerAllowsSeveralSpaces(t *testing.T) {
	ts := newTestServer(t)

	got := ts.do(t, request{method: http.MethodGet, path: "/user/profile", header: map[string]string{"Authorization": "Bearer   " + demoKey}})

	assert.Equal(t, http.StatusOK, got.status, "body %s", got.raw)
}

func TestBearerTabNamedInError(t *testing.T) {
	ts := newTestServer(t)

	got := ts.do(t, request{method: http.MethodGet, path: "/user/profile", header: map[string]string{"Authorization": "Bearer\t" + demoKey}})

	assert.Equal(t, http.StatusUnauthorized, got.status)
	assert.Contains(t, got.json["error"], "not a tab")
	assert.NotContains(t, string(got.raw), demoKey)
}

func TestBodyOverLimitRejected(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.BodyLimit = 64 })
	big := `{"data":{"userId":"12","website_name":"` + strings.Repeat("x", 100) + `"}}`

	t.Run("declared length", func(t *testing.T) {
		got := ts.post(t, "/user/update-setting", demoKey, big)

		assert.Equal(t, http.StatusRequestEntityTooLarge, got.status)
		assert.Equal(t, "request body exceeds the limit of 64 bytes", got.json["error"])
	})

	t.Run("chunked body", func(t *testing.T) {
		status := rawRequest(t, ts.url, "POST /user/update-setting HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+demoKey+
			"\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"+
			chunk(big)+"0\r\n\r\n")

		assert.Equal(t, http.StatusRequestEntityTooLarge, status)
	})

	t.Run("within limit", func(t *testing.T) {
		got := ts.post(t, "/user/update-setting", demoKey, validSetting)

		assert.Equal(t, http.StatusOK, got.status, "body %s", got.raw)
	})
}

func chunk(s string) string {
	return strconv.FormatInt(int64(len(s)), 16) + "\r\n" + s + "\r\n"
}

// rawRequest writes raw to the server and returns the response status.
func rawRequest(t *testing.T, serverURL, raw string) int {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(serverURL, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte(raw))
	require.NoError(t, err)

	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	return resp.StatusCode
}
