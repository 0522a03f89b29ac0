package contract

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/callfluent/usermock/spec"
)

// restoreSettings writes the account's branding settings back to the
// values of its snapshot and reads the profile to confirm them.
func (s *session) restoreSettings(ctx context.Context, a account) error {
	before, err := s.snapshotSetting(a.userID)
	if err != nil {
		return err
	}
	op, ok := s.spec.Operation(opUpdateSetting)
	if !ok {
		return fmt.Errorf("the spec has no operation %q", opUpdateSetting)
	}

	restorable := s.restorableFields(op, a.userID, before)
	body, err := exampleBody(op, a.userID, s.currentPassword())
	if err != nil {
		return err
	}
	data := map[string]any{fieldUserID: a.userID}
	for name, value := range restorable {
		data[name] = value
	}

	ex := s.do(ctx, call{operationID: op.ID, authorization: a.authorization(), body: withData(body, data)})
	if !ex.accepted() {
		return failf(ex, "restore branding of user %q: the restore request was not served", a.userID)
	}
	if err := s.verifySettings(ctx, a, before, restorable); err != nil {
		return err
	}
	delete(s.dirty, a.userID)
	return nil
}

// restorableFields returns the snapshot fields that update-setting accepts:
// properties of its data schema whose stored value satisfies their schema.
// It leaves out domain_name, which the suite never changes on a conforming
// target because exampleBody removes it. Sending the stored domain again
// would start a new domain installation on a real backend. A target also
// rejects it once the domain's A record no longer points to the required
// address.
func (s *session) restorableFields(op spec.Operation, userID string, before map[string]string) map[string]string {
	schema := dataSchema(op)
	restorable := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(before)) {
		if name == fieldUserID || name == fieldDomainName || schema == nil || schema.Properties[name] == nil {
			continue
		}
		property := schema.Properties[name].Value
		if err := property.VisitJSON(before[name], spec.SchemaOptions()...); err != nil {
			s.note(fmt.Sprintf("branding field %s of user %q could not be restored: "+
				"its stored value does not satisfy the request schema", name, userID))
			continue
		}
		restorable[name] = before[name]
	}
	return restorable
}

// verifySettings reads the account's profile and compares each restored
// field. Fields that changed but were not restored, and fields that were
// unset before the run and are set now, are reported as a NOTE, because
// the public API cannot put them back.
func (s *session) verifySettings(ctx context.Context, a account, before, restored map[string]string) error {
	ex := s.do(ctx, call{operationID: opGetProfile, authorization: a.authorization()})
	profile, err := ex.jsonObject()
	if err != nil || !ex.accepted() {
		return failf(ex, "restore branding of user %q: the profile could not be read to confirm it", a.userID)
	}
	after := stringFields(profile["setting"])

	for _, name := range slices.Sorted(maps.Keys(restored)) {
		if after[name] != restored[name] {
			return failf(ex, "restore branding of user %q: %s is %q after the restore, want %q",
				a.userID, name, after[name], restored[name])
		}
	}

	var added, changed []string
	for _, name := range slices.Sorted(maps.Keys(after)) {
		old, existed := before[name]
		_, wasRestored := restored[name]
		switch {
		case !existed:
			added = append(added, name)
		case !wasRestored && after[name] != old:
			changed = append(changed, name)
		}
	}
	if len(added) > 0 {
		s.note(fmt.Sprintf("branding fields %s of user %q were unset before the run; "+
			"the public API cannot unset them, so they keep the values the suite sent", joinKeys(added), a.userID))
	}
	if len(changed) > 0 {
		s.note(fmt.Sprintf("branding fields %s of user %q changed during the run and are not restored, "+
			"so they keep the values the suite sent", joinKeys(changed), a.userID))
	}
	return nil
}
