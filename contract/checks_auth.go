package contract

import (
	"context"
	"net/http"

	"github.com/callfluent/usermock/spec"
)

// authVariant is one Authorization header that must not be served.
type authVariant struct {
	subject string
	header  func(s *session) string // empty sends no header
}

var authVariants = []authVariant{
	{"missing Authorization header", func(*session) string { return "" }},
	{"unknown API key", func(s *session) string { return "Bearer contract-unknown-key-" + s.marker }},
	// The real key under the wrong scheme catches a target that ignores
	// the scheme and reads whatever follows it as the key.
	{"Basic Authorization scheme", func(s *session) string { return "Basic " + s.primary.key }},
	{"Bearer scheme without token", func(*session) string { return "Bearer" }},
}

// unauthorizedStatus is the status the spec gives a request whose
// Authorization header is missing, malformed or names an unknown key.
const unauthorizedStatus = http.StatusUnauthorized

// harmlessWhenServed lists the operations whose authentication probe
// changes nothing even if the target serves it: reset-password sets the
// current password again, and update-setting sends only userId.
//
// NOTE: the other operations' probes are marked Mutates, so -read-only
// leaves authentication of update-detail and update-smtp-setting unchecked.
var harmlessWhenServed = map[string]bool{
	opGetProfile:    true,
	opResetPassword: true,
	opUpdateSetting: true,
}

// authChecks returns, for an operation that requires the bearer key, the
// rules that each bad Authorization header is rejected (documented: the
// docs require the header on every operation) and gets 401 (the spec's
// Unauthorized response).
func authChecks(sp *spec.Spec, op spec.Operation) []Check {
	if !requiresAuth(sp, op) {
		return nil
	}
	var checks []Check
	for _, variant := range authVariants {
		n := negative{
			op:         op,
			subject:    variant.subject,
			status:     unauthorizedStatus,
			provenance: Documented,
			mutates:    !harmlessWhenServed[op.ID],
			send: func(ctx context.Context, s *session) ([]*exchange, error) {
				body, err := s.authProbeBody(op)
				if err != nil {
					return nil, err
				}
				c := call{operationID: op.ID, authorization: variant.header(s), body: body}
				return []*exchange{s.do(ctx, c)}, nil
			},
		}
		checks = append(checks, n.checks()...)
	}
	return checks
}

// requiresAuth reports whether op has a non-empty security requirement,
// its own or the document's.
func requiresAuth(sp *spec.Spec, op spec.Operation) bool {
	requirements := sp.Doc.Security
	if op.Operation.Security != nil {
		requirements = *op.Operation.Security
	}
	for _, requirement := range requirements {
		if len(requirement) > 0 {
			return true
		}
	}
	return false
}

// authProbeBody returns a valid body for op that changes as little as
// possible if a target wrongly serves it. It returns nil for an operation
// without a request body.
func (s *session) authProbeBody(op spec.Operation) (any, error) {
	if requestMediaType(op) == nil {
		return nil, nil
	}
	switch op.ID {
	case opResetPassword:
		return s.resetBody(s.currentPassword(), s.currentPassword())
	case opUpdateSetting:
		body, err := exampleBody(op, s.primary.userID, s.currentPassword())
		if err != nil {
			return nil, err
		}
		return withData(body, map[string]any{fieldUserID: s.primary.userID}), nil
	}
	return s.exampleRequest(op)
}
