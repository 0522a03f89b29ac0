package fakes_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/contract/fakes"
)

func TestFaultNamesAreDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, fault := range fakes.Faults() {
		name := fault.String()
		assert.NotEqual(t, "Fault(invalid)", name)
		assert.False(t, seen[name], "%s appears twice", name)
		seen[name] = true
	}
	assert.Equal(t, "None", fakes.None.String())
	assert.Equal(t, "Fault(invalid)", fakes.Fault(-1).String())
}

// post sends a JSON body with the first demo key and returns the status.
func post(t *testing.T, url, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer demo-api-key")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func TestFakesKeepSeparateState(t *testing.T) {
	first := httptest.NewServer(fakes.New(fakes.Options{}))
	t.Cleanup(first.Close)
	second := httptest.NewServer(fakes.New(fakes.Options{}))
	t.Cleanup(second.Close)

	require.Equal(t, http.StatusOK, post(t, first.URL+"/user/reset-password", `{"data":{"oldPass":"123456","newPass":"changed"}}`))

	assert.Equal(t, http.StatusBadRequest, post(t, first.URL+"/user/reset-password", `{"data":{"oldPass":"123456","newPass":"x"}}`))
	assert.Equal(t, http.StatusOK, post(t, second.URL+"/user/reset-password", `{"data":{"oldPass":"123456","newPass":"123456"}}`))
}

func TestConformingFakeEdgeCaseStatuses(t *testing.T) {
	server := httptest.NewServer(fakes.New(fakes.Options{}))
	t.Cleanup(server.Close)

	cases := []struct {
		name, method, path, body string
		want                     int
	}{
		{"unknown path", http.MethodGet, "/user/profiles", "", http.StatusNotFound},
		{"wrong method", http.MethodGet, "/user/reset-password", "", http.StatusMethodNotAllowed},
		{"unknown agent", http.MethodPost, "/user/update-detail?agent_id=99", `{"data":{"phone_number":"+1 234 5678910"}}`, http.StatusNotFound},
		{"known agent", http.MethodPost, "/user/update-detail?agent_id=1", `{"data":{"phone_number":"+1 234 5678910"}}`, http.StatusOK},
		{"extra wrapper member", http.MethodPost, "/user/update-detail", `{"data":{"phone_number":"+1 234 5678910"},"x":1}`, http.StatusBadRequest},
		{"port out of range", http.MethodPost, "/user/update-smtp-setting",
			`{"data":{"userId":"12","smtp_host":"h","smtp_port":"70000","smtp_username":"u","smtp_password":"p","from_name":"n","from_email":"a@b.co"}}`,
			http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, server.URL+c.path, strings.NewReader(c.body))
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer demo-api-key")
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()

			assert.Equal(t, c.want, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		})
	}
}

// notifyingBody is a request body that closes started at its first Read.
type notifyingBody struct {
	io.ReadCloser
	once    *sync.Once
	started chan struct{}
}

func (r notifyingBody) Read(p []byte) (int, error) {
	r.once.Do(func() { close(r.started) })
	return r.ReadCloser.Read(p)
}

func TestStalledBodyBlocksNoOtherRequest(t *testing.T) {
	fake := fakes.New(fakes.Options{})
	started := make(chan struct{})
	var once sync.Once
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			r.Body = notifyingBody{ReadCloser: r.Body, once: &once, started: started}
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(server.Close)
	conn, err := net.Dial("tcp", server.Listener.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })

	// Announce 100 bytes of body and send 8, then stall.
	_, err = io.WriteString(conn, "POST /user/reset-password HTTP/1.1\r\nHost: fake\r\n"+
		"Authorization: Bearer demo-api-key\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"data\":")
	require.NoError(t, err)

	// Wait until the fake reads the body, so the request below meets a
	// handler that is stalled inside the read.
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the fake did not start reading the stalled body within 10s")
	}

	client := &http.Client{Timeout: 3 * time.Second}
	req, err := http.NewRequest(http.MethodGet, server.URL+"/user/profile", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer demo-api-key")
	resp, err := client.Do(req)
	require.NoError(t, err, "a stalled client blocked another request")
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestBodyReadErrorStatus(t *testing.T) {
	server := httptest.NewServer(fakes.New(fakes.Options{}))
	t.Cleanup(server.Close)
	head := "POST /user/reset-password HTTP/1.1\r\nHost: fake\r\nAuthorization: Bearer demo-api-key\r\n" +
		"Content-Type: application/json\r\nConnection: close\r\n"
	oversized := `{"data":{"oldPass":"` + strings.Repeat("x", 1<<20) + `","newPass":"y"}}`

	cases := []struct {
		name    string
		request string
		want    int
	}{
		{"body over the limit", head + fmt.Sprintf("Content-Length: %d\r\n\r\n", len(oversized)) + oversized,
			http.StatusRequestEntityTooLarge},
		{"body cut short", head + "Content-Length: 100\r\n\r\n{\"data\":", http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", server.Listener.Addr().String())
			require.NoError(t, err)
			t.Cleanup(func() { conn.Close() })
			require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))

			_, err = io.WriteString(conn, c.request)
			require.NoError(t, err)
			require.NoError(t, conn.(*net.TCPConn).CloseWrite())
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			require.NoError(t, err)
			resp.Body.Close()

			assert.Equal(t, c.want, resp.StatusCode)
		})
	}
}
