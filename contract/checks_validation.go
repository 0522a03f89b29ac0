package contract

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/callfluent/usermock/spec"
)

// badRequestStatus is the status the spec gives an invalid request body.
const badRequestStatus = http.StatusBadRequest

// wrongTypes are the values sent in place of a string field.
var wrongTypes = []struct {
	label string
	value any
}{
	{"as number", 1234},
	{"as null", nil},
	{"as object", map[string]any{"value": "text"}},
}

// validationChecks returns, for an operation with a JSON request body, the
// rules that each required field omitted, each string field of the wrong
// JSON type, and malformed JSON are rejected. The documentation marks the
// fields required and string-typed, so the rejected rules are documented.
func validationChecks(op spec.Operation) ([]Check, error) {
	schema := requestSchema(op)
	if schema == nil {
		return nil, nil
	}
	example, err := exampleBody(op, "0", "placeholder")
	if err != nil {
		return nil, err
	}

	var checks []Check
	for _, path := range requiredPaths(schema, nil) {
		checks = append(checks, omittedField(op, path).checks()...)
	}
	for _, path := range stringPaths(example, schema, nil) {
		checks = append(checks, wrongType(op, path).checks()...)
	}
	checks = append(checks, malformedJSON(op).checks()...)
	return checks, nil
}

// validationBase returns the body that validation checks edit: op's
// example, and for reset-password the current password as both oldPass and
// newPass, so a target that wrongly serves it keeps the password.
func (s *session) validationBase(op spec.Operation) (map[string]any, error) {
	if op.ID == opResetPassword {
		return s.resetBody(s.currentPassword(), s.currentPassword())
	}
	return s.exampleRequest(op)
}

func omittedField(op spec.Operation, path fieldPath) negative {
	return negative{
		op: op, subject: path.String() + " omitted", status: badRequestStatus,
		provenance: Documented, mutates: true,
		send: func(ctx context.Context, s *session) ([]*exchange, error) {
			base, err := s.validationBase(op)
			if err != nil {
				return nil, err
			}
			body := editPath(base, path, nil, true)
			return []*exchange{s.do(ctx, call{operationID: op.ID, authorization: s.primary.authorization(), body: body})}, nil
		},
	}
}

func wrongType(op spec.Operation, path fieldPath) negative {
	return negative{
		op: op, subject: path.String() + " of wrong type", status: badRequestStatus,
		provenance: Documented, mutates: true,
		send: func(ctx context.Context, s *session) ([]*exchange, error) {
			base, err := s.validationBase(op)
			if err != nil {
				return nil, err
			}
			var exchanges []*exchange
			for _, wrong := range wrongTypes {
				body := editPath(base, path, wrong.value, false)
				ex := s.do(ctx, call{operationID: op.ID, authorization: s.primary.authorization(), body: body})
				exchanges = append(exchanges, withLabel(ex, wrong.label))
			}
			return exchanges, nil
		},
	}
}

// malformedJSON sends the example body cut short, so it is not JSON. No
// target can act on it, so the check runs in read-only mode too.
func malformedJSON(op spec.Operation) negative {
	return negative{
		op: op, subject: "malformed JSON body", status: badRequestStatus,
		provenance: Documented,
		send: func(ctx context.Context, s *session) ([]*exchange, error) {
			base, err := s.validationBase(op)
			if err != nil {
				return nil, err
			}
			encoded, err := json.Marshal(base)
			if err != nil {
				return nil, err
			}
			truncated := encoded[:len(encoded)-2]
			return []*exchange{s.do(ctx, call{operationID: op.ID, authorization: s.primary.authorization(), raw: truncated})}, nil
		},
	}
}
