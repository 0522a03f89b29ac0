package contract

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/callfluent/usermock/spec"
)

// expectSuccess checks a response to a request the target must serve: a
// 2xx status, a JSON Content-Type, "status": true where the response schema
// fixes it, and a body without documented violations.
func (s *session) expectSuccess(ex *exchange) error {
	if ex.Err != nil {
		return failf(ex, "request failed: %v", ex.Err)
	}
	if ex.Status < 200 || ex.Status > 299 {
		return failf(ex, "status %d, want 2xx", ex.Status)
	}
	if !ex.hasJSONContentType() {
		return failf(ex, "Content-Type %q, want %s", ex.ResponseHeader.Get("Content-Type"), jsonMediaType)
	}
	if s.requiresStatusTrue(ex) {
		body, err := ex.jsonObject()
		if err != nil {
			return failf(ex, "%v", err)
		}
		if body["status"] != true {
			return failf(ex, "status member is %s, want true", jsonText(body["status"]))
		}
	}
	if found := documentedOnly(s.violations(ex)); len(found) > 0 {
		return failf(ex, "response violates the spec: %s", describe(found))
	}
	return nil
}

// requiresStatusTrue reports whether the spec's schema for ex's status has
// a "status" property whose only allowed value is true.
func (s *session) requiresStatusTrue(ex *exchange) bool {
	op, ok := s.spec.Operation(ex.OperationID)
	if !ok {
		return false
	}
	ref := op.Operation.Responses.Status(ex.Status)
	if ref == nil || ref.Value == nil {
		return false
	}
	media := ref.Value.Content.Get(jsonMediaType)
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return false
	}
	status := media.Schema.Value.Properties["status"]
	return status != nil && status.Value != nil && len(status.Value.Enum) == 1 && status.Value.Enum[0] == true
}

// expectRejected checks a response to a request the target must not serve,
// by the documented rule. The status must be outside 2xx and 5xx, or a 2xx
// whose body has "status": false. Either way the body must be JSON and one
// of the operation's error bodies.
func (s *session) expectRejected(ex *exchange) error {
	if ex.Err != nil {
		return failf(ex, "request failed: %v", ex.Err)
	}
	switch {
	case ex.Status >= 500:
		return failf(ex, "status %d is a server error, not a rejection", ex.Status)
	case ex.Status >= 200 && ex.Status <= 299 && !ex.statusFalse():
		return failf(ex, "status %d without \"status\": false: the request was served", ex.Status)
	}

	op, _ := s.spec.Operation(ex.OperationID)
	if err := matchesErrorShape(op, ex); err != nil {
		return failf(ex, "status %d: %v", ex.Status, err)
	}
	return nil
}

// expectStatus checks that the response has status want and matches the
// spec exactly.
func (s *session) expectStatus(ex *exchange, want int) error {
	if ex.Err != nil {
		return failf(ex, "request failed: %v", ex.Err)
	}
	if ex.Status != want {
		return failf(ex, "status %d, want %d", ex.Status, want)
	}
	if found := s.violations(ex); len(found) > 0 {
		return failf(ex, "status %d response violates the spec: %s", ex.Status, describe(found))
	}
	return nil
}

// statusProvenance returns the provenance of "op rejects this failure with
// status": Inferred with the reason when the response carries x-inferred.
// declared is false when op declares no such response.
func statusProvenance(op spec.Operation, status int) (provenance Provenance, basis string, declared bool) {
	ref := op.Operation.Responses.Value(strconv.Itoa(status))
	if ref == nil || ref.Value == nil {
		return Inferred, "", false
	}
	if reason, ok := spec.Inferred(ref.Extensions); ok {
		return Inferred, reason, true
	}
	if reason, ok := spec.Inferred(ref.Value.Extensions); ok {
		return Inferred, reason, true
	}
	return Documented, "", true
}

// jsonText returns value as JSON, so a string "true" and a boolean true
// read differently in a message.
func jsonText(value any) string {
	encoded, err := json.Marshal(value)
	if err != nil {
		return fmt.Sprint(value)
	}
	return string(encoded)
}
