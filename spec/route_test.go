package spec_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock"
	"github.com/callfluent/usermock/spec"
)

// withPaths returns the embedded contract plus a GET or POST operation on
// each of paths, with a string path parameter for every placeholder.
func withPaths(t testing.TB, paths map[string]string) *spec.Spec {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(usermock.SpecYAML)
	require.NoError(t, err)

	n := 0
	for path, method := range paths {
		op := &openapi3.Operation{
			OperationID: fmt.Sprintf("extra%d", n),
			Responses:   openapi3.NewResponses(openapi3.WithStatus(200, &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("ok")})),
		}
		for _, name := range placeholders(path) {
			op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: openapi3.NewPathParameter(name).WithSchema(openapi3.NewStringSchema())})
		}
		item := doc.Paths.Value(path)
		if item == nil {
			item = &openapi3.PathItem{}
			doc.Paths.Set(path, item)
		}
		item.SetOperation(method, op)
		n++
	}

	data, err := doc.MarshalJSON()
	require.NoError(t, err)
	sp, err := spec.Load(data)
	require.NoError(t, err)
	return sp
}

// placeholders returns the names between braces in path, in order.
func placeholders(path string) []string {
	var names []string
	for _, part := range strings.Split(path, "{")[1:] {
		name, _, _ := strings.Cut(part, "}")
		names = append(names, name)
	}
	return names
}

func TestFindRouteAgreesOnTemplatedPaths(t *testing.T) {
	specs := map[string]*spec.Spec{
		"literal first segments": withPaths(t, map[string]string{
			"/agents/{id}":                 http.MethodGet,
			"/agents/{id}/calls":           http.MethodPost,
			"/agents/{id}/calls/{callId}":  http.MethodGet,
			"/agents/special":              http.MethodGet,
			"/user/{field}":                http.MethodGet,
			"/orders/{orderId}":            http.MethodGet,
			"/orders/{orderId}.{format}":   http.MethodGet,
			"/reports/{year}-{month}/list": http.MethodGet,
		}),
		"templated first segment": withPaths(t, map[string]string{
			"/agents/{id}":   http.MethodGet,
			"/{tenant}/list": http.MethodGet,
		}),
	}
	requests := []struct{ method, target string }{
		{http.MethodGet, "/agents/7"},
		{http.MethodPost, "/agents/7"},
		{http.MethodPost, "/agents/7/calls"},
		{http.MethodGet, "/agents/7/calls"},
		{http.MethodGet, "/agents/7/calls/99"},
		{http.MethodGet, "/agents/special"},
		{http.MethodGet, "/agents/"},
		{http.MethodGet, "/agents/7/"},
		{http.MethodGet, "/agents/a%2Fb"},
		{http.MethodGet, "/agents/7/unknown"},
		{http.MethodGet, "/user/profile"},
		{http.MethodGet, "/user/name"},
		{http.MethodPost, "/user/name"},
		{http.MethodGet, "/orders/5"},
		{http.MethodGet, "/orders/5.json"},
		{http.MethodGet, "/reports/2026-12/list"},
		{http.MethodGet, "/acme/list"},
		{http.MethodGet, "/agents/list"},
		{http.MethodGet, "/ag%65nts/7"},
		{http.MethodGet, "/nothing/here"},
		{http.MethodGet, "/"},
	}

	for name, sp := range specs {
		for _, tc := range requests {
			t.Run(name+"/"+tc.method+" "+tc.target, func(t *testing.T) {
				assertRouteAgrees(t, sp, httptest.NewRequest(tc.method, tc.target, nil))
			})
		}
	}
}

// assertRouteAgrees checks that sp.FindRoute returns what the full router,
// sp.Router, returns for req: the same error, or the same route and path
// parameters.
func assertRouteAgrees(t *testing.T, sp *spec.Spec, req *http.Request) {
	t.Helper()
	fast, fastParams, fastErr := sp.FindRoute(req)
	slow, slowParams, slowErr := sp.Router.FindRoute(req)

	assert.Equal(t, slowErr, fastErr)
	if slow == nil {
		assert.Nil(t, fast)
		return
	}
	require.NotNil(t, fast)
	assert.Equal(t, slow.Path, fast.Path)
	assert.Equal(t, slow.Method, fast.Method)
	assert.Same(t, slow.Operation, fast.Operation)
	assert.Same(t, slow.Spec, fast.Spec)
	assert.Equal(t, slowParams, fastParams)
}

func TestFindRouteIgnoresPathServers(t *testing.T) {
	source := string(usermock.SpecYAML)
	const profile = "  /user/profile:\n"
	require.Contains(t, source, profile)
	edited := strings.Replace(source, profile, profile+"    servers:\n      - url: /v2\n", 1)
	sp, err := spec.Load([]byte(edited))
	require.NoError(t, err)

	req := httptest.NewRequest(http.MethodGet, "/user/profile", nil)
	assertRouteAgrees(t, sp, req)
	route, _, err := sp.FindRoute(req)
	require.NoError(t, err, "the mock serves on any address, so a path's servers do not move it")
	assert.Equal(t, "/user/profile", route.Path)
}
