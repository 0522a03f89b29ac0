package contract

import (
	"encoding/json"
	"io"
	"time"
)

// jsonReport is the document that WriteJSON writes.
type jsonReport struct {
	Target         string       `json:"target"`
	SpecVersion    string       `json:"spec_version"`
	OnlyDocumented bool         `json:"only_documented"`
	ReadOnly       bool         `json:"read_only"`
	Cancelled      bool         `json:"cancelled"`
	Summary        jsonSummary  `json:"summary"`
	Checks         []jsonResult `json:"checks"`
	Notes          []string     `json:"notes"`
}

type jsonSummary struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

type jsonResult struct {
	Result
	DurationSeconds float64 `json:"duration_seconds"`
}

// WriteJSON writes the report as one indented JSON document with the
// target, the spec version, whether the run was cancelled, the counts,
// every check and the notes.
func (r *Report) WriteJSON(w io.Writer) error {
	r = r.redacted()
	passed, failed, skipped := r.Counts()
	document := jsonReport{
		Target:         r.Target,
		SpecVersion:    r.SpecVersion,
		OnlyDocumented: r.OnlyDocumented,
		ReadOnly:       r.ReadOnly,
		Cancelled:      r.Cancelled,
		Summary:        jsonSummary{Passed: passed, Failed: failed, Skipped: skipped},
		Checks:         make([]jsonResult, 0, len(r.Results)),
		Notes:          append([]string{}, r.Notes...),
	}
	for _, result := range r.Results {
		document.Checks = append(document.Checks, jsonResult{Result: result, DurationSeconds: result.Duration.Round(time.Millisecond).Seconds()})
	}

	encoded, err := json.MarshalIndent(document, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(encoded, '\n'))
	return err
}
