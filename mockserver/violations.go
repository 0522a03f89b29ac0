package mockserver

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// maxQuotedValue is the longest value quoted in a violation's reason.
const maxQuotedValue = 40

// isValidationError reports whether err comes from openapi3filter's request
// validation or from a schema.
func isValidationError(err error) bool {
	var (
		requestErr *openapi3filter.RequestError
		schemaErr  *openapi3.SchemaError
		multi      openapi3.MultiError
	)
	return errors.As(err, &requestErr) || errors.As(err, &schemaErr) || errors.As(err, &multi)
}

// collectViolations flattens a validation error into one violation per
// failing field. With quote set, a reason ends with the bad value when the
// value is a short scalar of a field that holds no secret.
func collectViolations(err error, quote bool) []violation {
	c := &collector{quote: quote}
	c.walk(err, "body", "")
	return c.out
}

type collector struct {
	quote bool
	out   []violation
}

func (c *collector) add(v violation) {
	if len(c.out) < maxViolations {
		c.out = append(c.out, v)
	}
}

// walk descends err. location and param give where the error was found,
// and param is the parameter's name, empty for the body.
func (c *collector) walk(err error, location, param string) {
	switch e := err.(type) {
	case openapi3.MultiError:
		for _, inner := range e {
			c.walk(inner, location, param)
		}
	case *openapi3filter.RequestError:
		c.walkRequestError(e)
	case *openapi3.SchemaError:
		c.add(c.schemaViolation(e, location, param))
	case *openapi3filter.ParseError:
		c.add(c.parseViolation(e, location, param))
	default:
		var schemaErr *openapi3.SchemaError
		if errors.As(err, &schemaErr) {
			c.add(c.schemaViolation(schemaErr, location, param))
			return
		}
		c.add(violation{Location: location, Field: param, Reason: err.Error()})
	}
}

func (c *collector) walkRequestError(e *openapi3filter.RequestError) {
	location, param := "body", ""
	if e.Parameter != nil {
		location, param = e.Parameter.In, e.Parameter.Name
	}

	switch {
	case e.Err == nil:
		c.add(violation{Location: location, Field: param, Reason: e.Reason})
	case errors.Is(e.Err, openapi3filter.ErrInvalidRequired):
		c.add(violation{Location: location, Field: param, Reason: "is required"})
	default:
		c.walk(e.Err, location, param)
	}
}

func (c *collector) schemaViolation(e *openapi3.SchemaError, location, param string) violation {
	path := e.JSONPointer()
	reason := e.Reason
	if reason == "" {
		reason = fmt.Sprintf("does not match the schema's %q", e.SchemaField)
	}

	// An unsupported property is reported on its parent object; name the
	// property itself.
	if name, ok := unsupportedProperty(reason); ok {
		path = append(path, name)
	}

	field := strings.Join(path, ".")
	if param != "" {
		field = strings.Join(append([]string{param}, path...), ".")
	}

	if c.quote && !strings.Contains(reason, "is missing") {
		if quoted, ok := quotableValue(e, path); ok && !strings.Contains(reason, quoted) {
			reason += " (got " + quoted + ")"
		}
	}
	return violation{Location: location, Field: field, Reason: reason}
}

// parseViolation describes a parameter value that cannot be decoded, such
// as "abc" for an integer.
func (c *collector) parseViolation(e *openapi3filter.ParseError, location, param string) violation {
	reason := e.Reason
	switch {
	case reason == "":
		reason = "cannot be decoded"
	case strings.HasPrefix(reason, "a ") || strings.HasPrefix(reason, "an "):
		reason = "is " + reason
	}
	if value, ok := e.Value.(string); ok && c.quote && !isSecretName(param) {
		if len(value) > maxQuotedValue {
			value = value[:maxQuotedValue] + "..."
		}
		reason += " (got " + strconv.Quote(value) + ")"
	}
	return violation{Location: location, Field: param, Reason: reason}
}

// unsupportedProperty returns X of the reason `property "X" is unsupported`.
func unsupportedProperty(reason string) (string, bool) {
	rest, ok := strings.CutPrefix(reason, "property ")
	if !ok || !strings.HasSuffix(rest, " is unsupported") {
		return "", false
	}
	quoted, err := strconv.QuotedPrefix(rest)
	if err != nil {
		return "", false
	}
	name, err := strconv.Unquote(quoted)
	return name, err == nil
}

// quotableValue returns the failing value in JSON-like quoting when it is a
// scalar of a field that cannot hold a secret, shortened to maxQuotedValue.
func quotableValue(e *openapi3.SchemaError, path []string) (string, bool) {
	if e.Schema != nil && e.Schema.WriteOnly {
		return "", false
	}
	if len(path) > 0 && isSecretName(path[len(path)-1]) {
		return "", false
	}

	switch value := e.Value.(type) {
	case string:
		if len(value) > maxQuotedValue {
			value = value[:maxQuotedValue] + "..."
		}
		return strconv.Quote(value), true
	case bool, float64, int, int64:
		return fmt.Sprint(value), true
	case nil:
		return "null", true
	default:
		return "", false
	}
}

// describeResponseError turns an error of openapi3filter.ValidateResponse
// into one line. It never quotes a response value, since the violation may
// be a leaked secret.
func describeResponseError(err error) string {
	var responseErr *openapi3filter.ResponseError
	if !errors.As(err, &responseErr) {
		return err.Error()
	}
	if responseErr.Reason == "status is not supported" {
		return fmt.Sprintf("status %d is not documented for this operation", responseErr.Input.Status)
	}
	if responseErr.Err == nil {
		return responseErr.Reason
	}

	var parts []string
	for _, v := range collectViolations(responseErr.Err, false) {
		if v.Field == "" {
			parts = append(parts, v.Reason)
			continue
		}
		parts = append(parts, v.Field+": "+v.Reason)
	}
	where := responseErr.Reason
	if strings.HasPrefix(where, "response body") {
		where = "response body"
	}
	return where + ": " + strings.Join(parts, "; ")
}
