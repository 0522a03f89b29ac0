package contract

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/callfluent/usermock/spec"
)

// unroutableDomain is under the .invalid top-level domain, which RFC 2606
// reserves so that it never resolves. So it cannot point to the address
// that custom domains need.
const unroutableDomain = "contract-check.invalid"

// settingChecks returns the update-setting scenarios: stored values show in
// the profile, and a domain without the required A record is rejected.
func settingChecks(sp *spec.Spec) []Check {
	op, ok := sp.Operation(opUpdateSetting)
	profileOp, hasProfile := sp.Operation(opGetProfile)
	if !ok || !hasProfile {
		return nil
	}
	settingSchema := profileSettingSchema(profileOp)

	visible := func(inferred bool) func(context.Context, *session) error {
		return func(ctx context.Context, s *session) error {
			return s.expectSettingsVisible(ctx, op, settingSchema, inferred)
		}
	}
	checks := []Check{
		{OperationID: op.ID, Name: "stored settings visible in profile", Provenance: Documented,
			Mutates: true, run: visible(false)},
		{OperationID: op.ID, Name: "every stored setting visible in profile", Provenance: Inferred,
			Basis: inferredPropertyReason(settingSchema), Mutates: true, run: visible(true)},
	}

	lead := domainErrorLead(op)
	domain := negative{
		op: op, subject: "domain without the required A record", status: badRequestStatus,
		provenance: Documented, mutates: true,
		rejectedName: "domain without the required A record rejected with documented text",
		send: func(ctx context.Context, s *session) ([]*exchange, error) {
			body, err := exampleBody(op, s.primary.userID, s.currentPassword())
			if err != nil {
				return nil, err
			}
			data := map[string]any{fieldUserID: s.primary.userID, fieldDomainName: unroutableDomain}
			return []*exchange{s.do(ctx, call{operationID: op.ID, authorization: s.primary.authorization(), body: withData(body, data)})}, nil
		},
		extra: func(s *session, ex *exchange) error {
			return expectErrorPrefix(ex, lead)
		},
	}
	return append(checks, domain.checks()...)
}

// expectSettingsVisible stores unique values through update-setting, reads
// the profile, and compares each field that the profile's Setting schema
// declares: the fields without an x-inferred mark, or with one when
// inferred is true.
func (s *session) expectSettingsVisible(ctx context.Context, op spec.Operation, settingSchema *openapi3.Schema, inferred bool) error {
	sent, err := s.uniqueSettingBody(op, s.primary.userID)
	if err != nil {
		return err
	}
	exchanges, err := s.sharedExchanges("settings-visible", func() ([]*exchange, error) {
		update := s.do(ctx, call{operationID: op.ID, authorization: s.primary.authorization(), body: sent})
		profile := s.do(ctx, call{operationID: opGetProfile, authorization: s.primary.authorization()})
		return []*exchange{update, profile}, nil
	})
	if err != nil {
		return err
	}
	update, profile := exchanges[0], exchanges[1]

	if err := s.expectSuccess(update); err != nil {
		return step("store the settings", err)
	}
	body, err := profile.jsonObject()
	if err != nil || !profile.accepted() {
		return failf(profile, "the profile could not be read after the update")
	}
	stored := stringFields(body["setting"])

	compared := 0
	for _, name := range slices.Sorted(maps.Keys(stringFields(dataOf(sent)))) {
		property := propertySchema(settingSchema, name)
		if name == fieldUserID || property == nil || settingSchema.Properties[name] == nil {
			continue
		}
		if _, marked := spec.Inferred(property.Extensions); marked != inferred {
			continue
		}
		compared++
		if want := dataOf(sent)[name]; stored[name] != want {
			return failf(profile, "setting %s is %q in the profile, want %q as just stored", name, stored[name], want)
		}
	}
	if compared == 0 {
		return skipf("the update-setting example sets no field of this kind that the profile declares")
	}
	return nil
}

// uniqueSettingBody returns the update-setting example for userID with
// every string field except userId and domain_name made unique. A unique
// value that breaks its property schema falls back to the example value.
// The result depends only on the session's marker, so checks that share a
// write can rebuild it.
func (s *session) uniqueSettingBody(op spec.Operation, userID string) (map[string]any, error) {
	body, err := exampleBody(op, userID, s.currentPassword())
	if err != nil {
		return nil, err
	}
	data := dataOf(body)
	schema := dataSchema(op)
	for name, value := range stringFields(data) {
		if name == fieldUserID || name == fieldDomainName {
			continue
		}
		if unique, ok := uniqueValue(value, s.marker, propertySchema(schema, name)); ok {
			data[name] = unique
		}
	}
	return body, nil
}

// profileSettingSchema returns the schema of the profile's setting member.
func profileSettingSchema(op spec.Operation) *openapi3.Schema {
	ref := op.Operation.Responses.Status(200)
	if ref == nil || ref.Value == nil {
		return nil
	}
	media := ref.Value.Content.Get(jsonMediaType)
	if media == nil || media.Schema == nil {
		return nil
	}
	return propertySchema(media.Schema.Value, "setting")
}

// inferredPropertyReason returns the first x-inferred reason among the
// schema's properties, in name order.
func inferredPropertyReason(schema *openapi3.Schema) string {
	if schema == nil {
		return ""
	}
	for _, name := range slices.Sorted(maps.Keys(schema.Properties)) {
		if reason, ok := spec.Inferred(schema.Properties[name].Value.Extensions); ok {
			return reason
		}
	}
	return ""
}

// expectErrorPrefix checks that the body's error member starts with lead;
// an empty lead checks nothing.
func expectErrorPrefix(ex *exchange, lead string) error {
	if lead == "" {
		return nil
	}
	body, err := ex.jsonObject()
	if err != nil {
		return failf(ex, "%v", err)
	}
	text, _ := body["error"].(string)
	if !strings.HasPrefix(text, lead) {
		return failf(ex, "error is %q, want the documented text starting %q", text, lead)
	}
	return nil
}
