package mockserver

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// serveAPI serves a request that passed CORS with an operation of the
// contract. It matches the path as sent, in its escaped form, as the admin
// API does, so percent-encoded octets are not decoded, dot segments are not
// removed and a trailing slash is not dropped. Paths such as
// /user/%70rofile, /user/./profile and /user/profile/ therefore get 404,
// and no other spelling of a path reaches its operation. No request is
// redirected.
func (s *Server) serveAPI(api *apiState, w http.ResponseWriter, r *http.Request) {
	route, params, err := api.spec.FindRoute(r)
	if err != nil {
		s.sendError(api, w, r, routeError(api, r, err))
		return
	}
	op := api.ops[route.Operation]
	if op == nil {
		s.sendError(api, w, r, fmt.Errorf("operation %s %s was not compiled", r.Method, route.Path))
		return
	}
	s.serveOperation(api, w, r, route, params, op)
}

func routeError(api *apiState, r *http.Request, err error) error {
	if errors.Is(err, routers.ErrMethodNotAllowed) {
		return errMethodNotAllowed(r.Method, r.URL.EscapedPath(), api.spec.AllowedMethods(r))
	}
	return errNotFound(r.URL.EscapedPath())
}

// sendError sends the response for err without checking it against the
// contract, because err concerns no operation or is a request to the mock
// itself.
func (s *Server) sendError(api *apiState, w http.ResponseWriter, r *http.Request, err error) {
	resp := s.errorResponse(api, err)
	ex := exchangeFrom(r)
	ex.err = errors.New(resp.problem)
	ex.responseBody = resp.body
	writeResponse(w, resp)
}

// serveOperation serves an operation of the contract and validates the
// response, errors included, against the operation's documented responses.
func (s *Server) serveOperation(api *apiState, w http.ResponseWriter, r *http.Request,
	route *routers.Route, params map[string]string, op *operation) {
	ex := exchangeFrom(r)
	ex.operation = op.id
	validationRoute := *route
	validationRoute.Operation = op.unsecured
	input := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      &validationRoute,
		Options:    api.requestOptions,
	}

	resp, err := s.answer(api, w, input, op)
	if ex.canceled {
		return
	}
	if err != nil {
		var apiErr *apiError
		if errors.As(err, &apiErr) && apiErr.control {
			s.sendError(api, w, r, err)
			return
		}
		resp = s.errorResponse(api, err)
	}

	resp = s.checkResponse(api, op, input, resp)
	if resp.problem != "" {
		ex.err = errors.New(resp.problem)
	}
	ex.responseBody = resp.body
	writeResponse(w, resp)
}

// answer runs the steps of an operation: authentication, body and
// parameter validation, the Prefer header, then the behaviour, the forced
// response or the documented example.
func (s *Server) answer(api *apiState, w http.ResponseWriter, input *openapi3filter.RequestValidationInput, op *operation) (response, error) {
	r := input.Request
	data := s.data.Load()
	if err := s.authenticate(r, input.Route, op, data.store); err != nil {
		return response{}, err
	}

	body, err := s.validateRequest(w, input, op)
	if err != nil {
		return response{}, err
	}

	pref, err := parsePrefer(r.Header.Values(headerPrefer))
	if err != nil {
		return response{}, err
	}
	if !wait(r.Context(), pref.delay) {
		exchangeFrom(r).canceled = true
		return response{}, r.Context().Err()
	}
	if pref.forced() {
		exchangeFrom(r).forced = true
		return forcedResponse(op, pref, r, api.spec.AllowedMethods)
	}

	run, ok := s.behaviours[op.id]
	if !ok {
		return exampleAnswer(op)
	}
	return run(&call{r: r, account: exchangeFrom(r).account, data: dataObject(body), store: data.store})
}

// validateRequest reads the body, when the operation documents one, and
// validates parameters and body against the contract. It returns the
// decoded body, or nil when there is none. A request equal to one that
// already passed for op is not validated again.
func (s *Server) validateRequest(w http.ResponseWriter, input *openapi3filter.RequestValidationInput, op *operation) (any, error) {
	r := input.Request
	operation := input.Route.Operation
	if err := checkQuery(r, input.Route); err != nil {
		return nil, err
	}

	var data []byte
	if operation.RequestBody != nil && operation.RequestBody.Value != nil {
		var err error
		if data, err = s.readBody(w, r, operation.RequestBody.Value); err != nil {
			return nil, err
		}
		r.Body = newBodyReader(data)
		r.ContentLength = int64(len(data))
		r.GetBody = nil
	}

	key, cacheable := requestKey(input, data)
	if cacheable {
		if body, ok := op.validatedRequests.lookup(key); ok {
			return body, nil
		}
	}

	if err := openapi3filter.ValidateRequest(r.Context(), input); err != nil {
		return nil, err
	}
	var body any
	if validated, ok := r.Body.(interface{ ValidatedValue() any }); ok {
		body = validated.ValidatedValue()
	}
	if cacheable {
		op.validatedRequests.add(key, body)
	}
	return body, nil
}

// dataObject returns the "data" member of a JSON object body, the wrapper
// that every documented request body uses.
func dataObject(body any) map[string]any {
	object, _ := body.(map[string]any)
	data, _ := object["data"].(map[string]any)
	return data
}

// exampleAnswer answers an operation that has no behaviour with its lowest
// documented 2xx response and that response's first example.
func exampleAnswer(op *operation) (response, error) {
	resp, ok := op.lowest2xx()
	if !ok {
		return response{}, fmt.Errorf("operation %q has no behaviour and documents no 2xx response", op.id)
	}
	resp, ex, err := firstExample(resp)
	if err != nil {
		return response{}, err
	}
	return exampleResponse(resp, ex), nil
}
