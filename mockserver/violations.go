package mockserver

import (
	"errors"
	"fmt"
	"slices"
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
// value is a short scalar of a field that holds no secret: no field on the
// path is writeOnly or named in secrets. A reason that would show the value
// of a secret field, or any value when quote is not set, is cut to the part
// without it.
func collectViolations(err error, quote bool, secrets *secrets) []violation {
	c := &collector{quote: quote, secrets: secrets}
	c.walk(err, "body", "")
	return c.out
}

type collector struct {
	quote   bool
	secrets *secrets
	out     []violation
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

	secret := c.isSecret(e.Schema, param, path)
	if !c.quote || secret {
		return violation{Location: location, Field: field, Reason: withoutValue(reason, e.Value, e.SchemaField)}
	}
	if !strings.Contains(reason, "is missing") {
		if quoted, ok := quotableValue(e.Value); ok && !strings.Contains(reason, quoted) {
			reason += " (got " + quoted + ")"
		}
	}
	return violation{Location: location, Field: field, Reason: reason}
}

// isSecret reports whether a value may be a secret: its schema is writeOnly,
// or the parameter or a member on its path has a secret name.
func (c *collector) isSecret(schema *openapi3.Schema, param string, path []string) bool {
	if schema != nil && schema.WriteOnly {
		return true
	}
	if param != "" && c.secrets.isSecretName(param) {
		return true
	}
	return slices.ContainsFunc(path, c.secrets.isSecretName)
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
	if !c.quote || c.secrets.isSecretName(param) {
		return violation{Location: location, Field: param, Reason: withoutValue(reason, e.Value, "")}
	}
	if value, ok := e.Value.(string); ok {
		reason += " (got " + strconv.Quote(shorten(value)) + ")"
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

// quotableValue returns value in JSON-like quoting when it is a scalar,
// shortened to maxQuotedValue bytes. Objects and arrays are never quoted,
// as they may hold secrets under any name. The caller checks that the
// field holds no secret.
func quotableValue(value any) (string, bool) {
	switch value := value.(type) {
	case string:
		return strconv.Quote(shorten(value)), true
	case bool, float64, int, int64:
		return fmt.Sprint(value), true
	case nil:
		return "null", true
	default:
		return "", false
	}
}

// shorten cuts s to maxQuotedValue bytes at a rune boundary and marks the
// cut with "...".
func shorten(s string) string {
	if len(s) <= maxQuotedValue {
		return s
	}
	return cutString(s, maxQuotedValue) + "..."
}

// withoutValue returns reason without value, which a format validator's
// message may quote. kin-openapi puts such detail after " (", so it returns
// the part before that. When that part contains value too, it returns a
// reason that names only the schema keyword.
func withoutValue(reason string, value any, keyword string) string {
	if !containsValue(reason, value) {
		return reason
	}
	if before, _, found := strings.Cut(reason, " ("); found && !containsValue(before, value) {
		return before
	}
	if keyword == "" {
		return "is invalid"
	}
	return fmt.Sprintf("does not match the schema's %q", keyword)
}

// containsValue reports whether text contains a string or number value.
// The reasons of kin-openapi v0.153.0 about objects and arrays name members
// and counts, never the request's values inside them.
func containsValue(text string, value any) bool {
	switch value := value.(type) {
	case string:
		return value != "" && strings.Contains(text, value)
	case float64, int, int64:
		return strings.Contains(text, fmt.Sprint(value))
	default:
		return false
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
	for _, v := range collectViolations(responseErr.Err, false, nil) {
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
