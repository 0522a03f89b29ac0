package mockserver

import (
	"net/http"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/rs/cors"

	"github.com/callfluent/usermock/spec"
)

// Request headers that the mock reads or sets.
const (
	headerRequestID = "X-Request-Id"
	headerPrefer    = "Prefer"
)

// apiState is one contract with everything the server derives from it
// once, so that no request parses or compiles anything. It never changes
// after loadAPI returns.
type apiState struct {
	spec    *spec.Spec
	handler http.Handler
	ops     map[*openapi3.Operation]*operation

	// requestOptions validates parameters and bodies (authentication has
	// run before); responseOptions validates responses.
	requestOptions  *openapi3filter.Options
	responseOptions *openapi3filter.Options

	// wrongPasswordMsg is the msg of reset-password's documented response
	// to a wrong current password.
	wrongPasswordMsg string

	// texts are the other error messages that the contract documents, and
	// secrets the names whose values error messages never quote and the
	// journal redacts. loadAPI sets both.
	texts   errorTexts
	secrets *secrets
}

// operation is the compiled form of one operation of the contract.
type operation struct {
	id       string
	security openapi3.SecurityRequirements

	// unsecured is a copy of the operation without security requirements,
	// given to openapi3filter.ValidateRequest after authentication has run.
	unsecured *openapi3.Operation

	// responses are the documented responses in ascending status order.
	responses []documentedResponse

	// validatedRequests and validatedResponses cache the requests and the
	// responses that passed validation.
	validatedRequests  *validatedRequests
	validatedResponses *validatedResponses
}

func (s *Server) newAPIState(sp *spec.Spec) *apiState {
	api := &apiState{
		spec:             sp,
		ops:              map[*openapi3.Operation]*operation{},
		requestOptions:   sp.FilterOptions(),
		responseOptions:  sp.FilterOptions(),
		wrongPasswordMsg: wrongPasswordMessage(sp),
	}
	// Error messages are built from the errors' fields; the details would
	// add the schema and the value, which may be a secret.
	for _, opts := range []*openapi3filter.Options{api.requestOptions, api.responseOptions} {
		opts.SchemaValidationOptions = append(opts.SchemaValidationOptions, openapi3.DisableSchemaErrorDetails())
	}
	api.requestOptions.AuthenticationFunc = openapi3filter.NoopAuthenticationFunc
	api.requestOptions.KeepValidatedValue = true
	api.requestOptions.SkipSettingDefaults = true
	api.responseOptions.IncludeResponseStatus = true

	for _, op := range sp.Operations() {
		api.ops[op.Operation] = compileOperation(sp.Doc, op)
	}

	api.handler = s.newCORS(sp).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serveAPI(api, w, r)
	}))
	return api
}

func compileOperation(doc *openapi3.T, op spec.Operation) *operation {
	security := doc.Security
	if op.Operation.Security != nil {
		security = *op.Operation.Security
	}

	unsecured := *op.Operation
	unsecured.Security = &openapi3.SecurityRequirements{}

	return &operation{
		id:                 op.ID,
		security:           security,
		unsecured:          &unsecured,
		responses:          compileResponses(op.Operation),
		validatedRequests:  newValidatedRequests(),
		validatedResponses: newValidatedResponses(),
	}
}

// newCORS returns the CORS middleware. It responds to preflight requests
// without authentication and adds the CORS headers to every other response.
func (s *Server) newCORS(sp *spec.Spec) *cors.Cors {
	methods := []string{http.MethodGet, http.MethodPost}
	for _, op := range sp.Operations() {
		if !slices.Contains(methods, op.Method) {
			methods = append(methods, op.Method)
		}
	}
	return cors.New(cors.Options{
		AllowedOrigins: s.origins,
		AllowedMethods: methods,
		AllowedHeaders: []string{"Authorization", "Content-Type", headerPrefer, headerRequestID},
		ExposedHeaders: []string{headerRequestID, "WWW-Authenticate", "Allow"},
		MaxAge:         600,
	})
}

// wrongPasswordMessage reads the msg of the wrongCurrentPassword example of
// resetUserPassword's 400 response, so the text stays the contract's.
func wrongPasswordMessage(sp *spec.Spec) string {
	// fallbackMessage is the text that the published documentation gives
	// for a wrong current password, used when the contract lacks the example.
	const fallbackMessage = "Please input correct current password"

	op, ok := sp.Operation("resetUserPassword")
	if !ok {
		return fallbackMessage
	}
	for _, resp := range compileResponses(op.Operation) {
		for _, ex := range resp.examples {
			if ex.name != "wrongCurrentPassword" {
				continue
			}
			if value, ok := ex.value.(map[string]any); ok {
				if msg, ok := value["msg"].(string); ok && msg != "" {
					return msg
				}
			}
		}
	}
	return fallbackMessage
}
