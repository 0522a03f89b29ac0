package contract

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"

	"github.com/callfluent/usermock/spec"
)

// forbiddenStatus is the status the spec gives a userId of another account.
const forbiddenStatus = http.StatusForbidden

// isolationChecks returns the checks that need the second account. The
// first account's writes must leave the second's profile unchanged, which
// is documented because every operation acts on the caller's own account.
// A userId of the second account in the first account's request must be
// rejected, which the UserId schema marks as inferred.
func isolationChecks(sp *spec.Spec) []Check {
	var checks []Check
	for _, id := range []string{opUpdateSetting, opUpdateSMTP} {
		op, ok := sp.Operation(id)
		if !ok {
			continue
		}
		checks = append(checks, foreignUserID(op).checks()...)
	}
	for _, id := range []string{opUpdateSetting, opUpdateSMTP, opUpdateDetail} {
		if op, ok := sp.Operation(id); ok {
			checks = append(checks, unchangedSecondAccount(op))
		}
	}
	return checks
}

// foreignUserID is the first account's write naming the second account's
// userId.
func foreignUserID(op spec.Operation) negative {
	provenance, basis := fieldProvenance(dataSchema(op), fieldUserID)
	return negative{
		op: op, subject: "userId of the second account", status: forbiddenStatus,
		provenance: provenance, basis: basis, mutates: true, second: true,
		send: func(ctx context.Context, s *session) ([]*exchange, error) {
			return []*exchange{s.foreignWrite(ctx, op)}, nil
		},
	}
}

// foreignWrite sends, once per run, the first account's write with the
// second account's userId.
func (s *session) foreignWrite(ctx context.Context, op spec.Operation) *exchange {
	exchanges, err := s.sharedExchanges("foreign/"+op.ID, func() ([]*exchange, error) {
		body, err := s.ownWriteBody(op)
		if err != nil {
			return nil, err
		}
		dataOf(body)[fieldUserID] = s.secondary.userID
		return []*exchange{s.do(ctx, call{operationID: op.ID, authorization: s.primary.authorization(), body: body})}, nil
	})
	if err != nil {
		return &exchange{OperationID: op.ID, Err: err}
	}
	return exchanges[0]
}

// ownWriteBody returns a write of op for the primary account with unique
// values where the spec allows.
func (s *session) ownWriteBody(op spec.Operation) (map[string]any, error) {
	if op.ID == opUpdateSetting {
		return s.uniqueSettingBody(op, s.primary.userID)
	}
	body, err := s.exampleRequest(op)
	if err != nil {
		return nil, err
	}
	if dataOf(body) == nil {
		return nil, fmt.Errorf("the request example of %q has no data object", op.ID)
	}
	return body, nil
}

// unchangedSecondAccount reads the second account's profile, sends the
// first account's own write of op (and, where the body has a userId, the
// write naming the second account), and reads the profile again.
//
// NOTE: the profile shows only name, email and branding, so a change to the
// second account's SMTP settings or update-detail fields goes unseen here.
func unchangedSecondAccount(op spec.Operation) Check {
	return Check{
		OperationID:   op.ID,
		Name:          "second account unchanged by first account's writes",
		Provenance:    Documented,
		Mutates:       true,
		SecondAccount: true,
		run: func(ctx context.Context, s *session) error {
			before, err := s.readProfile(ctx, s.secondary)
			if err != nil {
				return step("read the second account's profile before", err)
			}

			body, err := s.ownWriteBody(op)
			if err != nil {
				return err
			}
			last := s.do(ctx, call{operationID: op.ID, authorization: s.primary.authorization(), body: body})
			if _, hasUserID := dataOf(body)[fieldUserID]; hasUserID {
				// A fresh request, not the shared one: the restore after an
				// earlier check may have undone what that one changed.
				dataOf(body)[fieldUserID] = s.secondary.userID
				last = s.do(ctx, call{operationID: op.ID, authorization: s.primary.authorization(), body: body})
			}

			after, err := s.readProfile(ctx, s.secondary)
			if err != nil {
				return step("read the second account's profile after", err)
			}
			if !reflect.DeepEqual(before, after) {
				return failf(last, "the second account's profile changed: %s", profileDiff(before, after))
			}
			return nil
		},
	}
}

// readProfile returns the account's profile body.
func (s *session) readProfile(ctx context.Context, a account) (map[string]any, error) {
	ex := s.do(ctx, call{operationID: opGetProfile, authorization: a.authorization()})
	body, err := ex.jsonObject()
	if err != nil || !ex.accepted() {
		return nil, failf(ex, "the profile could not be read")
	}
	return body, nil
}

// profileDiff names the members of the profile's user and setting objects
// that differ.
func profileDiff(before, after map[string]any) string {
	var changed []string
	for _, section := range []string{"user", "setting"} {
		old, current := stringFields(before[section]), stringFields(after[section])
		for _, name := range slices.Sorted(maps.Keys(mergeKeys(old, current))) {
			if old[name] != current[name] {
				changed = append(changed, fmt.Sprintf("%s.%s %q -> %q", section, name, old[name], current[name]))
			}
		}
	}
	if len(changed) == 0 {
		return "the profile body differs"
	}
	return joinKeys(changed)
}

func mergeKeys(a, b map[string]string) map[string]bool {
	keys := map[string]bool{}
	for key := range a {
		keys[key] = true
	}
	for key := range b {
		keys[key] = true
	}
	return keys
}
