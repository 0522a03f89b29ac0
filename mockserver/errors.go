package mockserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/callfluent/usermock/store"
)

// maxListedViolations caps the violations named in the error message; the
// violations list carries them all, up to maxViolations.
const (
	maxListedViolations = 3
	maxViolations       = 50
)

// errorBody is the contract's Error body, or its PasswordError body when
// Msg is set.
type errorBody struct {
	Status     bool        `json:"status"`
	Error      string      `json:"error,omitempty"`
	Msg        string      `json:"msg,omitempty"`
	Violations []violation `json:"violations,omitempty"`
}

// violation is one entry of the Error body's violations list.
type violation struct {
	Location string `json:"location"`
	Field    string `json:"field,omitempty"`
	Reason   string `json:"reason"`
}

// apiError is a failure that the mock detects itself, with its status.
type apiError struct {
	status     int
	message    string
	violations []violation
	header     http.Header // such as Allow or WWW-Authenticate

	// control marks an error in a request to the mock itself (a Prefer
	// header), which is not part of the contract and is not validated
	// against it.
	control bool
}

func (e *apiError) Error() string { return e.message }

// errorResponse maps every failure to its status and error body; it is
// the only place that does.
func (s *Server) errorResponse(api *apiState, err error) response {
	var (
		apiErr      *apiError
		securityErr *openapi3filter.SecurityRequirementsError
		domainErr   *store.DomainError
		agentErr    *store.AgentNotFoundError
		limitErr    *store.CustomFieldLimitError
		mismatch    *contractError
	)
	switch {
	case errors.As(err, &apiErr):
		return buildErrorResponse(apiErr.status, apiErr.header, errorBody{Error: apiErr.message, Violations: apiErr.violations})
	case errors.As(err, &securityErr):
		return buildErrorResponse(http.StatusUnauthorized, bearerChallenge(""), errorBody{Error: "authentication failed: " + securityErr.Error()})
	case errors.Is(err, store.ErrWrongPassword):
		resp := buildErrorResponse(http.StatusBadRequest, nil, errorBody{Msg: api.wrongPasswordMsg})
		resp.problem = "wrong current password"
		return resp
	case errors.As(err, &domainErr):
		return buildErrorResponse(http.StatusBadRequest, nil, errorBody{Error: api.texts.domain.message(domainErr.Domain, domainErr.Required)})
	case errors.As(err, &agentErr):
		reason := fmt.Sprintf("agent %d is not an agent of the caller's account", agentErr.AgentID)
		return buildErrorResponse(http.StatusNotFound, nil, errorBody{
			Error:      `query parameter "agent_id": ` + reason,
			Violations: []violation{{Location: "query", Field: "agent_id", Reason: reason}},
		})
	case errors.As(err, &limitErr):
		v := customFieldViolation(limitErr)
		return buildErrorResponse(http.StatusBadRequest, nil, errorBody{Error: describeViolation(v), Violations: []violation{v}})
	case errors.As(err, &mismatch):
		return buildErrorResponse(http.StatusInternalServerError, nil, errorBody{Error: mismatch.Error()})
	case isValidationError(err):
		violations := collectViolations(err, true, api.secrets)
		return buildErrorResponse(http.StatusBadRequest, nil, errorBody{Error: summarize(violations), Violations: violations})
	default:
		resp := buildErrorResponse(http.StatusInternalServerError, nil, errorBody{Error: api.texts.serverError})
		resp.problem = err.Error()
		return resp
	}
}

func buildErrorResponse(status int, header http.Header, body errorBody) response {
	// body holds only strings and a slice of structs, which always encode.
	encoded, _ := json.Marshal(body)
	h := jsonHeader()
	for name, values := range header {
		h[name] = values
	}
	problem := body.Error
	if problem == "" {
		problem = body.Msg
	}
	return response{status: status, header: h, body: encoded, problem: problem}
}

// bearerChallenge returns the WWW-Authenticate header of RFC 6750 with the
// given error code, or without one when code is empty.
func bearerChallenge(code string) http.Header {
	value := `Bearer realm="` + authRealm + `"`
	if code != "" {
		value += `, error="` + code + `"`
	}
	return http.Header{"Www-Authenticate": []string{value}}
}

// summarize joins the first violations into one line, such as
// `request body: data.userId: value must be a string`.
func summarize(violations []violation) string {
	if len(violations) == 0 {
		return "the request is invalid"
	}
	parts := make([]string, 0, maxListedViolations)
	for i, v := range violations {
		if i == maxListedViolations {
			parts = append(parts, fmt.Sprintf("and %d more", len(violations)-i))
			break
		}
		parts = append(parts, describeViolation(v))
	}
	return strings.Join(parts, "; ")
}

func describeViolation(v violation) string {
	var where string
	switch v.Location {
	case "body":
		where = "request body"
	case "query":
		where = "query parameter " + strconv.Quote(v.Field)
	case "header":
		where = "header " + strconv.Quote(v.Field)
	default:
		where = v.Location + " parameter " + strconv.Quote(v.Field)
	}
	if v.Location == "body" && v.Field != "" {
		where += ": " + v.Field
	}
	return where + ": " + v.Reason
}

// customFieldViolation names the custom field over a limit, its name cut to
// maxQuotedValue bytes, or data itself when there are too many fields.
func customFieldViolation(err *store.CustomFieldLimitError) violation {
	field := "data"
	if err.Field != "" {
		field += "." + shorten(err.Field)
	}
	return violation{Location: "body", Field: field, Reason: err.Reason}
}

// Constructors of the apiErrors that the chain returns.

func errNotFound(path string) error {
	return &apiError{status: http.StatusNotFound, message: fmt.Sprintf("path %q not found", path)}
}

func errMethodNotAllowed(method, path string, allowed []string) error {
	return methodNotAllowed(method, path, allowed)
}

func methodNotAllowed(method, path string, allowed []string) *apiError {
	return &apiError{
		status: http.StatusMethodNotAllowed,
		message: fmt.Sprintf("method %q not allowed on %q; allowed methods are %s",
			method, path, strings.Join(allowed, ", ")),
		header: http.Header{"Allow": []string{strings.Join(allowed, ", ")}},
	}
}

// errTooLarge closes the connection after the response. Without it net/http
// reads what is left of the body before it responds, up to 256 KiB, so a
// client that declared a body and stalled would wait for its 413 until the
// read timeout.
func errTooLarge(limit int64) error {
	return &apiError{
		status:  http.StatusRequestEntityTooLarge,
		message: fmt.Sprintf("request body exceeds the limit of %d bytes", limit),
		header:  http.Header{"Connection": []string{"close"}},
	}
}

func errUnsupportedMediaType(message string) error {
	return &apiError{status: http.StatusUnsupportedMediaType, message: message}
}

func errForbidden(userID string) error {
	return &apiError{
		status:     http.StatusForbidden,
		message:    fmt.Sprintf("data.userId %q does not belong to the API key's account", userID),
		violations: []violation{{Location: "body", Field: "data.userId", Reason: "does not belong to the API key's account"}},
	}
}

// errForbiddenOrigin rejects a request to the admin API from a web page.
func errForbiddenOrigin() error {
	return &apiError{
		status:  http.StatusForbidden,
		message: "the admin API rejects requests with an Origin header, which browsers send; call it from a test or a command-line client",
	}
}

func errForbiddenHost(host string) error {
	return &apiError{
		status: http.StatusForbidden,
		message: fmt.Sprintf("the admin API rejects the host %q, which could be a DNS-rebinding name; "+
			"call it through an IP address, localhost or a name without a dot", host),
	}
}

// errBadBody is a request body that fails before schema validation.
func errBadBody(field, reason string) error {
	v := violation{Location: "body", Field: field, Reason: reason}
	return &apiError{status: http.StatusBadRequest, message: describeViolation(v), violations: []violation{v}}
}

// errBadQuery is a query parameter that fails before schema validation.
func errBadQuery(name, reason string) error {
	v := violation{Location: "query", Field: name, Reason: reason}
	return &apiError{status: http.StatusBadRequest, message: describeViolation(v), violations: []violation{v}}
}

// errPrefer is an unusable Prefer header.
func errPrefer(message string) error {
	return &apiError{status: http.StatusBadRequest, message: "Prefer header: " + message, control: true}
}
