package contract

import (
	"context"
	"fmt"
	"net/http"

	"github.com/callfluent/usermock/spec"
)

// Checks returns every check for the contract sp, in run order: per
// operation the example, authentication and validation checks, then the
// scenarios, the isolation checks, and last the checks over every response
// the run received.
func Checks(sp *spec.Spec) ([]Check, error) {
	var checks []Check
	for _, op := range sp.Operations() {
		checks = append(checks, positiveCheck(op))
		checks = append(checks, authChecks(sp, op)...)
		validation, err := validationChecks(op)
		if err != nil {
			return nil, err
		}
		checks = append(checks, validation...)
	}

	checks = append(checks, passwordChecks(sp)...)
	checks = append(checks, settingChecks(sp)...)
	checks = append(checks, smtpChecks(sp)...)
	checks = append(checks, isolationChecks(sp)...)

	for _, op := range sp.Operations() {
		checks = append(checks, conformanceChecks(op)...)
	}

	if err := uniqueNames(checks); err != nil {
		return nil, err
	}
	return checks, nil
}

func uniqueNames(checks []Check) error {
	seen := map[string]bool{}
	for _, check := range checks {
		key := check.OperationID + " " + check.Name
		if seen[key] {
			return fmt.Errorf("two checks are named %q", key)
		}
		seen[key] = true
	}
	return nil
}

// positiveCheck sends the request built from op's example and expects it to
// be served as the spec describes.
func positiveCheck(op spec.Operation) Check {
	return Check{
		OperationID: op.ID,
		Name:        "example request succeeds",
		Provenance:  Documented,
		Mutates:     op.Method != http.MethodGet,
		run: func(ctx context.Context, s *session) error {
			ex, err := s.exampleExchange(ctx, op)
			if err != nil {
				return err
			}
			return s.expectSuccess(ex)
		},
	}
}

// exampleExchange sends op's example request once per run; later checks
// that evaluate the same response share it.
func (s *session) exampleExchange(ctx context.Context, op spec.Operation) (*exchange, error) {
	exchanges, err := s.sharedExchanges("example/"+op.ID, func() ([]*exchange, error) {
		c := call{operationID: op.ID, authorization: s.primary.authorization()}
		if requestMediaType(op) != nil {
			body, err := s.exampleRequest(op)
			if err != nil {
				return nil, err
			}
			c.body = body
		}
		return []*exchange{s.do(ctx, c)}, nil
	})
	if err != nil {
		return nil, err
	}
	return exchanges[0], nil
}

// exampleRequest returns op's example body for the primary account. The
// new password and the SMTP password are replaced by invented values, so
// no account ever gets a published password and the SMTP password can be
// traced in responses.
func (s *session) exampleRequest(op spec.Operation) (map[string]any, error) {
	body, err := exampleBody(op, s.primary.userID, s.currentPassword())
	if err != nil {
		return nil, err
	}
	data := dataOf(body)
	switch op.ID {
	case opResetPassword:
		if data == nil {
			return nil, fmt.Errorf("the request example of %q has no data object", op.ID)
		}
		data[fieldNewPass] = s.secrets.newPasswords[0]
	case opUpdateSMTP:
		if data == nil {
			return nil, fmt.Errorf("the request example of %q has no data object", op.ID)
		}
		data[fieldSMTPPassword] = s.secrets.smtpPassword
	}
	return body, nil
}
