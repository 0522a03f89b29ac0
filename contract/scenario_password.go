package contract

import (
	"context"
	"errors"
	"fmt"

	"github.com/callfluent/usermock/spec"
)

// passwordChecks returns the reset-password scenarios: the round trip, and
// the documented response to a wrong current password.
func passwordChecks(sp *spec.Spec) []Check {
	op, ok := sp.Operation(opResetPassword)
	if !ok {
		return nil
	}
	message := documentedMessage(op, "msg")

	roundTrip := Check{
		OperationID: op.ID,
		Name:        "new password replaces the old one",
		Provenance:  Documented,
		Mutates:     true,
		run: func(ctx context.Context, s *session) error {
			return s.passwordRoundTrip(ctx, message)
		},
	}

	wrong := negative{
		op: op, subject: "wrong current password", status: badRequestStatus, provenance: Documented,
		rejectedName: "wrong current password rejected with documented msg",
		send: func(ctx context.Context, s *session) ([]*exchange, error) {
			// newPass is the current password, so a target that wrongly
			// serves the request leaves the password as it was.
			body, err := s.resetBody(s.secrets.wrongPassword, s.currentPassword())
			if err != nil {
				return nil, err
			}
			return []*exchange{s.do(ctx, call{operationID: op.ID, authorization: s.primary.authorization(), body: body})}, nil
		},
		extra: func(s *session, ex *exchange) error {
			return expectMessage(ex, "msg", message)
		},
	}
	return append([]Check{roundTrip}, wrong.checks()...)
}

// passwordRoundTrip changes the password to a new one, uses the new one as
// oldPass for a second change, and expects the replaced one to be rejected
// with the documented message. The restore after the check sets the
// original password again.
func (s *session) passwordRoundTrip(ctx context.Context, message string) error {
	original := s.currentPassword()
	first, second := s.secrets.newPasswords[1], s.secrets.newPasswords[2]

	if err := s.expectSuccess(s.resetPassword(ctx, original, first)); err != nil {
		return step("change to a new password", err)
	}
	if err := s.expectSuccess(s.resetPassword(ctx, first, second)); err != nil {
		return step("change again with the new password as oldPass", err)
	}

	replaced := s.resetPassword(ctx, first, original)
	if err := s.expectRejected(replaced); err != nil {
		return step("the replaced password as oldPass", err)
	}
	if err := expectMessage(replaced, "msg", message); err != nil {
		return step("the replaced password as oldPass", err)
	}
	return nil
}

// resetPassword sends a reset-password request for the primary account.
func (s *session) resetPassword(ctx context.Context, oldPass, newPass string) *exchange {
	body, err := s.resetBody(oldPass, newPass)
	if err != nil {
		return &exchange{OperationID: opResetPassword, Err: err}
	}
	return s.do(ctx, call{operationID: opResetPassword, authorization: s.primary.authorization(), body: body})
}

// step prefixes a failure's reason with the scenario step it broke.
func step(name string, err error) error {
	var broken *failure
	if errors.As(err, &broken) {
		return &failure{reason: name + ": " + broken.reason, exchange: broken.exchange}
	}
	return fmt.Errorf("%s: %w", name, err)
}

// expectMessage checks that the JSON body's member key equals want; an
// empty want checks nothing.
func expectMessage(ex *exchange, key, want string) error {
	if want == "" {
		return nil
	}
	body, err := ex.jsonObject()
	if err != nil {
		return failf(ex, "%v", err)
	}
	got, ok := body[key].(string)
	if !ok {
		return failf(ex, "body has no string member %q; want the documented %q", key, want)
	}
	if got != want {
		return failf(ex, "%s is %q, want the documented %q", key, got, want)
	}
	return nil
}

// documentedMessage returns the text of the first error example of op
// (in status and name order) that has the member key, or "".
func documentedMessage(op spec.Operation, key string) string {
	for _, example := range errorExamples(op) {
		if text, ok := example[key].(string); ok {
			return text
		}
	}
	return ""
}
