package contract

import (
	"context"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/callfluent/usermock/spec"
)

// smtpChecks returns the update-smtp-setting scenarios, which evaluate the
// response to the example request: the sent SMTP password never comes
// back, no member is named like a secret, and the user is the caller.
func smtpChecks(sp *spec.Spec) []Check {
	op, ok := sp.Operation(opUpdateSMTP)
	if !ok {
		return nil
	}
	passwordProvenance, passwordBasis := fieldProvenance(dataSchema(op), fieldSMTPPassword)
	userProvenance, userBasis := responseUserProvenance(op)
	secrets := sp.WriteOnlyNames()
	noSecretKeys := func(s *session, ex *exchange) error {
		return expectNoSecretKeys(ex, secrets)
	}

	return []Check{
		{OperationID: op.ID, Name: "sent smtp_password not echoed", Provenance: passwordProvenance,
			Basis: passwordBasis, Mutates: true, run: smtpRule(op, (*session).expectNoSMTPPassword)},
		{OperationID: op.ID, Name: "returned user has no password-like member", Provenance: userProvenance,
			Basis: userBasis, Mutates: true, run: smtpRule(op, noSecretKeys)},
		{OperationID: op.ID, Name: "returned user is the caller", Provenance: userProvenance,
			Basis: userBasis, Mutates: true, run: smtpRule(op, (*session).expectCallerUser)},
	}
}

// smtpRule applies rule to the served response to the example request.
func smtpRule(op spec.Operation, rule func(*session, *exchange) error) func(context.Context, *session) error {
	return func(ctx context.Context, s *session) error {
		ex, err := s.exampleExchange(ctx, op)
		if err != nil {
			return err
		}
		if !ex.accepted() {
			return failf(ex, "the example SMTP update was not served, so its response cannot be checked")
		}
		return rule(s, ex)
	}
}

// expectNoSMTPPassword scans the whole body for the SMTP password sent.
func (s *session) expectNoSMTPPassword(ex *exchange) error {
	for _, form := range secretForms(s.secrets.smtpPassword) {
		if strings.Contains(string(ex.ResponseBody), form) {
			return failf(ex, "the response contains the smtp_password value that was sent")
		}
	}
	return nil
}

// expectNoSecretKeys walks the body for members named like a secret: a
// name in secrets, in any case, or one for which spec.IsSecretName reports
// true.
func expectNoSecretKeys(ex *exchange, secrets []string) error {
	body, err := ex.jsonBody()
	if err != nil {
		return failf(ex, "%v", err)
	}
	if found := secretKeys(body, "", secrets); len(found) > 0 {
		return failf(ex, "the response has members named like a secret or a write-only field: %s",
			strings.Join(found, ", "))
	}
	return nil
}

// secretKeys returns the sorted paths of the members of value, at any
// depth, that are named like a secret.
func secretKeys(value any, prefix string, secrets []string) []string {
	var found []string
	switch typed := value.(type) {
	case map[string]any:
		for key, member := range typed {
			path := strings.TrimPrefix(prefix+"."+key, ".")
			if isSecretKey(key, secrets) {
				found = append(found, path)
			}
			found = append(found, secretKeys(member, path, secrets)...)
		}
	case []any:
		for _, item := range typed {
			found = append(found, secretKeys(item, prefix+"[]", secrets)...)
		}
	}
	slices.Sort(found)
	return found
}

func isSecretKey(key string, secrets []string) bool {
	if spec.IsSecretName(key) {
		return true
	}
	return slices.ContainsFunc(secrets, func(name string) bool { return strings.EqualFold(name, key) })
}

// expectCallerUser checks that the returned user's userId is the caller's.
func (s *session) expectCallerUser(ex *exchange) error {
	body, err := ex.jsonObject()
	if err != nil {
		return failf(ex, "%v", err)
	}
	user, _ := body["user"].(map[string]any)
	if got, _ := user[fieldUserID].(string); got != s.primary.userID {
		return failf(ex, "user.userId is %q, want the caller's %q", got, s.primary.userID)
	}
	return nil
}

// fieldProvenance returns the provenance of a rule about a property of
// object: Inferred with the reason when the property carries x-inferred.
func fieldProvenance(object *openapi3.Schema, name string) (Provenance, string) {
	property := propertySchema(object, name)
	if property == nil {
		return Inferred, "the spec does not declare " + name
	}
	if reason, ok := spec.Inferred(property.Extensions); ok {
		return Inferred, reason
	}
	return Documented, ""
}

// responseUserProvenance returns the provenance of rules about the user
// that op's 200 response returns, from the x-inferred mark of its schema.
func responseUserProvenance(op spec.Operation) (Provenance, string) {
	ref := op.Operation.Responses.Status(200)
	if ref == nil || ref.Value == nil {
		return Inferred, "the spec declares no 200 response"
	}
	media := ref.Value.Content.Get(jsonMediaType)
	if media == nil || media.Schema == nil {
		return Inferred, "the spec declares no 200 body"
	}
	return fieldProvenance(media.Schema.Value, "user")
}
