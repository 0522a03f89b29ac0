// Package spec loads the OpenAPI contract, validates it, and builds the
// router and validation options that the mock server and the contract suite
// share, so both read request and response shapes from one document.
package spec

import (
	"context"
	"fmt"
	"net/http"
	"net/mail"
	"os"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/callfluent/usermock"
)

// InferredExtension is the extension that marks a schema, property,
// parameter or response as the project's choice rather than a documented
// fact. Its value is the reason for the choice.
const InferredExtension = "x-inferred"

// Spec is a loaded and validated contract with its router. A Spec is never
// changed after Load returns, so it is safe for concurrent use.
type Spec struct {
	// Doc is the parsed document. Callers must not modify it.
	Doc *openapi3.T

	// Router matches requests by method and path only: the document's
	// servers are ignored, so any host and port reach the operations.
	// FindRoute is faster and returns the same routes and errors.
	Router routers.Router

	operations []Operation

	// exact maps each path without {placeholders} to its route, with
	// Method and Operation unset.
	exact map[string]*routers.Route

	// segments maps the first path segment of every templated path to a
	// router over the paths with that first segment. It is nil when some
	// path's first segment is itself templated.
	segments map[string]segmentRouter
}

// Operation is one method and path of the contract.
type Operation struct {
	// Method is the HTTP method in upper case, such as "POST".
	Method string

	// Path is the path template as the document writes it, such as
	// "/user/profile".
	Path string

	// ID is the operationId, empty when the document gives none.
	ID string

	// Operation is the parsed operation of the document. Callers must not
	// modify it.
	Operation *openapi3.Operation
}

// Default loads the contract embedded in the module (openapi.yaml).
func Default() (*Spec, error) {
	return Load(usermock.SpecYAML)
}

// LoadFile reads and loads the contract at path.
func LoadFile(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read spec %q: %w", path, err)
	}
	spec, err := Load(data)
	if err != nil {
		return nil, fmt.Errorf("load spec %q: %w", path, err)
	}
	return spec, nil
}

// Load parses data as an OpenAPI 3.0 document in YAML or JSON, validates it
// (including every example against its schema) and builds its router.
// External references are not followed.
func Load(data []byte) (*Spec, error) {
	loader := openapi3.NewLoader()
	// Origins record each element's line, which is the only trace of the
	// document order of example maps. The mock server needs that order
	// because it serves the first example of a response.
	loader.IncludeOrigin = true
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("parse spec: %w", err)
	}

	if err := doc.Validate(context.Background(), validationOptions()...); err != nil {
		return nil, fmt.Errorf("validate spec: %w", err)
	}

	routed := routingCopy(doc)
	router, err := gorillamux.NewRouter(routed)
	if err != nil {
		return nil, fmt.Errorf("build router: %w", err)
	}

	segments, err := segmentRouters(routed)
	if err != nil {
		return nil, err
	}
	spec := &Spec{
		Doc:        doc,
		Router:     router,
		operations: listOperations(doc),
		exact:      exactRoutes(routed),
		segments:   segments,
	}
	return spec, nil
}

// routingCopy returns a shallow copy of doc without servers, at the top and
// on each path, for routing. The router would otherwise match only the
// hosts and base paths that the servers name, and the mock serves on any
// address. The copy shares doc's operations, so routes point at them.
func routingCopy(doc *openapi3.T) *openapi3.T {
	routed := *doc
	routed.Servers = nil
	routed.Paths = openapi3.NewPaths()
	for path, item := range doc.Paths.Map() {
		copied := *item
		copied.Servers = nil
		routed.Paths.Set(path, &copied)
	}
	return &routed
}

func validationOptions() []openapi3.ValidationOption {
	return []openapi3.ValidationOption{
		openapi3.EnableExamplesValidation(),
		openapi3.EnableSchemaFormatValidation(),
		openapi3.EnableSchemaPatternValidation(),
	}
}

func listOperations(doc *openapi3.T) []Operation {
	var ops []Operation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops = append(ops, Operation{Method: method, Path: path, ID: op.OperationID, Operation: op})
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	return ops
}

// Operations returns every operation, sorted by path and then method.
// The slice is shared: callers must not modify it.
func (s *Spec) Operations() []Operation {
	return s.operations
}

// Operation returns the operation whose operationId is id.
func (s *Spec) Operation(id string) (Operation, bool) {
	for _, op := range s.operations {
		if op.ID == id {
			return op, true
		}
	}
	return Operation{}, false
}

// Version returns the document's info.version.
func (s *Spec) Version() string {
	if s.Doc.Info == nil {
		return ""
	}
	return s.Doc.Info.Version
}

// AllowedMethods returns the methods that the contract serves on the path of
// r, sorted, or nil when no operation has that path.
func (s *Spec) AllowedMethods(r *http.Request) []string {
	var allowed []string
	probe := r.Clone(r.Context())
	for _, method := range []string{
		http.MethodDelete, http.MethodGet, http.MethodHead, http.MethodOptions,
		http.MethodPatch, http.MethodPost, http.MethodPut, http.MethodTrace,
	} {
		probe.Method = method
		if _, _, err := s.FindRoute(probe); err == nil {
			allowed = append(allowed, method)
		}
	}
	return allowed
}

// FilterOptions returns new openapi3filter options for this contract: email
// addresses are checked with net/mail, and every violation is collected
// rather than only the first. The caller sets AuthenticationFunc.
func (s *Spec) FilterOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		MultiError:              true,
		SchemaValidationOptions: SchemaOptions(),
	}
}

// SchemaOptions returns the schema validation options for this contract's
// string formats; pass them to openapi3.Schema.VisitJSON.
func SchemaOptions() []openapi3.SchemaValidationOption {
	return []openapi3.SchemaValidationOption{
		openapi3.EnableFormatValidation(),
		openapi3.WithStringFormatValidator("email", emailFormat{}),
	}
}

// emailFormat is the contract's "email" string format: see ValidateEmail.
type emailFormat struct{}

func (emailFormat) Validate(value string) error {
	return ValidateEmail(value)
}

// ValidateEmail accepts a bare address such as "a@example.com": no display
// name, no angle brackets, and a dot in the domain. It is the rule of the
// contract's "email" format, and its error quotes value.
func ValidateEmail(value string) error {
	addr, err := mail.ParseAddress(value)
	if err != nil || addr.Address != value || addr.Name != "" {
		return fmt.Errorf("%q is not an email address", value)
	}
	at := strings.LastIndexByte(value, '@')
	if !strings.Contains(value[at+1:], ".") {
		return fmt.Errorf("%q is not an email address: the domain has no dot", value)
	}
	return nil
}

// Inferred reports whether extensions carry the x-inferred mark, and returns
// its reason.
func Inferred(extensions map[string]any) (string, bool) {
	value, ok := extensions[InferredExtension]
	if !ok {
		return "", false
	}
	reason, _ := value.(string)
	return reason, true
}
