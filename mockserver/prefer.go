package mockserver

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxDelay is the longest delay that a Prefer header may ask for.
const maxDelay = 10 * time.Second

// preference holds the Prefer header's requests to the mock, as Prism reads
// them: force a documented response by status (code) or by example name
// (example), and wait before answering (delay).
type preference struct {
	code    int // 0 when not set
	example string
	delay   time.Duration
}

// forced reports whether the preference selects a documented response.
func (p preference) forced() bool {
	return p.code != 0 || p.example != ""
}

// parsePrefer reads every Prefer header (RFC 7240): comma-separated
// preferences, each `name` or `name=value` with optional parameters after
// ';', which are ignored. Names compare without regard to case. Only the
// first instance of a preference counts, and unknown preferences are
// ignored, as RFC 7240 requires.
func parsePrefer(values []string) (preference, error) {
	var p preference
	seen := map[string]bool{}
	for _, header := range values {
		for item := range strings.SplitSeq(header, ",") {
			name, value := splitPreference(item)
			if name == "" || seen[name] {
				continue
			}
			seen[name] = true
			if err := p.set(name, value); err != nil {
				return preference{}, err
			}
		}
	}
	return p, nil
}

func splitPreference(item string) (name, value string) {
	item, _, _ = strings.Cut(item, ";")
	name, value, _ = strings.Cut(item, "=")
	name = strings.ToLower(strings.TrimSpace(name))
	value = strings.TrimSpace(value)
	if unquoted, err := strconv.Unquote(value); err == nil && strings.HasPrefix(value, `"`) {
		value = unquoted
	}
	return name, value
}

func (p *preference) set(name, value string) error {
	switch name {
	case "code":
		code, err := strconv.Atoi(value)
		if err != nil || code < 100 || code > 599 {
			return errPrefer(fmt.Sprintf("code=%q is not an HTTP status code", value))
		}
		p.code = code
	case "example":
		if value == "" {
			return errPrefer("example= needs the name of a documented example")
		}
		p.example = value
	case "delay":
		delay, err := parseDelay(value)
		if err != nil {
			return err
		}
		p.delay = delay
	}
	return nil
}

// parseDelay reads a Go duration such as "250ms" or plain milliseconds such
// as "250", from 0 up to maxDelay.
func parseDelay(value string) (time.Duration, error) {
	delay, err := time.ParseDuration(value)
	if err != nil {
		ms, msErr := strconv.ParseInt(value, 10, 64)
		if msErr != nil || ms > int64(maxDelay/time.Millisecond) {
			return 0, errPrefer(fmt.Sprintf("delay=%q is not a duration such as 250ms, or a number of milliseconds up to %d", value, maxDelay.Milliseconds()))
		}
		delay = time.Duration(ms) * time.Millisecond
	}
	if delay < 0 || delay > maxDelay {
		return 0, errPrefer(fmt.Sprintf("delay=%q is outside 0 to %s", value, maxDelay))
	}
	return delay, nil
}

// wait sleeps for delay and reports false when the request ended first.
func wait(ctx context.Context, delay time.Duration) bool {
	if delay <= 0 {
		return true
	}
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// forcedResponse returns the documented response that p selects for r.
// With a code it is response p.code with example p.example, or with its
// first example. Without a code it is the first response in status order
// that has example p.example. allowed lists the methods of r's path.
//
// A forced 405 sends, in place of the example, the body and Allow header
// of a real 405 for r, so they name r's method and path and the methods
// that the path allows. A documented Allow header on another status gets
// the real methods too.
func forcedResponse(op *operation, p preference, r *http.Request, allowed func(*http.Request) []string) (response, error) {
	resp, ex, err := selectExample(op, p)
	if err != nil {
		return response{}, err
	}

	out := exampleResponse(resp, ex)
	if out.status == http.StatusMethodNotAllowed {
		notAllowed := methodNotAllowed(r.Method, r.URL.EscapedPath(), allowed(r))
		out = buildErrorResponse(out.status, notAllowed.header, errorBody{Error: notAllowed.message})
		out.problem = "" // a forced response is not a failure
		return out, nil
	}
	if out.header.Get("Allow") != "" {
		out.header.Set("Allow", strings.Join(allowed(r), ", "))
	}
	return out, nil
}

func selectExample(op *operation, p preference) (documentedResponse, namedExample, error) {
	if p.code == 0 {
		for _, resp := range op.responses {
			if ex, ok := findExample(resp, p.example); ok {
				return resp, ex, nil
			}
		}
		return documentedResponse{}, namedExample{}, errPrefer(fmt.Sprintf(
			"example=%q is not documented for operation %q; documented examples: %s", p.example, op.id, listExamples(op.responses)))
	}

	resp, ok := op.response(p.code)
	if !ok {
		return documentedResponse{}, namedExample{}, errPrefer(fmt.Sprintf(
			"code=%d is not documented for operation %q; documented codes: %s", p.code, op.id, listCodes(op.responses)))
	}
	if p.example != "" {
		ex, ok := findExample(resp, p.example)
		if !ok {
			return documentedResponse{}, namedExample{}, errPrefer(fmt.Sprintf(
				"example=%q is not documented for response %d of operation %q; documented examples: %s",
				p.example, p.code, op.id, listExamples([]documentedResponse{resp})))
		}
		return resp, ex, nil
	}
	return firstExample(resp)
}

// firstExample returns resp with its first example, or with an empty body
// when resp documents no content.
func firstExample(resp documentedResponse) (documentedResponse, namedExample, error) {
	if len(resp.examples) > 0 {
		return resp, resp.examples[0], nil
	}
	if resp.contentType == "" {
		return resp, namedExample{}, nil
	}
	return documentedResponse{}, namedExample{}, &apiError{
		status:  http.StatusInternalServerError,
		message: fmt.Sprintf("response %d documents content but no example, so the mock has nothing to send", resp.status),
	}
}

func findExample(resp documentedResponse, name string) (namedExample, bool) {
	for _, ex := range resp.examples {
		if ex.name == name {
			return ex, true
		}
	}
	return namedExample{}, false
}

func listCodes(responses []documentedResponse) string {
	codes := make([]string, 0, len(responses))
	for _, resp := range responses {
		codes = append(codes, strconv.Itoa(resp.status))
	}
	return strings.Join(codes, ", ")
}

func listExamples(responses []documentedResponse) string {
	var names []string
	for _, resp := range responses {
		for _, ex := range resp.examples {
			if ex.name != "" {
				names = append(names, fmt.Sprintf("%d %s", resp.status, ex.name))
			}
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
