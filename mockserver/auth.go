package mockserver

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/callfluent/usermock/store"
)

// authRealm is the realm of the Bearer challenge.
const authRealm = "callfluent"

// authenticate checks the operation's security requirements before anything
// reads the body, so an unauthenticated caller learns nothing about the
// request schema. On success it records the account in the exchange.
func (s *Server) authenticate(r *http.Request, route *routers.Route, op *operation, st *store.Store) error {
	if len(op.security) == 0 {
		return nil
	}

	// openapi3filter reads the whole body before it authenticates; hand it
	// a copy of the request without one.
	bodiless := *r
	bodiless.Body = http.NoBody
	bodiless.ContentLength = 0
	bodiless.GetBody = nil

	ex := exchangeFrom(r)
	input := &openapi3filter.RequestValidationInput{
		Request: &bodiless,
		Route:   route,
		Options: &openapi3filter.Options{AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
			account, err := checkCredentials(in, st)
			if err == nil {
				ex.account = account
			}
			return err
		}},
	}
	return openapi3filter.ValidateSecurityRequirements(r.Context(), input, op.security)
}

// checkCredentials returns the account whose key the request carries for
// the scheme of in. It supports HTTP Bearer and API key schemes.
func checkCredentials(in *openapi3filter.AuthenticationInput, st *store.Store) (string, error) {
	scheme := in.SecurityScheme
	r := in.RequestValidationInput.Request

	var key string
	var err error
	switch {
	case isBearer(scheme):
		key, err = bearerToken(r.Header.Values("Authorization"))
	case scheme.Type == "apiKey":
		key, err = apiKeyValue(r, scheme)
	default:
		// checkSecurity accepts such a scheme only as an alternative to
		// supported ones, so the request may still pass with another.
		return "", fmt.Errorf("security scheme %q of type %q is not supported by the mock server", in.SecuritySchemeName, scheme.Type)
	}
	if err != nil {
		return "", err
	}

	account, ok := st.Authenticate(key)
	if !ok {
		return "", &apiError{status: http.StatusUnauthorized, message: "invalid API key", header: challengeFor(scheme, "invalid_token")}
	}
	return account, nil
}

// bearerToken parses the Authorization header: exactly one header, the
// scheme "Bearer" in any case (RFC 7235), one space and one non-empty token
// without whitespace.
func bearerToken(values []string) (string, error) {
	challenge := bearerChallenge("")
	switch len(values) {
	case 0:
		return "", &apiError{status: http.StatusUnauthorized, message: "missing API key: send Authorization: Bearer {api_key}", header: challenge}
	case 1:
	default:
		return "", &apiError{status: http.StatusUnauthorized, message: "malformed Authorization header: send it once, as Bearer {api_key}", header: challenge}
	}

	// RFC 7235 separates the scheme from the credentials with one or more
	// spaces (1*SP), so extra spaces pass but a tab does not.
	scheme, token, found := strings.Cut(values[0], " ")
	token = strings.TrimLeft(token, " ")
	switch {
	case values[0] == "":
		return "", &apiError{status: http.StatusUnauthorized, message: "missing API key: send Authorization: Bearer {api_key}", header: challenge}
	case !found && strings.Contains(scheme, "\t"):
		return "", &apiError{status: http.StatusUnauthorized, message: "malformed Authorization header: separate the scheme and the key with a space, not a tab; send Bearer {api_key}", header: challenge}
	case !strings.EqualFold(scheme, "Bearer"):
		return "", &apiError{status: http.StatusUnauthorized, message: `malformed Authorization header: the scheme must be "Bearer"; send Bearer {api_key}`, header: challenge}
	case !found || token == "" || strings.ContainsAny(token, " \t"):
		return "", &apiError{status: http.StatusUnauthorized, message: "malformed Authorization header: send exactly one token, as Bearer {api_key}", header: challenge}
	}
	return token, nil
}

// apiKeyValue reads the key of an apiKey scheme from its header, query
// parameter or cookie.
func apiKeyValue(r *http.Request, scheme *openapi3.SecurityScheme) (string, error) {
	var key string
	switch scheme.In {
	case "header":
		key = r.Header.Get(scheme.Name)
	case "query":
		key = r.URL.Query().Get(scheme.Name)
	case "cookie":
		if c, err := r.Cookie(scheme.Name); err == nil {
			key = c.Value
		}
	}
	if key == "" {
		return "", &apiError{status: http.StatusUnauthorized, message: fmt.Sprintf("missing API key: send it in the %s %q", scheme.In, scheme.Name)}
	}
	return key, nil
}

// challengeFor returns the WWW-Authenticate header for a Bearer scheme, and
// none for other schemes, which define no challenge.
func challengeFor(scheme *openapi3.SecurityScheme, code string) http.Header {
	if isBearer(scheme) {
		return bearerChallenge(code)
	}
	return nil
}

func isBearer(scheme *openapi3.SecurityScheme) bool {
	return scheme.Type == "http" && strings.EqualFold(scheme.Scheme, "bearer")
}

// checkSecurity returns an error for the first operation of api, in path
// order, whose security requirements the mock cannot check, because each
// alternative needs a scheme that is undefined or is neither an http bearer
// nor an apiKey scheme. Every request to such an operation would get 401.
func checkSecurity(api *apiState) error {
	for _, op := range api.spec.Operations() {
		compiled := api.ops[op.Operation]
		if compiled == nil {
			continue
		}
		if err := checkRequirements(api.spec.Doc, compiled.security); err != nil {
			return fmt.Errorf("operation %s %s: %w", op.Method, op.Path, err)
		}
	}
	return nil
}

// checkRequirements returns nil when security is empty or one of its
// alternatives needs only supported schemes, and otherwise the problem of
// the first alternative.
func checkRequirements(doc *openapi3.T, security openapi3.SecurityRequirements) error {
	var first error
	for _, requirement := range security {
		err := checkRequirement(doc, requirement)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

func checkRequirement(doc *openapi3.T, requirement openapi3.SecurityRequirement) error {
	for _, name := range slices.Sorted(maps.Keys(requirement)) {
		var ref *openapi3.SecuritySchemeRef
		if doc.Components != nil {
			ref = doc.Components.SecuritySchemes[name]
		}
		if ref == nil || ref.Value == nil {
			// spec.Load rejects such a document; this guards a Spec built
			// another way.
			return fmt.Errorf("security scheme %q is not defined in components.securitySchemes", name)
		}

		scheme := ref.Value
		switch {
		case isBearer(scheme), scheme.Type == "apiKey":
		case scheme.Type == "http":
			return fmt.Errorf("security scheme %q of type %q with scheme %q is not supported; the mock server checks http bearer and apiKey schemes",
				name, scheme.Type, scheme.Scheme)
		default:
			return fmt.Errorf("security scheme %q of type %q is not supported; the mock server checks http bearer and apiKey schemes",
				name, scheme.Type)
		}
	}
	return nil
}
