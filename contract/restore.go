package contract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// maxRestoreAttempts bounds the reset-password requests one restore sends,
// so a target that locks accounts after failed attempts is not provoked.
const maxRestoreAttempts = 8

// passwordState tracks the primary account's password through the run.
type passwordState struct {
	original   string   // the -password value
	current    string   // the password the target holds, when known
	known      bool     // false after a reset with a non-string newPass was served
	candidates []string // every value the target may now hold

	// lost is true after a restore failed, until a served reset makes the
	// password known again. No restore is tried meanwhile, so one lost
	// password fails one check and not every later one.
	lost bool
}

// observeChange updates the state after the target served a reset-password
// request whose data member is data.
func (p *passwordState) observeChange(data map[string]any) {
	newPass, present := data[fieldNewPass]
	if text, ok := newPass.(string); ok && present {
		p.current, p.known, p.lost = text, true, false
		p.add(text)
		return
	}

	// The target stored something for a missing or non-string newPass:
	// guess the usual string conversions.
	p.known = false
	for _, guess := range coercions(newPass) {
		p.add(guess)
	}
}

func (p *passwordState) add(candidate string) {
	if !slices.Contains(p.candidates, candidate) {
		p.candidates = append(p.candidates, candidate)
	}
}

// attempts returns the passwords to try as oldPass when restoring, the
// likeliest first.
func (p *passwordState) attempts() []string {
	var order []string
	if p.known {
		order = append(order, p.current)
	}
	order = append(order, p.original)
	for _, candidate := range slices.Backward(p.candidates) {
		if !slices.Contains(order, candidate) {
			order = append(order, candidate)
		}
	}
	if len(order) > maxRestoreAttempts {
		order = order[:maxRestoreAttempts]
	}
	return order
}

// coercions returns the strings that common languages turn value into.
func coercions(value any) []string {
	encoded, _ := json.Marshal(value)
	guesses := []string{string(encoded), fmt.Sprint(value)}
	switch value.(type) {
	case nil:
		guesses = append(guesses, "", "None", "undefined")
	case map[string]any:
		guesses = append(guesses, "[object Object]", "{}")
	}
	return guesses
}

// currentPassword returns the password to send as oldPass.
func (s *session) currentPassword() string {
	if s.password.known {
		return s.password.current
	}
	return s.password.original
}

// observe updates the restore state after an exchange; body is the JSON
// value sent.
func (s *session) observe(ex *exchange, body any) {
	if !ex.accepted() {
		return
	}
	data := dataOf(body)

	switch ex.OperationID {
	case opResetPassword:
		s.password.observeChange(data)
	case opUpdateSetting:
		// A target that served the request may have applied it to the
		// caller or to the account that data.userId names. A request
		// without a valid key is taken to have reached the primary account.
		caller := s.primary
		if s.secondary.key != "" && ex.RequestHeader.Get("Authorization") == s.secondary.authorization() {
			caller = s.secondary
		}
		s.markDirty(caller.userID)
		for _, a := range []account{s.primary, s.secondary} {
			if userID, _ := data[fieldUserID].(string); a.userID != "" && userID == a.userID {
				s.markDirty(a.userID)
			}
		}
	}
}

// markDirty records that the account's branding may differ from its
// snapshot, unless an earlier restore of it failed.
func (s *session) markDirty(userID string) {
	if !s.unrestorable[userID] {
		s.dirty[userID] = true
	}
}

// restore puts the password and the branding settings back as they were
// before the run. Requests go only where something may have changed.
//
// When the branding restore of an account fails, restore records a NOTE,
// clears the account's dirty mark and never restores that account again.
// So the error fails only the check that ran before this restore.
func (s *session) restore(ctx context.Context) error {
	var errs []error
	if err := s.restorePassword(ctx); err != nil {
		errs = append(errs, err)
	}
	for _, a := range []account{s.primary, s.secondary} {
		if a.userID == "" || !s.dirty[a.userID] {
			continue
		}
		if err := s.restoreSettings(ctx, a); err != nil {
			delete(s.dirty, a.userID)
			s.unrestorable[a.userID] = true
			s.note(fmt.Sprintf("branding of user %q could not be restored, so it keeps values the suite sent; "+
				"the suite does not try again, and only the check after which the restore failed is marked failed", a.userID))
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// restorePassword changes the password back to the -password value. After
// a failed restore it does nothing until the password is known again.
func (s *session) restorePassword(ctx context.Context) error {
	if s.password.lost || (s.password.known && s.password.current == s.password.original) {
		return nil
	}

	for _, oldPass := range s.password.attempts() {
		body, err := s.resetBody(oldPass, s.password.original)
		if err != nil {
			return err
		}
		ex := s.do(ctx, call{operationID: opResetPassword, authorization: s.primary.authorization(), body: body})
		if ex.accepted() {
			return nil
		}
	}

	s.password.lost = true
	s.note("the password of the primary account could not be restored to the -password value; " +
		"it is one the suite sent, and later password checks may fail because of it")
	return errors.New("restore password: no known password was accepted as oldPass")
}

// resetBody returns the reset-password example with oldPass and newPass set.
func (s *session) resetBody(oldPass, newPass string) (map[string]any, error) {
	op, ok := s.spec.Operation(opResetPassword)
	if !ok {
		return nil, fmt.Errorf("the spec has no operation %q", opResetPassword)
	}
	body, err := exampleBody(op, s.primary.userID, oldPass)
	if err != nil {
		return nil, err
	}
	data := dataOf(body)
	if data == nil {
		return nil, fmt.Errorf("the request example of %q has no data object", opResetPassword)
	}
	data[fieldOldPass], data[fieldNewPass] = oldPass, newPass
	return body, nil
}

// takeSnapshots reads the profile of each configured account before any
// check runs; restoreSettings writes the branding settings back from it.
func (s *session) takeSnapshots(ctx context.Context) {
	for _, a := range []account{s.primary, s.secondary} {
		if a.key == "" {
			continue
		}
		ex := s.do(ctx, call{operationID: opGetProfile, authorization: a.authorization()})
		if profile, err := ex.jsonObject(); err == nil && ex.accepted() {
			s.snapshots[a.userID] = profile
		}
	}
}

// snapshotSetting returns the string branding fields of the account's
// snapshot.
func (s *session) snapshotSetting(userID string) (map[string]string, error) {
	profile, ok := s.snapshots[userID]
	if !ok {
		return nil, fmt.Errorf("restore branding of user %q: its profile could not be read before the run", userID)
	}
	return stringFields(profile["setting"]), nil
}

// stringFields returns the string members of a JSON object value.
func stringFields(value any) map[string]string {
	object, _ := value.(map[string]any)
	fields := map[string]string{}
	for key, member := range object {
		if text, ok := member.(string); ok {
			fields[key] = text
		}
	}
	return fields
}

// joinKeys lists names for a message.
func joinKeys(names []string) string {
	return strings.Join(names, ", ")
}
