package spec_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock"
	"github.com/callfluent/usermock/spec"
)

func loadDefault(t *testing.T) *spec.Spec {
	t.Helper()
	s, err := spec.Default()
	require.NoError(t, err)
	return s
}

func TestOperationsAreDocumented(t *testing.T) {
	s := loadDefault(t)
	want := map[string]string{
		"GET /user/profile":              "getUserProfile",
		"POST /user/update-detail":       "updateUserDetail",
		"POST /user/reset-password":      "resetUserPassword",
		"POST /user/update-setting":      "updateUserSetting",
		"POST /user/update-smtp-setting": "updateSmtpSetting",
	}

	got := map[string]string{}
	for _, op := range s.Operations() {
		got[op.Method+" "+op.Path] = op.ID
		assert.NotEmpty(t, op.Operation.Summary, "summary of %s", op.ID)
		assert.NotEmpty(t, op.Operation.Tags, "tags of %s", op.ID)
	}
	assert.Equal(t, want, got)
}

func TestBearerSecurityOnEveryOperation(t *testing.T) {
	s := loadDefault(t)
	scheme := s.Doc.Components.SecuritySchemes["bearerAuth"]
	require.NotNil(t, scheme)
	assert.Equal(t, "http", scheme.Value.Type)
	assert.Equal(t, "bearer", scheme.Value.Scheme)

	for _, op := range s.Operations() {
		security := s.Doc.Security
		if op.Operation.Security != nil {
			security = *op.Operation.Security
		}
		require.Len(t, security, 1, "security of %s", op.ID)
		assert.Contains(t, security[0], "bearerAuth", "security of %s", op.ID)
	}
}

// namedExample is one example of a request or response body with the schema
// it must satisfy.
type namedExample struct {
	where  string
	schema *openapi3.Schema
	value  any
}

func collectExamples(t *testing.T, s *spec.Spec) []namedExample {
	t.Helper()
	var out []namedExample
	add := func(where string, content openapi3.Content) {
		media := content.Get("application/json")
		require.NotNil(t, media, "%s has no application/json content", where)
		require.NotEmpty(t, media.Examples, "%s has no named examples", where)
		for name, ex := range media.Examples {
			out = append(out, namedExample{where + " example " + name, media.Schema.Value, ex.Value.Value})
		}
	}
	for _, op := range s.Operations() {
		if op.Operation.RequestBody != nil {
			add(op.ID+" request", op.Operation.RequestBody.Value.Content)
		}
		for code, resp := range op.Operation.Responses.Map() {
			add(op.ID+" response "+code, resp.Value.Content)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].where < out[j].where })
	return out
}

func TestExamplesValidateAgainstSchemas(t *testing.T) {
	s := loadDefault(t)
	examples := collectExamples(t, s)
	require.Greater(t, len(examples), 30)

	for _, ex := range examples {
		t.Run(ex.where, func(t *testing.T) {
			err := ex.schema.VisitJSON(ex.value, spec.SchemaOptions()...)
			assert.NoError(t, err)
		})
	}
}

func TestDocumentedExamplesArePresent(t *testing.T) {
	s := loadDefault(t)
	cases := []struct {
		op, code, example string
	}{
		{"getUserProfile", "200", "profile"},
		{"getUserProfile", "500", "serverError"},
		{"updateUserDetail", "200", "agentList"},
		{"updateUserDetail", "500", "serverError"},
		{"resetUserPassword", "200", "changed"},
		{"resetUserPassword", "400", "wrongCurrentPassword"},
		{"updateUserSetting", "200", "saved"},
		{"updateUserSetting", "400", "domainNotPointing"},
		{"updateUserSetting", "500", "somethingWentWrong"},
		{"updateUserSetting", "500", "domainInstallFailed"},
		{"updateSmtpSetting", "200", "updatedUser"},
		{"updateSmtpSetting", "500", "somethingWentWrong"},
	}
	for _, tc := range cases {
		t.Run(tc.op+" "+tc.code+" "+tc.example, func(t *testing.T) {
			op, ok := s.Operation(tc.op)
			require.True(t, ok)
			resp := op.Operation.Responses.Value(tc.code)
			require.NotNil(t, resp)
			media := resp.Value.Content.Get("application/json")
			require.NotNil(t, media)
			assert.Contains(t, media.Examples, tc.example)
		})
	}
}

func TestWrongPasswordExampleText(t *testing.T) {
	s := loadDefault(t)
	op, _ := s.Operation("resetUserPassword")
	media := op.Operation.Responses.Value("400").Value.Content.Get("application/json")
	value := media.Examples["wrongCurrentPassword"].Value.Value.(map[string]any)

	assert.Equal(t, false, value["status"])
	assert.Equal(t, "Please input correct current password", value["msg"])
}

func TestRequestFieldsAreStrings(t *testing.T) {
	s := loadDefault(t)
	cases := []struct {
		op       string
		required []string
		optional []string
	}{
		{"updateUserDetail", []string{"phone_number"}, nil},
		{"resetUserPassword", []string{"oldPass", "newPass"}, nil},
		{"updateUserSetting", []string{"userId"}, []string{
			"domain_name", "website_logo", "website_icon", "support_desk_url",
			"website_name", "website_description", "primary_color",
		}},
		{"updateSmtpSetting", []string{
			"userId", "smtp_host", "smtp_port", "smtp_username", "smtp_password", "from_name", "from_email",
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.op, func(t *testing.T) {
			data := requestData(t, s, tc.op)
			assert.ElementsMatch(t, tc.required, data.Required)
			for _, name := range append(tc.required, tc.optional...) {
				prop := data.Properties[name]
				require.NotNil(t, prop, "property %q", name)
				assert.True(t, prop.Value.Type.Is("string"), "property %q is not a string", name)
			}
		})
	}
}

func requestData(t *testing.T, s *spec.Spec, opID string) *openapi3.Schema {
	t.Helper()
	op, ok := s.Operation(opID)
	require.True(t, ok, "operation %q", opID)
	body := op.Operation.RequestBody.Value.Content.Get("application/json").Schema.Value
	assert.Equal(t, []string{"data"}, body.Required)
	return body.Properties["data"].Value
}

func TestUpdateDetailAcceptsCustomFields(t *testing.T) {
	data := requestData(t, loadDefault(t), "updateUserDetail")
	value := map[string]any{"phone_number": "+1 234 5678910", "address": "1 Main Street"}
	assert.NoError(t, data.VisitJSON(value))

	value["age"] = 42.0
	assert.Error(t, data.VisitJSON(value), "a custom field must be a string")
}

func TestSecretsAreWriteOnly(t *testing.T) {
	s := loadDefault(t)
	for op, fields := range map[string][]string{
		"resetUserPassword": {"oldPass", "newPass"},
		"updateSmtpSetting": {"smtp_password"},
	} {
		data := requestData(t, s, op)
		for _, name := range fields {
			assert.True(t, data.Properties[name].Value.WriteOnly, "%s.%s is not writeOnly", op, name)
		}
	}
}

func TestSecretsInNoResponseSchema(t *testing.T) {
	s := loadDefault(t)
	secrets := []string{"smtp_password", "oldPass", "newPass", "password"}
	for _, op := range s.Operations() {
		for code, resp := range op.Operation.Responses.Map() {
			schema := resp.Value.Content.Get("application/json").Schema.Value
			for _, name := range propertyNames(schema, map[*openapi3.Schema]bool{}) {
				assert.NotContains(t, secrets, name, "%s response %s", op.ID, code)
			}
		}
	}
}

// propertyNames lists every property name reachable from schema through
// properties, items, allOf, anyOf and oneOf. The not keyword is skipped:
// UpdatedUser names the secrets there precisely to forbid them.
func propertyNames(schema *openapi3.Schema, seen map[*openapi3.Schema]bool) []string {
	if schema == nil || seen[schema] {
		return nil
	}
	seen[schema] = true
	var names []string
	for name, prop := range schema.Properties {
		names = append(names, name)
		names = append(names, propertyNames(prop.Value, seen)...)
	}
	if schema.Items != nil {
		names = append(names, propertyNames(schema.Items.Value, seen)...)
	}
	for _, group := range []openapi3.SchemaRefs{schema.AllOf, schema.AnyOf, schema.OneOf} {
		for _, ref := range group {
			names = append(names, propertyNames(ref.Value, seen)...)
		}
	}
	return names
}

func TestUpdatedUserRejectsEchoedPassword(t *testing.T) {
	s := loadDefault(t)
	user := s.Doc.Components.Schemas["UpdatedUser"].Value
	value := map[string]any{
		"userId": "12", "name": "test", "email": "test@example.com",
		"smtp_host": "gm.co", "smtp_port": "465", "smtp_username": "u",
		"from_name": "n", "from_email": "n@example.com",
	}
	require.NoError(t, user.VisitJSON(value, spec.SchemaOptions()...))

	value["smtp_password"] = "secret"
	assert.Error(t, user.VisitJSON(value, spec.SchemaOptions()...))
}

func TestPatternsCompileWithGoRegexp(t *testing.T) {
	s := loadDefault(t)
	count := 0
	for name, ref := range s.Doc.Components.Schemas {
		walkSchemas(ref.Value, map[*openapi3.Schema]bool{}, func(schema *openapi3.Schema) {
			if schema.Pattern == "" {
				return
			}
			count++
			_, err := regexp.Compile(schema.Pattern)
			assert.NoError(t, err, "pattern %q under %s", schema.Pattern, name)
		})
	}
	assert.GreaterOrEqual(t, count, 6)
}

func walkSchemas(schema *openapi3.Schema, seen map[*openapi3.Schema]bool, visit func(*openapi3.Schema)) {
	if schema == nil || seen[schema] {
		return
	}
	seen[schema] = true
	visit(schema)
	for _, prop := range schema.Properties {
		walkSchemas(prop.Value, seen, visit)
	}
	if schema.Items != nil {
		walkSchemas(schema.Items.Value, seen, visit)
	}
	if schema.AdditionalProperties.Schema != nil {
		walkSchemas(schema.AdditionalProperties.Schema.Value, seen, visit)
	}
}

func TestInferredFieldRules(t *testing.T) {
	s := loadDefault(t)
	setting := requestData(t, s, "updateUserSetting").Properties
	smtp := requestData(t, s, "updateSmtpSetting").Properties
	cases := []struct {
		name   string
		schema *openapi3.Schema
		valid  []string
		bad    []string
	}{
		{"primary_color", setting["primary_color"].Value,
			[]string{"#0019FF", "#abcdef"}, []string{"0019FF", "#0019F", "#0019FG", "red"}},
		{"smtp_port", smtp["smtp_port"].Value,
			[]string{"1", "25", "465", "587", "65535"}, []string{"0", "65536", "0465", "70000", "abc", ""}},
		{"website_logo", setting["website_logo"].Value,
			[]string{"https://google.com/1.jpg", "data:image/png;base64,iVBORw0KGgo="},
			[]string{"logo.png", "ftp://x/y.png", "data:text/plain;base64,aGk="}},
		{"from_email", smtp["from_email"].Value,
			[]string{"support@example.com"}, []string{"...", "not an email", "a@b", "Name <a@example.com>"}},
		{"userId", setting["userId"].Value, []string{"12"}, []string{"", "twelve", "-1"}},
		{"smtp_host", smtp["smtp_host"].Value, []string{"gm.co"}, []string{""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, marked := spec.Inferred(tc.schema.Extensions)
			assert.True(t, marked || tc.name == "smtp_host", "%s carries no x-inferred mark", tc.name)
			for _, v := range tc.valid {
				assert.NoError(t, tc.schema.VisitJSON(v, spec.SchemaOptions()...), "valid %q", v)
			}
			for _, v := range tc.bad {
				assert.Error(t, tc.schema.VisitJSON(v, spec.SchemaOptions()...), "invalid %q", v)
			}
		})
	}
}

func TestInferredResponsesAreMarked(t *testing.T) {
	s := loadDefault(t)
	for _, name := range []string{
		"BadRequest", "Unauthorized", "Forbidden", "NotFound",
		"MethodNotAllowed", "PayloadTooLarge", "UnsupportedMediaType", "InferredServerError",
	} {
		resp := s.Doc.Components.Responses[name]
		require.NotNil(t, resp, name)
		reason, ok := spec.Inferred(resp.Value.Extensions)
		assert.True(t, ok, "%s carries no x-inferred mark", name)
		assert.NotEmpty(t, strings.TrimSpace(reason), "%s gives no reason", name)
	}

	documented := s.Doc.Components.Responses["ServerError"]
	_, ok := spec.Inferred(documented.Value.Extensions)
	assert.False(t, ok, "the documented 500 must not be marked inferred")
}

func TestRouterIgnoresHost(t *testing.T) {
	s := loadDefault(t)
	for _, host := range []string{"127.0.0.1:4010", "mockserver:4010", "localhost"} {
		req := httptest.NewRequest(http.MethodGet, "http://"+host+"/user/profile", nil)
		route, _, err := s.Router.FindRoute(req)
		require.NoError(t, err, host)
		assert.Equal(t, "getUserProfile", route.Operation.OperationID)
	}
}

func TestAllowedMethods(t *testing.T) {
	s := loadDefault(t)
	req := httptest.NewRequest(http.MethodGet, "/user/reset-password", nil)
	assert.Equal(t, []string{http.MethodPost}, s.AllowedMethods(req))

	req = httptest.NewRequest(http.MethodGet, "/user/nothing", nil)
	assert.Nil(t, s.AllowedMethods(req))
}

func TestLoadRejectsInvalidSpec(t *testing.T) {
	cases := map[string]string{
		"not yaml":     "openapi: [",
		"missing info": "openapi: 3.0.3\npaths: {}\n",
		"bad example":  strings.Replace(string(usermock.SpecYAML), `primary_color: "#0019FF"`, `primary_color: "blue"`, 1),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := spec.Load([]byte(data))
			assert.Error(t, err)
		})
	}
}

func TestFindRouteAgreesWithRouter(t *testing.T) {
	s := loadDefault(t)
	cases := []struct{ method, target string }{
		{http.MethodGet, "/user/profile"},
		{http.MethodPost, "/user/update-setting"},
		{http.MethodGet, "/user/update-setting"},
		{http.MethodHead, "/user/profile"},
		{"BREW", "/user/profile"},
		{http.MethodGet, "/user/profile/"},
		{http.MethodGet, "/user/%70rofile"},
		{http.MethodGet, "/user/./profile"},
		{http.MethodGet, "//user/profile"},
		{http.MethodGet, "/user/nothing"},
		{http.MethodGet, "/user/profile?x=1"},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			assertRouteAgrees(t, s, httptest.NewRequest(tc.method, tc.target, nil))
		})
	}
}
