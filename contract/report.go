package contract

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Outcome is the result of one check.
type Outcome string

const (
	// Pass means the rule held for every request the check sent.
	Pass Outcome = "PASS"
	// Fail means the rule broke; the result names the request and the
	// response that broke it.
	Fail Outcome = "FAIL"
	// Skip means the check did not run; the result gives the reason.
	Skip Outcome = "SKIP"
)

// Result is the outcome of one check. Every text field is redacted.
type Result struct {
	OperationID string        `json:"operation_id"`
	Name        string        `json:"name"`
	Provenance  Provenance    `json:"provenance"`
	Basis       string        `json:"basis,omitempty"`
	Outcome     Outcome       `json:"outcome"`
	Reason      string        `json:"reason,omitempty"`
	Request     string        `json:"request,omitempty"`  // excerpt of the request that broke the rule
	Response    string        `json:"response,omitempty"` // excerpt of the response that broke the rule
	Duration    time.Duration `json:"-"`
}

// Report is the outcome of a run.
type Report struct {
	Target         string   // the base URL, without user information
	SpecVersion    string   // info.version of the spec the checks came from
	OnlyDocumented bool     // whether inferred checks were skipped
	ReadOnly       bool     // whether state-changing checks were skipped
	Results        []Result // one per check, in run order
	Notes          []string // limits of the run, such as values it could not restore

	// Cancelled is true when the run's context ended before Run returned,
	// as on an interrupt. Every check that had not started is skipped. The
	// check that was running is skipped only when its error comes from a
	// request that a cancellation cut short, so it can still pass or fail.
	// A request cut short by a deadline fails its check instead. A
	// cancelled report is not a pass whatever its counts.
	Cancelled bool

	redactor *Redactor // applied again to every text field when writing
}

// Counts returns the number of passed, failed and skipped checks.
func (r *Report) Counts() (passed, failed, skipped int) {
	for _, result := range r.Results {
		switch result.Outcome {
		case Pass:
			passed++
		case Fail:
			failed++
		case Skip:
			skipped++
		}
	}
	return passed, failed, skipped
}

// Failed reports whether the run failed: a check failed or the run was
// cancelled.
func (r *Report) Failed() bool {
	_, failed, _ := r.Counts()
	return failed > 0 || r.Cancelled
}

// Summary returns the closing line, such as
// "contract: 42 passed, 1 failed, 3 skipped", with
// "; interrupted before the run finished" appended when Cancelled is set.
func (r *Report) Summary() string {
	passed, failed, skipped := r.Counts()
	summary := fmt.Sprintf("contract: %d passed, %d failed, %d skipped", passed, failed, skipped)
	if r.Cancelled {
		summary += "; " + interruptedText
	}
	return summary
}

// interruptedText describes a cancelled run in every report format.
const interruptedText = "interrupted before the run finished"

// WriteText writes one line per check (outcome, provenance, operationId,
// name), the reason and excerpts under each failure and skip, the NOTE
// lines, and the Summary line.
func (r *Report) WriteText(w io.Writer) error {
	r = r.redacted()
	var b strings.Builder
	idWidth := 0
	for _, result := range r.Results {
		idWidth = max(idWidth, len(result.OperationID))
	}

	for _, result := range r.Results {
		fmt.Fprintf(&b, "%s %-10s %-*s %s\n", result.Outcome, result.Provenance, idWidth, result.OperationID, result.Name)
		if result.Outcome == Pass {
			continue
		}
		writeIndented(&b, "reason:   ", result.Reason)
		writeIndented(&b, "request:  ", result.Request)
		writeIndented(&b, "response: ", result.Response)
	}
	for _, note := range r.Notes {
		fmt.Fprintf(&b, "NOTE: %s\n", note)
	}
	b.WriteString(r.Summary() + "\n")

	_, err := io.WriteString(w, b.String())
	return err
}

// redacted returns a copy of the report with the redactor applied to every
// text field. Redacting fields rather than the written document keeps the
// JSON and XML structure intact whatever the secrets are.
func (r *Report) redacted() *Report {
	clean := *r
	clean.Target = r.redactor.Redact(r.Target)
	clean.Results = make([]Result, len(r.Results))
	for i, result := range r.Results {
		for _, field := range []*string{&result.OperationID, &result.Name, &result.Basis,
			&result.Reason, &result.Request, &result.Response} {
			*field = r.redactor.Redact(*field)
		}
		clean.Results[i] = result
	}
	clean.Notes = make([]string, len(r.Notes))
	for i, note := range r.Notes {
		clean.Notes[i] = r.redactor.Redact(note)
	}
	return &clean
}

// writeIndented writes a labelled, indented block; empty text writes nothing.
func writeIndented(b *strings.Builder, label, text string) {
	if text == "" {
		return
	}
	padding := strings.Repeat(" ", len(label))
	for i, line := range strings.Split(text, "\n") {
		if i == 0 {
			fmt.Fprintf(b, "    %s%s\n", label, line)
		} else {
			fmt.Fprintf(b, "    %s%s\n", padding, line)
		}
	}
}
