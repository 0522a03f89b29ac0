package contract

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// restoreTimeout bounds the restore after each check. Restoring uses a
// context that outlives the run's own, so a cancelled run still puts the
// password back.
const restoreTimeout = 2 * time.Minute

// failure is a broken rule, with the exchange that showed it.
type failure struct {
	reason   string
	exchange *exchange
}

func (f *failure) Error() string {
	return f.reason
}

// failf returns a failure with the exchange ex (which may be nil).
func failf(ex *exchange, format string, args ...any) error {
	return &failure{reason: fmt.Sprintf(format, args...), exchange: ex}
}

// skipped is a check that could not apply to this target or spec.
type skipped struct {
	reason string
}

func (s *skipped) Error() string {
	return s.reason
}

func skipf(format string, args ...any) error {
	return &skipped{reason: fmt.Sprintf(format, args...)}
}

// Run checks the target that cfg names and returns the report. It returns
// an error only when cfg is invalid or the spec cannot be loaded. A target
// that breaks rules, or cannot be reached, yields failed checks. The report
// contains no secret of cfg and no password that the suite invents.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	sp, err := cfg.loadSpec()
	if err != nil {
		return nil, err
	}
	if err := cfg.validate(sp); err != nil {
		return nil, err
	}

	checks, err := Checks(sp)
	if err != nil {
		return nil, err
	}

	s := newSession(cfg, sp)
	report := &Report{
		Target:         redactURL(cfg.BaseURL),
		SpecVersion:    sp.Version(),
		OnlyDocumented: cfg.OnlyDocumented,
		ReadOnly:       cfg.ReadOnly,
		redactor:       s.redactor,
	}

	s.takeSnapshots(ctx)
	for _, check := range checks {
		report.Results = append(report.Results, s.runCheck(ctx, check))
	}

	report.Cancelled = ctx.Err() != nil

	s.noteUnrestorable(report.Results, checks)
	for _, text := range s.notes {
		report.Notes = append(report.Notes, s.redactor.Redact(text))
	}
	return report, nil
}

// skipReason returns why c does not run in this session, or "".
func (s *session) skipReason(ctx context.Context, c Check) string {
	switch {
	case ctx.Err() != nil:
		return "the run was cancelled: " + ctx.Err().Error()
	case s.cfg.OnlyDocumented && c.Provenance == Inferred:
		return "inferred check; -only-documented runs only documented checks"
	case s.cfg.ReadOnly && c.Mutates:
		return "may change the target's state; -read-only is set"
	case c.SecondAccount && !s.cfg.hasSecondAccount():
		return "needs the second account (-api-key-2 and -user-id-2)"
	}
	return ""
}

// runCheck runs c, then restores what it may have changed, and returns
// the redacted result.
func (s *session) runCheck(ctx context.Context, c Check) Result {
	result := Result{OperationID: c.OperationID, Name: c.Name, Provenance: c.Provenance, Basis: c.Basis}
	if reason := s.skipReason(ctx, c); reason != "" {
		result.Outcome, result.Reason = Skip, reason
		return result
	}

	start := time.Now()
	s.checkExchanges = nil
	err := s.runProtected(ctx, c)
	if cutByCancellation(ctx, err) {
		// A request cut short by the cancellation shows nothing about the
		// target. The report is marked cancelled, so the skip is no pass.
		err = skipf("the run was cancelled during this check: %v", context.Cause(ctx))
	}
	restoreErr := s.restoreProtected(ctx)
	result.Duration = time.Since(start)

	s.fillOutcome(&result, err)
	if restoreErr != nil {
		s.addRestoreFailure(&result, restoreErr)
	}
	return result
}

// cutByCancellation reports whether err, a check's error, comes from a
// request that the cancellation of ctx cut short. That is so when err, or
// the transport error of the exchange that a failure names, matches
// context.Canceled or the cause of the cancellation. Any other error is a
// genuine result, even when the run was cancelled later in the same check.
//
// NOTE: a run whose context ends by a deadline is not matched, because
// net/http reports its own per-request timeout as DeadlineExceeded too.
// The request that the deadline cut short then fails its check.
func cutByCancellation(ctx context.Context, err error) bool {
	if err == nil || !errors.Is(ctx.Err(), context.Canceled) {
		return false
	}
	var broken *failure
	if errors.As(err, &broken) {
		if broken.exchange == nil || broken.exchange.Err == nil {
			return false
		}
		err = broken.exchange.Err
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.Cause(ctx))
}

// runProtected runs c and turns a panic into an error.
func (s *session) runProtected(ctx context.Context, c Check) (err error) {
	defer func() {
		if recovered := recover(); recovered != nil {
			err = fmt.Errorf("check panicked: %v", recovered)
		}
	}()
	return c.run(ctx, s)
}

// restoreProtected restores the target and turns a panic into an error.
func (s *session) restoreProtected(ctx context.Context) (err error) {
	defer func() {
		if recovered := recover(); recovered != nil {
			err = fmt.Errorf("restore panicked: %v", recovered)
		}
	}()
	restoreCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), restoreTimeout)
	defer cancel()
	return s.restore(restoreCtx)
}

// fillOutcome sets the result's outcome, reason and excerpts from err.
func (s *session) fillOutcome(result *Result, err error) {
	var skip *skipped
	var broken *failure
	switch {
	case err == nil:
		result.Outcome = Pass
	case errors.As(err, &skip):
		result.Outcome, result.Reason = Skip, s.redactor.Redact(skip.reason)
	case errors.As(err, &broken):
		result.Outcome = Fail
		s.setFailure(result, broken.reason, broken.exchange)
	default:
		result.Outcome = Fail
		s.setFailure(result, err.Error(), s.lastExchange())
	}
}

// addRestoreFailure fails the result because the restore after it failed.
func (s *session) addRestoreFailure(result *Result, err error) {
	reason := "restore after the check failed: " + err.Error()
	if result.Outcome == Fail {
		result.Reason += "; " + s.redactor.Redact(reason)
		return
	}
	result.Outcome = Fail
	var broken *failure
	ex := s.lastExchange()
	if errors.As(err, &broken) && broken.exchange != nil {
		ex = broken.exchange
	}
	s.setFailure(result, reason, ex)
}

func (s *session) setFailure(result *Result, reason string, ex *exchange) {
	result.Reason = s.redactor.Redact(reason)
	if ex != nil {
		result.Request = ex.requestExcerpt(s.redactor)
		result.Response = ex.responseExcerpt(s.redactor)
	}
}

func (s *session) lastExchange() *exchange {
	if len(s.checkExchanges) == 0 {
		return nil
	}
	return s.checkExchanges[len(s.checkExchanges)-1]
}

// noteUnrestorable adds the NOTE that SMTP settings and update-detail
// fields keep the values the suite sent, when a check wrote them.
func (s *session) noteUnrestorable(results []Result, checks []Check) {
	for i, result := range results {
		op := checks[i].OperationID
		if result.Outcome == Skip || !checks[i].Mutates || (op != opUpdateSMTP && op != opUpdateDetail) {
			continue
		}
		s.note("SMTP settings and update-detail fields cannot be read or restored through the public API; " +
			"the target keeps the values the suite sent")
		return
	}
}
