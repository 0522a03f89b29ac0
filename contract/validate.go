package contract

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/callfluent/usermock/spec"
)

// violation is one way a response differs from the spec.
type violation struct {
	text     string
	inferred bool // the broken schema element carries an x-inferred mark
}

// violations validates ex's response against the spec with
// openapi3filter.ValidateResponse: the status must be declared, the
// Content-Type listed and the body valid. Each schema error is classified
// by the x-inferred mark of the schema element that failed; every other
// error is documented.
func (s *session) violations(ex *exchange) []violation {
	if ex.Err != nil {
		return []violation{{text: "no response: " + ex.Err.Error()}}
	}
	op, ok := s.spec.Operation(ex.OperationID)
	if !ok {
		return []violation{{text: fmt.Sprintf("the spec has no operation %q", ex.OperationID)}}
	}

	request, err := http.NewRequest(op.Method, op.Path, nil)
	if err != nil {
		return []violation{{text: "build validation request: " + err.Error()}}
	}
	options := s.spec.FilterOptions()
	options.IncludeResponseStatus = true
	route := &routers.Route{Spec: s.spec.Doc, Path: op.Path, Method: op.Method, Operation: op.Operation}

	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: request, Route: route, Options: options},
		Status:                 ex.Status,
		Header:                 ex.ResponseHeader,
		Options:                options,
	}
	input.SetBodyBytes(ex.ResponseBody)

	err = openapi3filter.ValidateResponse(context.Background(), input)
	if err == nil {
		return nil
	}
	return classify(err, ex.Status, op.ID)
}

// classify flattens a ValidateResponse error into violations.
func classify(err error, status int, operationID string) []violation {
	var out []violation
	var walk func(error)
	walk = func(err error) {
		switch typed := err.(type) {
		case openapi3.MultiError:
			for _, inner := range typed {
				walk(inner)
			}
		case *openapi3filter.ResponseError:
			switch typed.Err.(type) {
			case nil:
				out = append(out, violation{text: fmt.Sprintf("status %d of %s: %s", status, operationID, typed.Reason)})
			case openapi3.MultiError, *openapi3.SchemaError:
				walk(typed.Err)
			default:
				out = append(out, violation{text: firstLine(typed.Error())})
			}
		case *openapi3.SchemaError:
			out = append(out, schemaViolation(typed))
		default:
			out = append(out, violation{text: firstLine(err.Error())})
		}
	}
	walk(err)
	return out
}

// schemaViolation describes a schema error by its JSON pointer and reason.
// It leaves out the schema dump that SchemaError.Error adds.
func schemaViolation(err *openapi3.SchemaError) violation {
	pointer := "/" + strings.Join(err.JSONPointer(), "/")
	reason := err.Reason
	if reason == "" && err.Origin != nil {
		reason = err.Origin.Error()
	}
	if reason == "" {
		reason = fmt.Sprintf("does not satisfy %q", err.SchemaField)
	}
	inferred := false
	if err.Schema != nil {
		_, inferred = spec.Inferred(err.Schema.Extensions)
	}
	return violation{text: fmt.Sprintf("body %s: %s", pointer, reason), inferred: inferred}
}

// documentedOnly returns the violations without an x-inferred mark.
func documentedOnly(all []violation) []violation {
	var out []violation
	for _, v := range all {
		if !v.inferred {
			out = append(out, v)
		}
	}
	return out
}

// describe joins at most three violations for a message.
func describe(all []violation) string {
	var texts []string
	for i, v := range all {
		if i == 3 {
			texts = append(texts, fmt.Sprintf("and %d more", len(all)-3))
			break
		}
		texts = append(texts, v.text)
	}
	return strings.Join(texts, "; ")
}

// errorSchemas returns the distinct JSON schemas of op's non-2xx responses,
// the documented error bodies such as Error and PasswordError. The schema
// of the response declared for status comes first, then the others in
// status order.
func errorSchemas(op spec.Operation, status int) []*openapi3.Schema {
	responses := op.Operation.Responses.Map()
	codes := errorStatusCodes(op)
	if i := slices.Index(codes, strconv.Itoa(status)); i > 0 {
		codes = slices.Concat(codes[i:i+1], codes[:i], codes[i+1:])
	}

	var schemas []*openapi3.Schema
	seen := map[*openapi3.Schema]bool{}
	for _, code := range codes {
		ref := responses[code]
		if ref == nil || ref.Value == nil {
			continue
		}
		media := ref.Value.Content.Get(jsonMediaType)
		if media == nil || media.Schema == nil || seen[media.Schema.Value] {
			continue
		}
		seen[media.Schema.Value] = true
		schemas = append(schemas, media.Schema.Value)
	}
	return schemas
}

// matchesErrorShape returns nil when the response body is JSON and valid
// against one of op's error schemas. Otherwise it reports the mismatch
// with the first schema, which is the one declared for the status if any.
func matchesErrorShape(op spec.Operation, ex *exchange) error {
	if !ex.hasJSONContentType() {
		return fmt.Errorf("Content-Type %q is not JSON", ex.ResponseHeader.Get("Content-Type"))
	}
	body, err := ex.jsonBody()
	if err != nil {
		return err
	}

	var firstErr error
	options := append(spec.SchemaOptions(), openapi3.VisitAsResponse())
	for _, schema := range errorSchemas(op, ex.Status) {
		err := schema.VisitJSON(body, options...)
		if err == nil {
			return nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr == nil {
		return fmt.Errorf("the spec declares no error body for %s", op.ID)
	}
	return fmt.Errorf("body is not a documented error body (%s)", firstLine(firstErr.Error()))
}

// firstLine drops the schema dump that follows a schema error's message.
func firstLine(text string) string {
	line, _, _ := strings.Cut(text, "\n")
	return strings.TrimSpace(line)
}
