package mockserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// readBody reads and checks the request body of an operation that
// documents one: size, media type and strict JSON, in that order. It
// returns nil for an absent optional body.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, requestBody *openapi3.RequestBody) ([]byte, error) {
	// The declared length is checked first, so an oversized body is never
	// read.
	if r.ContentLength > s.bodyLimit {
		return nil, errTooLarge(s.bodyLimit)
	}
	contentTypes := r.Header.Values("Content-Type")
	if len(contentTypes) > 0 {
		if err := checkContentType(contentTypes, requestBody); err != nil {
			return nil, err
		}
	}

	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.bodyLimit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, errTooLarge(s.bodyLimit)
		}
		// The client sent less than it declared, broke the chunked
		// encoding, or was cut off by the server's read timeout. Each is a
		// fault of the request, so the status is 400 and not 500.
		return nil, errBadBody("", fmt.Sprintf("could not be read (%v); send the whole body that Content-Length or the chunked encoding declares", err))
	}
	exchangeFrom(r).requestBody = data

	if len(data) == 0 {
		if requestBody.Required {
			return nil, errBadBody("", "is required; send a JSON object")
		}
		return nil, nil
	}
	if len(contentTypes) == 0 {
		return nil, errUnsupportedMediaType("missing Content-Type header; send the body as application/json")
	}
	if jsonErr := checkStrictJSON(data); jsonErr != nil {
		return nil, errBadBody(jsonErr.field, jsonErr.reason)
	}
	return data, nil
}

// checkContentType accepts one Content-Type header naming a JSON media type
// that the operation documents, compared without regard to case (RFC 9110,
// section 8.3.1), with a charset parameter, if any, of utf-8.
func checkContentType(values []string, requestBody *openapi3.RequestBody) error {
	if len(values) > 1 {
		return errUnsupportedMediaType("more than one Content-Type header; send one, application/json")
	}
	mediaType, params, err := mime.ParseMediaType(values[0])
	if err != nil {
		return errUnsupportedMediaType(fmt.Sprintf("content type %q is invalid (%v); send application/json", values[0], err))
	}

	documented := jsonMediaTypes(requestBody)
	if !slices.Contains(documented, mediaType) {
		return errUnsupportedMediaType(fmt.Sprintf("content type %q is not supported; send %s", mediaType, strings.Join(documented, " or ")))
	}
	if charset, ok := params["charset"]; ok && !strings.EqualFold(charset, "utf-8") {
		return errUnsupportedMediaType(fmt.Sprintf("charset %q is not supported; send UTF-8", charset))
	}
	return nil
}

// jsonMediaTypes returns the JSON media types that requestBody documents,
// lowercased and sorted. The mock checks and decodes bodies as JSON only.
func jsonMediaTypes(requestBody *openapi3.RequestBody) []string {
	var out []string
	for name := range requestBody.Content {
		name = strings.ToLower(name)
		if name == "application/json" || strings.HasSuffix(name, "+json") {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// checkQuery rejects a query string that does not parse, for an operation
// that documents query parameters, on itself or on its path item. The validator and the behaviours read
// url.URL.Query, which silently drops every pair with a semicolon or an
// invalid percent-encoding, so a documented parameter would be ignored.
// checkQuery also rejects a query parameter sent more than once when its
// schema is not an array, since the validator would check only the first
// value.
func checkQuery(r *http.Request, route *routers.Route) error {
	params := queryParameters(route)
	if r.URL.RawQuery == "" || len(params) == 0 {
		return nil
	}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		v := violation{Location: "query", Reason: fmt.Sprintf("is invalid (%v); separate parameters with & and percent-encode reserved characters", err)}
		return &apiError{status: http.StatusBadRequest, message: "query string: " + v.Reason, violations: []violation{v}}
	}
	for _, param := range params {
		if len(query[param.Name]) < 2 {
			continue
		}
		if param.Schema != nil && param.Schema.Value != nil && param.Schema.Value.Type.Includes(openapi3.TypeArray) {
			continue
		}
		return errBadQuery(param.Name, fmt.Sprintf("is sent %d times; send it once", len(query[param.Name])))
	}
	return nil
}

// queryParameters returns the query parameters that apply to the route's
// operation: its own and those of its path item, where the operation's
// declaration of a name replaces the path item's, as OpenAPI specifies.
func queryParameters(route *routers.Route) []*openapi3.Parameter {
	var params []*openapi3.Parameter
	own := map[string]bool{}
	for _, ref := range route.Operation.Parameters {
		if ref.Value != nil && ref.Value.In == openapi3.ParameterInQuery {
			params = append(params, ref.Value)
			own[ref.Value.Name] = true
		}
	}
	if route.PathItem == nil {
		return params
	}
	for _, ref := range route.PathItem.Parameters {
		if ref.Value != nil && ref.Value.In == openapi3.ParameterInQuery && !own[ref.Value.Name] {
			params = append(params, ref.Value)
		}
	}
	return params
}

// newBodyReader returns data as a request body.
func newBodyReader(data []byte) io.ReadCloser {
	return io.NopCloser(bytes.NewReader(data))
}
