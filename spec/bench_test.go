package spec_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock"
	"github.com/callfluent/usermock/spec"
)

// benchAPIKey is the demo account's key from fixtures/accounts.yaml.
const benchAPIKey = "demo-api-key"

// syntheticOperations is the number of operations added to the embedded
// contract's 5, giving the 1,000-operation spec.
const syntheticOperations = 995

// settingBody is a valid updateUserSetting request body for the demo account.
var settingBody = []byte(`{"data":{"userId":"12","website_name":"Call Agent AI","primary_color":"#0019FF"}}`)

// BenchmarkRouteAndValidate measures FindRoute plus ValidateRequest, the
// per-request contract work of the mock server, with the embedded 5-operation
// contract and with 1,000 operations. The synthetic operations are copies of
// updateUserSetting. With literal paths FindRoute finds every route by a map
// lookup. The full gorillamux router would try routes one by one in the order
// of Paths.InMatchingOrder: fewest variables first, then reverse
// lexicographic. That order puts the "/section…" paths of "target-first"
// after the real "/user…" ones, and the "/zone…" paths of "target-last"
// before them. The templated cases route to a synthetic
// operation on "/zone{N}/op{N}/{id}", with 1 and with 995 such operations.
func BenchmarkRouteAndValidate(b *testing.B) {
	specs := []struct {
		name string
		spec *spec.Spec
	}{
		{"ops=5", loadBenchDefault(b)},
		{"ops=1000/target-first", syntheticSpec(b, "/section%d/op%d", syntheticOperations)},
		{"ops=1000/target-last", syntheticSpec(b, "/zone%d/op%d", syntheticOperations)},
	}
	requests := []struct {
		name string
		new  func() *http.Request
	}{
		{"getUserProfile", newProfileRequest},
		{"updateUserSetting", newSettingRequest},
	}
	for _, request := range requests {
		for _, sp := range specs {
			b.Run(request.name+"/"+sp.name, func(b *testing.B) {
				benchmarkRouteAndValidate(b, sp.spec, request.new)
			})
		}
	}

	templated := []struct {
		name string
		spec *spec.Spec
	}{
		{"templated/ops=6", syntheticSpec(b, "/zone%d/op%d/{id}", 1)},
		{"templated/ops=1000", syntheticSpec(b, "/zone%d/op%d/{id}", syntheticOperations)},
	}
	for _, sp := range templated {
		b.Run(sp.name, func(b *testing.B) {
			benchmarkRouteAndValidate(b, sp.spec, newTemplatedRequest)
		})
	}
}

// BenchmarkLoadDefault measures spec.Load on the embedded contract: parsing,
// validating every example and building the router, which the mock server
// does once before its first response.
func BenchmarkLoadDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := spec.Load(usermock.SpecYAML); err != nil {
			b.Fatal(err)
		}
	}
}

func benchmarkRouteAndValidate(b *testing.B, sp *spec.Spec, newRequest func() *http.Request) {
	options := sp.FilterOptions()
	options.AuthenticationFunc = authenticateDemoKey
	ctx := context.Background()

	// Check once outside the timed loop that the request is valid, so the
	// benchmark never measures the cheaper path of an early rejection.
	require.NoError(b, routeAndValidate(ctx, sp, options, newRequest()))

	b.ReportAllocs()
	for b.Loop() {
		if err := routeAndValidate(ctx, sp, options, newRequest()); err != nil {
			b.Fatal(err)
		}
	}
}

func routeAndValidate(ctx context.Context, sp *spec.Spec, options *openapi3filter.Options, r *http.Request) error {
	route, pathParams, err := sp.FindRoute(r)
	if err != nil {
		return fmt.Errorf("find route %s %s: %w", r.Method, r.URL.Path, err)
	}

	input := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: pathParams,
		Route:      route,
		Options:    options,
	}
	if err := openapi3filter.ValidateRequest(ctx, input); err != nil {
		return fmt.Errorf("validate %s %s: %w", r.Method, r.URL.Path, err)
	}
	return nil
}

// authenticateDemoKey accepts only the demo key, as a map lookup in the mock
// server would.
func authenticateDemoKey(_ context.Context, input *openapi3filter.AuthenticationInput) error {
	if input.RequestValidationInput.Request.Header.Get("Authorization") != "Bearer "+benchAPIKey {
		return errors.New("unknown API key")
	}
	return nil
}

func newProfileRequest() *http.Request {
	r, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:4010/user/profile", nil)
	if err != nil {
		panic(err)
	}
	r.Header.Set("Authorization", "Bearer "+benchAPIKey)
	return r
}

func newSettingRequest() *http.Request {
	r, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:4010/user/update-setting", bytes.NewReader(settingBody))
	if err != nil {
		panic(err)
	}
	r.Header.Set("Authorization", "Bearer "+benchAPIKey)
	r.Header.Set("Content-Type", "application/json")
	return r
}

// newTemplatedRequest returns a valid request for the synthetic operation
// on /zone0/op0/{id}.
func newTemplatedRequest() *http.Request {
	r, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:4010/zone0/op0/abc", bytes.NewReader(settingBody))
	if err != nil {
		panic(err)
	}
	r.Header.Set("Authorization", "Bearer "+benchAPIKey)
	r.Header.Set("Content-Type", "application/json")
	return r
}

func loadBenchDefault(b *testing.B) *spec.Spec {
	sp, err := spec.Default()
	require.NoError(b, err)
	return sp
}

// syntheticSpec returns the embedded contract plus count copies of
// updateUserSetting on the paths fmt.Sprintf(format, N, N), loaded through
// spec.Load so the router and validation are built as for a real file. A
// format with an {id} placeholder gets an id path parameter.
func syntheticSpec(b *testing.B, format string, count int) *spec.Spec {
	doc, err := openapi3.NewLoader().LoadFromData(usermock.SpecYAML)
	require.NoError(b, err)

	template := doc.Paths.Value("/user/update-setting").Post
	require.NotNil(b, template, "the contract has no POST /user/update-setting")

	for n := range count {
		operation := *template
		operation.OperationID = fmt.Sprintf("syntheticOperation%d", n)
		path := fmt.Sprintf(format, n, n)
		if strings.Contains(path, "{id}") {
			id := openapi3.NewPathParameter("id").WithSchema(openapi3.NewStringSchema())
			operation.Parameters = openapi3.Parameters{{Value: id}}
		}
		doc.Paths.Set(path, &openapi3.PathItem{Post: &operation})
	}

	data, err := doc.MarshalJSON()
	require.NoError(b, err)
	sp, err := spec.Load(data)
	require.NoError(b, err)
	require.Len(b, sp.Operations(), 5+count)
	return sp
}
