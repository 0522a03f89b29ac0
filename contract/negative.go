package contract

import (
	"context"
	"errors"
	"fmt"

	"github.com/callfluent/usermock/spec"
)

// negative is a request that the target must reject, checked by two rules
// that share one set of exchanges: the rejected rule ("a status outside 2xx
// and 5xx, or a 2xx with status false, with a documented error body") and
// the status rule ("exactly the status the spec gives this failure").
type negative struct {
	op         spec.Operation
	subject    string     // what is wrong with the request, such as "unknown API key"
	status     int        // the status the spec gives this failure
	provenance Provenance // of the rejected rule
	basis      string     // reason when provenance is Inferred
	mutates    bool       // a target that served the request would change state
	second     bool       // needs the second account

	// rejectedName overrides the rejected rule's name, "<subject> rejected".
	rejectedName string

	// send builds and sends the requests; each is checked.
	send sendFunc

	// extra adds documented criteria to the rejected rule, or is nil.
	extra func(s *session, ex *exchange) error
}

// checks returns the rejected rule and the status rule.
func (n negative) checks() []Check {
	key := n.op.ID + "/" + n.subject
	exchanges := func(ctx context.Context, s *session) ([]*exchange, error) {
		return s.sharedExchanges(key, func() ([]*exchange, error) { return n.send(ctx, s) })
	}
	return []Check{n.rejectedCheck(exchanges), n.statusCheck(exchanges)}
}

// sendFunc returns the exchanges of a negative request.
type sendFunc func(ctx context.Context, s *session) ([]*exchange, error)

func (n negative) rejectedCheck(exchanges sendFunc) Check {
	name := n.rejectedName
	if name == "" {
		name = n.subject + " rejected"
	}
	return Check{
		OperationID: n.op.ID, Name: name, Provenance: n.provenance, Basis: n.basis,
		Mutates: n.mutates, SecondAccount: n.second,
		run: func(ctx context.Context, s *session) error {
			return eachExchange(ctx, s, exchanges, func(ex *exchange) error {
				if err := s.expectRejected(ex); err != nil {
					return err
				}
				if n.extra != nil {
					return n.extra(s, ex)
				}
				return nil
			})
		},
	}
}

// statusCheck takes its provenance from the x-inferred mark of the
// response the spec declares for n.status; an inferred rejected rule makes
// it inferred too.
func (n negative) statusCheck(exchanges sendFunc) Check {
	provenance, basis, declared := statusProvenance(n.op, n.status)
	if n.provenance == Inferred {
		provenance = Inferred
		if basis == "" {
			basis = n.basis
		}
	}
	return Check{
		OperationID: n.op.ID, Name: fmt.Sprintf("%s gets %d", n.subject, n.status), Provenance: provenance,
		Basis: basis, Mutates: n.mutates, SecondAccount: n.second,
		run: func(ctx context.Context, s *session) error {
			if !declared {
				return skipf("the spec declares no %d response for %s", n.status, n.op.ID)
			}
			return eachExchange(ctx, s, exchanges, func(ex *exchange) error {
				return s.expectStatus(ex, n.status)
			})
		},
	}
}

// eachExchange applies rule to every exchange that send returns and
// returns the first failure, prefixed with the exchange's label.
func eachExchange(ctx context.Context, s *session, send sendFunc, rule func(*exchange) error) error {
	exchanges, err := send(ctx, s)
	if err != nil {
		return err
	}
	for _, ex := range exchanges {
		err := rule(ex)
		if err == nil {
			continue
		}
		var broken *failure
		if ex.label != "" && errors.As(err, &broken) {
			return &failure{reason: ex.label + ": " + broken.reason, exchange: broken.exchange}
		}
		return err
	}
	return nil
}

// withLabel sets the exchange's label and returns it.
func withLabel(ex *exchange, label string) *exchange {
	ex.label = label
	return ex
}
