package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/store"
)

func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	fixtures, err := store.Default()
	require.NoError(t, err)
	server := httptest.NewServer(newHandler(fixtures))
	t.Cleanup(server.Close)
	return server
}

func send(t *testing.T, method, url, apiKey, body string) (int, string) {
	t.Helper()
	request, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	if apiKey != "" {
		request.Header.Set("Authorization", "Bearer "+apiKey)
	}
	request.Header.Set("Content-Type", "application/json")

	response, err := http.DefaultClient.Do(request)
	require.NoError(t, err)
	defer response.Body.Close()
	data, err := io.ReadAll(response.Body)
	require.NoError(t, err)
	return response.StatusCode, string(data)
}

func TestBaselineAnswers(t *testing.T) {
	server := newTestServer(t)
	profile := server.URL + "/user/profile"
	setting := server.URL + "/user/update-setting"

	cases := []struct {
		name       string
		method     string
		url        string
		apiKey     string
		body       string
		wantStatus int
		wantBody   string
	}{
		{"profile of demo account", http.MethodGet, profile, "demo-api-key", "", http.StatusOK,
			`{"user":{"name":"test","email":"test@example.com"},"setting":{"website_description":"save time","website_name":"callfluent"}}`},
		{"profile without key", http.MethodGet, profile, "", "", http.StatusUnauthorized,
			`{"status":false,"error":"missing or unknown API key"}`},
		{"setting of own account", http.MethodPost, setting, "demo-api-key",
			`{"data":{"userId":"12","primary_color":"#0019FF"}}`, http.StatusOK, `{"status":true}`},
		{"profile after setting", http.MethodGet, profile, "demo-api-key", "", http.StatusOK,
			`{"user":{"name":"test","email":"test@example.com"},"setting":{"primary_color":"#0019FF","website_description":"save time","website_name":"callfluent"}}`},
		{"setting of other account", http.MethodPost, setting, "demo-api-key",
			`{"data":{"userId":"13"}}`, http.StatusForbidden,
			`{"status":false,"error":"data.userId does not belong to the API key's account"}`},
		{"setting with invalid JSON", http.MethodPost, setting, "demo-api-key", `{"data":`, http.StatusBadRequest,
			`{"status":false,"error":"invalid JSON: unexpected EOF"}`},
		{"profile with POST", http.MethodPost, profile, "demo-api-key", "", http.StatusMethodNotAllowed, ""},
	}

	// The cases run in order because "profile after setting" reads what
	// "setting of own account" stored.
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := send(t, tc.method, tc.url, tc.apiKey, tc.body)
			assert.Equal(t, tc.wantStatus, status)
			if tc.wantBody != "" {
				assert.JSONEq(t, tc.wantBody, body)
			}
		})
	}
}
