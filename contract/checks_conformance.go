package contract

import (
	"context"
	"fmt"

	"github.com/callfluent/usermock/spec"
)

// noServerErrorBasis is the reason "no 5xx" is a convention. The
// documentation lists 500 as a possible response, but the suite sends only
// valid requests and client errors, so a 5xx means the target failed.
const noServerErrorBasis = "A 5xx reports a server fault (RFC 9110); every request the suite sends is valid or a client error, so none should get one."

// conformanceChecks returns the checks over every response the run
// received for op, run after all other checks.
func conformanceChecks(op spec.Operation) []Check {
	return []Check{
		{OperationID: op.ID, Name: "every response has a documented status and shape", Provenance: Documented,
			run: func(_ context.Context, s *session) error { return s.expectDocumentedShapes(op) }},
		{OperationID: op.ID, Name: "every response matches the spec", Provenance: Inferred,
			Basis: "The spec adds statuses and schema details that the documentation leaves open; each carries x-inferred.",
			run:   func(_ context.Context, s *session) error { return s.expectSpecShapes(op) }},
		{OperationID: op.ID, Name: "no request gets a 5xx", Provenance: Inferred, Basis: noServerErrorBasis,
			run: func(_ context.Context, s *session) error { return s.expectNoServerError(op) }},
	}
}

// received returns the exchanges with op that got a response.
func (s *session) received(op spec.Operation) ([]*exchange, error) {
	var out []*exchange
	for _, ex := range s.exchanges {
		if ex.OperationID == op.ID && ex.Err == nil {
			out = append(out, ex)
		}
	}
	if len(out) == 0 {
		return nil, skipf("the run received no response for %s", op.ID)
	}
	return out, nil
}

// expectDocumentedShapes checks every response: valid against the spec
// apart from x-inferred details, or a documented rejection.
func (s *session) expectDocumentedShapes(op spec.Operation) error {
	exchanges, err := s.received(op)
	if err != nil {
		return err
	}
	return firstBroken(exchanges, func(ex *exchange) []violation {
		found := s.violations(ex)
		if len(found) == 0 || s.expectRejected(ex) == nil {
			return nil
		}
		return documentedOnly(found)
	})
}

// expectSpecShapes checks every response against the whole spec.
func (s *session) expectSpecShapes(op spec.Operation) error {
	exchanges, err := s.received(op)
	if err != nil {
		return err
	}
	return firstBroken(exchanges, s.violations)
}

// expectNoServerError checks that no response has a 5xx status.
func (s *session) expectNoServerError(op spec.Operation) error {
	exchanges, err := s.received(op)
	if err != nil {
		return err
	}
	return firstBroken(exchanges, func(ex *exchange) []violation {
		if ex.Status >= 500 {
			return []violation{{text: fmt.Sprintf("status %d", ex.Status)}}
		}
		return nil
	})
}

// firstBroken applies rule to each exchange and fails with the first
// broken one, counting the others.
func firstBroken(exchanges []*exchange, rule func(*exchange) []violation) error {
	var first *exchange
	var firstFound []violation
	broken := 0
	for _, ex := range exchanges {
		found := rule(ex)
		if len(found) == 0 {
			continue
		}
		broken++
		if first == nil {
			first, firstFound = ex, found
		}
	}
	if first == nil {
		return nil
	}
	return failf(first, "%d of %d responses of %s broke the rule; the first, status %d: %s",
		broken, len(exchanges), first.OperationID, first.Status, describe(firstFound))
}
