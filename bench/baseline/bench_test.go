package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/store"
)

// BenchmarkHandler measures the baseline's two operations in process, for
// comparison with the mock server's BenchmarkServeHTTP in package mockserver.
func BenchmarkHandler(b *testing.B) {
	cases := []struct {
		name   string
		method string
		path   string
		body   string
	}{
		{"getUserProfile", http.MethodGet, "/user/profile", ""},
		{"updateUserSetting", http.MethodPost, "/user/update-setting",
			`{"data":{"userId":"12","website_name":"Call Agent AI","primary_color":"#0019FF"}}`},
	}

	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			fixtures, err := store.Default()
			require.NoError(b, err)
			h := newHandler(fixtures)

			b.ReportAllocs()
			for b.Loop() {
				request := httptest.NewRequest(tc.method, "http://127.0.0.1:4011"+tc.path, strings.NewReader(tc.body))
				request.Header.Set("Authorization", "Bearer demo-api-key")
				request.Header.Set("Content-Type", "application/json")
				recorder := httptest.NewRecorder()
				h.ServeHTTP(recorder, request)
				if recorder.Code != http.StatusOK {
					b.Fatalf("%s returned %d: %s", tc.name, recorder.Code, recorder.Body.String())
				}
			}
		})
	}
}
