package mockserver

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/callfluent/usermock/spec"
)

// documentedResponse is one documented response of an operation, with its
// examples ready to send.
type documentedResponse struct {
	status      int
	contentType string // empty when the response documents no content

	// header holds the example value of each documented header.
	header http.Header

	// examples are the named examples in document order, and then the
	// media type's single unnamed example, if any.
	examples []namedExample
}

// namedExample is one example value with its JSON encoding.
type namedExample struct {
	name  string // empty for a media type's unnamed example
	value any
	body  []byte
}

// compileResponses returns the operation's responses that have a numeric
// status, in ascending order. Range keys such as "4XX" and "default" name
// no single status, so the mock never sends them as examples.
func compileResponses(op *openapi3.Operation) []documentedResponse {
	var out []documentedResponse
	for key, ref := range op.Responses.Map() {
		status, err := strconv.Atoi(key)
		if err != nil || ref == nil || ref.Value == nil {
			continue
		}
		out = append(out, compileResponse(status, ref.Value))
	}
	slices.SortFunc(out, func(a, b documentedResponse) int { return cmp.Compare(a.status, b.status) })
	return out
}

func compileResponse(status int, resp *openapi3.Response) documentedResponse {
	doc := documentedResponse{status: status, header: http.Header{}}
	for name, ref := range resp.Headers {
		if ref == nil || ref.Value == nil {
			continue
		}
		if value, ok := headerExample(ref.Value); ok {
			doc.header.Set(name, value)
		}
	}

	contentType, media := pickMediaType(resp.Content)
	if media == nil {
		return doc
	}
	doc.contentType = contentType
	doc.examples = orderedExamples(media)
	return doc
}

func headerExample(h *openapi3.Header) (string, bool) {
	value := h.Example
	if value == nil && h.Schema != nil && h.Schema.Value != nil {
		value = h.Schema.Value.Example
	}
	if value == nil {
		return "", false
	}
	return fmt.Sprint(value), true
}

// pickMediaType prefers application/json, then any JSON media type, then
// the first in name order.
func pickMediaType(content openapi3.Content) (string, *openapi3.MediaType) {
	if media := content["application/json"]; media != nil {
		return "application/json", media
	}
	names := make([]string, 0, len(content))
	for name := range content {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if strings.HasSuffix(name, "+json") {
			return name, content[name]
		}
	}
	if len(names) > 0 {
		return names[0], content[names[0]]
	}
	return "", nil
}

// orderedExamples returns the media type's named examples in document
// order (see spec.OrderedExamples), then its single unnamed example, if any.
// Examples without a value (externalValue only) and examples that JSON
// cannot encode are skipped, as the mock cannot send them.
func orderedExamples(media *openapi3.MediaType) []namedExample {
	var out []namedExample
	for _, name := range spec.OrderedExamples(media.Examples) {
		ref := media.Examples[name]
		if ref == nil || ref.Value == nil || ref.Value.Value == nil {
			continue
		}
		if ex, ok := newExample(name, ref.Value.Value); ok {
			out = append(out, ex)
		}
	}
	if media.Example != nil {
		if ex, ok := newExample("", media.Example); ok {
			out = append(out, ex)
		}
	}
	return out
}

// newExample encodes value, and reports false for a value that JSON cannot
// encode, such as a map with non-string keys.
func newExample(name string, value any) (namedExample, bool) {
	body, err := json.Marshal(value)
	if err != nil {
		return namedExample{}, false
	}
	return namedExample{name: name, value: value, body: body}, true
}

// lowest2xx returns the documented success response with the lowest status.
func (op *operation) lowest2xx() (documentedResponse, bool) {
	for _, resp := range op.responses {
		if resp.status >= 200 && resp.status < 300 {
			return resp, true
		}
	}
	return documentedResponse{}, false
}

// response returns the documented response with the given status.
func (op *operation) response(status int) (documentedResponse, bool) {
	for _, resp := range op.responses {
		if resp.status == status {
			return resp, true
		}
	}
	return documentedResponse{}, false
}

// exampleResponse builds the answer that resp documents with example ex.
func exampleResponse(resp documentedResponse, ex namedExample) response {
	out := response{status: resp.status, header: resp.header.Clone(), body: ex.body}
	if resp.contentType != "" {
		out.header.Set("Content-Type", resp.contentType)
	}
	return out
}
