package mockserver_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/mockserver"
	"github.com/callfluent/usermock/spec"
	"github.com/callfluent/usermock/store"
)

// benchAPIKey is the key of the demo account (userId "12") that every
// request example of the contract is written for.
const benchAPIKey = "demo-api-key"

// BenchmarkServeHTTP measures the full request path of each operation
// through ServeHTTP: routing, request validation, the store, the response
// and its validation in strict mode. Each request is the operation's first
// request example from openapi.yaml, so a change of the contract's examples
// changes what is measured.
func BenchmarkServeHTTP(b *testing.B) {
	sp, err := spec.Default()
	require.NoError(b, err)

	for _, op := range sp.Operations() {
		b.Run(op.ID, func(b *testing.B) {
			server := newBenchServer(b, sp)
			bodies := requestBodies(b, op)

			// Check once outside the timed loop that the request succeeds,
			// so the benchmark never measures an early rejection.
			recorder := serve(server, op, bodies[0])
			require.Equal(b, http.StatusOK, recorder.Code, recorder.Body.String())

			b.ReportAllocs()
			i := 1
			for b.Loop() {
				recorder := serve(server, op, bodies[i%len(bodies)])
				if recorder.Code != http.StatusOK {
					b.Fatalf("%s returned %d: %s", op.ID, recorder.Code, recorder.Body.String())
				}
				i++
			}
		})
	}
}

// BenchmarkServeHTTPDistinctBodies measures updateUserSetting when no two
// requests are alike, as with a client that sends a new website_name each
// time. The server then validates every request in full, because its cache
// of validated requests only skips exact repeats. The response,
// {"status":true}, is the same each time and is still validated only once.
func BenchmarkServeHTTPDistinctBodies(b *testing.B) {
	sp, err := spec.Default()
	require.NoError(b, err)
	op, ok := sp.Operation("updateUserSetting")
	require.True(b, ok, "the contract has no updateUserSetting")
	server := newBenchServer(b, sp)

	b.ReportAllocs()
	i := 0
	for b.Loop() {
		body := fmt.Appendf(nil, `{"data":{"userId":"12","website_name":"Site %d","primary_color":"#0019FF"}}`, i)
		recorder := serve(server, op, body)
		if recorder.Code != http.StatusOK {
			b.Fatalf("request %d returned %d: %s", i, recorder.Code, recorder.Body.String())
		}
		i++
	}
}

// BenchmarkNew measures building a server from a loaded contract and the
// default fixtures, which the command does once before its first response.
func BenchmarkNew(b *testing.B) {
	sp, err := spec.Default()
	require.NoError(b, err)
	fixtures, err := store.Default()
	require.NoError(b, err)

	b.ReportAllocs()
	for b.Loop() {
		if _, err := mockserver.New(mockserver.Config{Spec: sp, Fixtures: fixtures, Strict: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// newBenchServer returns a server with the command's default settings
// (admin API on) except Strict, which is on as in the tests.
func newBenchServer(b *testing.B, sp *spec.Spec) *mockserver.Server {
	fixtures, err := store.Default()
	require.NoError(b, err)
	server, err := mockserver.New(mockserver.Config{Spec: sp, Fixtures: fixtures, Admin: true, Strict: true})
	require.NoError(b, err)
	return server
}

func serve(server *mockserver.Server, op spec.Operation, body []byte) *httptest.ResponseRecorder {
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	request := httptest.NewRequest(op.Method, "http://127.0.0.1:4010"+op.Path, reader)
	request.Header.Set("Authorization", "Bearer "+benchAPIKey)
	if body != nil {
		request.Header.Set("Content-Type", "application/json")
	}

	recorder := httptest.NewRecorder()
	server.ServeHTTP(recorder, request)
	return recorder
}

// requestBodies returns the JSON bodies to send to op in turn: none for an
// operation without a request body, else its first request example by name.
// Every request must succeed, and a password reset succeeds only with the
// current password, so resetUserPassword alternates between the example and
// the example with oldPass and newPass swapped.
func requestBodies(b *testing.B, op spec.Operation) [][]byte {
	if op.Operation.RequestBody == nil {
		return [][]byte{nil}
	}
	example := firstRequestExample(b, op)
	if op.ID != "resetUserPassword" {
		return [][]byte{marshal(b, example)}
	}

	data, ok := example.(map[string]any)["data"].(map[string]any)
	require.True(b, ok, "the resetUserPassword example has no data object")
	swapped := map[string]any{"data": map[string]any{"oldPass": data["newPass"], "newPass": data["oldPass"]}}
	return [][]byte{marshal(b, example), marshal(b, swapped)}
}

func firstRequestExample(b *testing.B, op spec.Operation) any {
	media := op.Operation.RequestBody.Value.Content.Get("application/json")
	require.NotNil(b, media, "%s has no application/json request body", op.ID)

	var example *openapi3.ExampleRef
	if names := slices.Sorted(maps.Keys(media.Examples)); len(names) > 0 {
		example = media.Examples[names[0]]
	}
	require.NotNil(b, example, "%s has no request example", op.ID)
	return example.Value.Value
}

func marshal(b *testing.B, value any) []byte {
	data, err := json.Marshal(value)
	require.NoError(b, err)
	return data
}
