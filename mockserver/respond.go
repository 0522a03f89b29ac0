package mockserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// response is a buffered HTTP response, validated before it is sent.
type response struct {
	status int
	header http.Header // may be nil
	body   []byte

	// problem is the reason for an error response, for the log and the
	// journal. It may quote request values, but never the value of a secret
	// field, because collectViolations leaves those out. It is empty for a
	// success and for a response forced by the Prefer header.
	problem string
}

// jsonResponse encodes v as the body of an application/json response.
func jsonResponse(status int, v any) (response, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return response{}, fmt.Errorf("encode response: %w", err)
	}
	return response{status: status, header: jsonHeader(), body: body}, nil
}

func jsonHeader() http.Header {
	return http.Header{"Content-Type": []string{"application/json"}}
}

// writeResponse sends resp.
func writeResponse(w http.ResponseWriter, resp response) {
	h := w.Header()
	for name, values := range resp.header {
		h[name] = values
	}
	h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	// A failed write means the client went away; there is no one to tell.
	_, _ = w.Write(resp.body)
}

// contractError is a response that does not match the contract.
type contractError struct {
	err error
}

func (e *contractError) Error() string {
	return "response does not match the contract: " + e.err.Error()
}

func (e *contractError) Unwrap() error { return e.err }

// checkResponse validates resp against the documented responses of op. In
// strict mode an invalid response becomes a 500 naming the violation;
// otherwise it is sent as it is and a warning is logged. A response equal to
// one that already passed for op is not validated again.
func (s *Server) checkResponse(api *apiState, op *operation, input *openapi3filter.RequestValidationInput, resp response) response {
	if op.validatedResponses.contains(resp) {
		return resp
	}

	header := resp.header
	if header == nil {
		header = http.Header{}
	}
	check := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 resp.status,
		Header:                 header,
		Options:                api.responseOptions,
	}
	check.SetBodyBytes(resp.body)

	err := openapi3filter.ValidateResponse(input.Request.Context(), check)
	if err == nil {
		// ValidateResponse passes every HEAD response without looking at it.
		if input.Request.Method != http.MethodHead {
			op.validatedResponses.add(resp)
		}
		return resp
	}

	mismatch := &contractError{err: errors.New(describeResponseError(err))}
	ex := exchangeFrom(input.Request)
	if !s.strict {
		s.logger.Warn("response does not match the contract", "id", ex.id, "operation", input.Route.Operation.OperationID,
			"status", resp.status, "violation", mismatch.err.Error())
		return resp
	}
	return s.errorResponse(api, mismatch)
}
