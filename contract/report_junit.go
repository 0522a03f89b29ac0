package contract

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// junitSuite is the single <testsuite> element that WriteJUnit writes.
type junitSuite struct {
	XMLName  xml.Name    `xml:"testsuite"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	ClassName string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// WriteJUnit writes the report as JUnit XML: one testsuite, one testcase
// per check with classname = operationId and name = check name plus
// provenance, a <failure> carrying the reason and the excerpts, and
// <skipped/> for a skipped check. A cancelled run adds one failing
// testcase, classname "contract" and name "run completed", so CI does not
// take an interrupted run for a pass.
func (r *Report) WriteJUnit(w io.Writer) error {
	r = r.redacted()
	passed, failed, skipped := r.Counts()
	suite := junitSuite{Name: "contract", Tests: passed + failed + skipped, Failures: failed, Skipped: skipped}

	var total float64
	for _, result := range r.Results {
		total += result.Duration.Seconds()
		suite.Cases = append(suite.Cases, junitCaseOf(result))
	}
	suite.Time = fmt.Sprintf("%.3f", total)
	if r.Cancelled {
		suite.Tests++
		suite.Failures++
		suite.Cases = append(suite.Cases, junitCase{ClassName: "contract", Name: "run completed", Time: "0.000",
			Failure: &junitFailure{Message: fmt.Sprintf("%s; %d checks were skipped", interruptedText, skipped)}})
	}

	encoded, err := xml.MarshalIndent(suite, "", "  ")
	if err != nil {
		return err
	}
	document := xml.Header + string(encoded) + "\n"
	_, err = io.WriteString(w, document)
	return err
}

func junitCaseOf(result Result) junitCase {
	testCase := junitCase{
		ClassName: result.OperationID,
		Name:      fmt.Sprintf("%s (%s)", result.Name, result.Provenance),
		Time:      fmt.Sprintf("%.3f", result.Duration.Seconds()),
	}
	switch result.Outcome {
	case Fail:
		var text strings.Builder
		writeIndented(&text, "request:  ", result.Request)
		writeIndented(&text, "response: ", result.Response)
		testCase.Failure = &junitFailure{Message: result.Reason, Text: text.String()}
	case Skip:
		testCase.Skipped = &junitSkipped{Message: result.Reason}
	}
	return testCase
}
