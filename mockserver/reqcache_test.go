package mockserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// keyInput returns a validation input for a POST to target with the given
// Content-Type, path parameters and operation parameters.
func keyInput(target, contentType string, pathParams map[string]string, params openapi3.Parameters) *openapi3filter.RequestValidationInput {
	r := httptest.NewRequest(http.MethodPost, target, nil)
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	route := &routers.Route{PathItem: &openapi3.PathItem{}, Operation: &openapi3.Operation{Parameters: params}}
	return &openapi3filter.RequestValidationInput{Request: r, PathParams: pathParams, Route: route}
}

func TestRequestKeyDistinguishesInputs(t *testing.T) {
	body := []byte(`{"data":{"userId":"12"}}`)
	query := openapi3.Parameters{{Value: openapi3.NewQueryParameter("a")}}
	id := map[string]string{"id": "7"}
	base, ok := requestKey(keyInput("/x?a=1", "application/json", id, query), body)
	require.True(t, ok)

	tests := []struct {
		name  string
		input *openapi3filter.RequestValidationInput
		body  []byte
		same  bool
	}{
		{"identical request", keyInput("/x?a=1", "application/json", id, query), body, true},
		{"other body", keyInput("/x?a=1", "application/json", id, query), []byte(`{"data":{"userId":"13"}}`), false},
		{"other content type", keyInput("/x?a=1", "application/json; charset=utf-8", id, query), body, false},
		{"no content type", keyInput("/x?a=1", "", id, query), body, false},
		{"other query", keyInput("/x?a=2", "application/json", id, query), body, false},
		{"other path parameter", keyInput("/x?a=1", "application/json", map[string]string{"id": "8"}, query), body, false},
		{"field moved between parts", keyInput("/x?a=1", "application/json", map[string]string{"i": "d7"}, query), body, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, ok := requestKey(tt.input, tt.body)
			require.True(t, ok)
			assert.Equal(t, tt.same, string(key) == string(base))
		})
	}
}

func TestRequestKeyIgnoresUndeclaredQuery(t *testing.T) {
	plain, ok := requestKey(keyInput("/x", "application/json", nil, nil), nil)
	require.True(t, ok)
	busted, ok := requestKey(keyInput("/x?_=1733318400", "application/json", nil, nil), nil)
	require.True(t, ok)
	assert.Equal(t, plain, busted, "a query the operation does not declare is not part of the key")

	long := "/x?pad=" + strings.Repeat("q", maxValidatedRequestSize)
	_, ok = requestKey(keyInput(long, "application/json", nil, nil), nil)
	assert.True(t, ok, "an undeclared long query does not count against the bound")
	query := openapi3.Parameters{{Value: openapi3.NewQueryParameter("pad")}}
	_, ok = requestKey(keyInput(long, "application/json", nil, query), nil)
	assert.False(t, ok, "a declared query over the bound is not cached")
}

func TestRequestKeyNotCacheable(t *testing.T) {
	header := openapi3.Parameters{{Value: &openapi3.Parameter{In: openapi3.ParameterInHeader, Name: "X-Trace"}}}
	cookie := openapi3.Parameters{{Value: &openapi3.Parameter{In: openapi3.ParameterInCookie, Name: "session"}}}

	_, ok := requestKey(keyInput("/x", "application/json", nil, header), nil)
	assert.False(t, ok, "an operation with a header parameter")
	_, ok = requestKey(keyInput("/x", "application/json", nil, cookie), nil)
	assert.False(t, ok, "an operation with a cookie parameter")
	_, ok = requestKey(keyInput("/x", "application/json", nil, nil), make([]byte, maxValidatedRequestSize+1))
	assert.False(t, ok, "a body over the bound")
}

func TestValidatedRequestsReturnCopies(t *testing.T) {
	cache := newValidatedRequests()
	cache.add([]byte("key"), map[string]any{"data": map[string]any{"tags": []any{"a"}}})

	first, ok := cache.lookup([]byte("key"))
	require.True(t, ok)
	first.(map[string]any)["data"].(map[string]any)["tags"].([]any)[0] = "changed"
	delete(first.(map[string]any), "data")

	second, ok := cache.lookup([]byte("key"))
	require.True(t, ok)
	assert.Equal(t, map[string]any{"data": map[string]any{"tags": []any{"a"}}}, second)
}

func TestValidatedRequestsBounded(t *testing.T) {
	cache := newValidatedRequests()
	for i := range maxValidatedRequests + 10 {
		cache.add([]byte{byte(i), byte(i >> 8)}, nil)
	}

	assert.Len(t, cache.entries, maxValidatedRequests)
	_, ok := cache.lookup([]byte{0, 0})
	assert.True(t, ok, "the first request stays")
}

// TestRepeatedRequestRunsBehaviour proves that a request served from the
// cache still reaches its behaviour with its body: the repeat of the first
// body sets the branding back.
func TestRepeatedRequestRunsBehaviour(t *testing.T) {
	ts := newTestServer(t)
	first := `{"data":{"userId":"12","website_name":"First"}}`
	second := `{"data":{"userId":"12","website_name":"Second"}}`

	for _, body := range []string{first, second, first} {
		got := ts.post(t, "/user/update-setting", demoKey, body)
		require.Equal(t, http.StatusOK, got.status, "body %s", got.raw)
	}

	assert.Equal(t, "First", ts.get(t, "/user/profile", demoKey).json["setting"].(map[string]any)["website_name"])
}

func TestRepeatedRequestKeepsChecks(t *testing.T) {
	ts := newTestServer(t)
	body := `{"data":{"userId":"12","website_name":"Cached"}}`
	require.Equal(t, http.StatusOK, ts.post(t, "/user/update-setting", demoKey, body).status)

	otherAccount := ts.post(t, "/user/update-setting", "demo-api-key-2", body)
	assert.Equal(t, http.StatusForbidden, otherAccount.status, "userId of another account, body %s", otherAccount.raw)

	noAuth := ts.do(t, request{path: "/user/update-setting", body: body})
	assert.Equal(t, http.StatusUnauthorized, noAuth.status)

	wrongType := ts.do(t, request{path: "/user/update-setting", key: demoKey, body: body,
		header: map[string]string{"Content-Type": "text/plain"}})
	assert.Equal(t, http.StatusUnsupportedMediaType, wrongType.status)

	invalid := ts.post(t, "/user/update-setting", demoKey, `{"data":{"userId":"12","primary_color":"red"}}`)
	assert.Equal(t, http.StatusBadRequest, invalid.status)
}

// TestRepeatedRequestBehaviourChangesCopy proves that a behaviour that
// changes its data object cannot change what a later identical request gets.
func TestRepeatedRequestBehaviourChangesCopy(t *testing.T) {
	ts := newTestServer(t)
	var seen []string
	ts.behaviours["updateUserSetting"] = func(c *call) (response, error) {
		seen = append(seen, stringValue(c.data["website_name"]))
		c.data["website_name"] = "changed by the behaviour"
		return jsonResponse(http.StatusOK, map[string]any{"status": true})
	}

	body := `{"data":{"userId":"12","website_name":"Original"}}`
	for range 3 {
		require.Equal(t, http.StatusOK, ts.post(t, "/user/update-setting", demoKey, body).status)
	}

	assert.Equal(t, []string{"Original", "Original", "Original"}, seen)
}
