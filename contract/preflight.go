package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// PreflightProblem is the setup mistake that a preflight response shows.
type PreflightProblem int

const (
	// KeyRejected means the target returned 401 or 403, so it rejects the
	// API key.
	KeyRejected PreflightProblem = iota + 1

	// PathNotFound means the target returned 404 or 405, so the base URL
	// most likely lacks the API's path prefix or has a wrong one.
	PathNotFound

	// KeyTreatedAsUnknown means the target returned a 2xx status with
	// "status": false, and the same status and body for a made-up key. A
	// target that sends every error with HTTP 200 rejects a wrong key this
	// way.
	KeyTreatedAsUnknown
)

// PreflightError is a preflight response that shows that the checks cannot
// work with this configuration. No field contains an API key or a password.
type PreflightError struct {
	Problem PreflightProblem

	// SecondAccount is true when the request carried the second account's
	// API key, false for the primary account's.
	SecondAccount bool

	// Method and URL are the request's. URL has no user information.
	Method string
	URL    string

	// Status is the response's HTTP status.
	Status int

	// Body is the compacted and redacted start of the response body for
	// KeyTreatedAsUnknown, and empty otherwise.
	Body string
}

// Error describes the problem with the words "the primary account's API
// key" (or the second account's) and "the base URL".
func (e *PreflightError) Error() string {
	key := "the primary account's API key"
	if e.SecondAccount {
		key = "the second account's API key"
	}
	return e.Describe(key, "the base URL")
}

// Describe returns the message of Error, naming the API key keyName and the
// base URL baseURLName, such as "-api-key" and "-base-url" in a command.
func (e *PreflightError) Describe(keyName, baseURLName string) string {
	request := fmt.Sprintf("%s %s returned %d", e.Method, e.URL, e.Status)
	switch e.Problem {
	case KeyRejected:
		return fmt.Sprintf("the target rejected %s: %s; check the key", keyName, request)
	case PathNotFound:
		return fmt.Sprintf("%s; check that %s includes the API's path prefix and nothing more", request, baseURLName)
	default:
		return fmt.Sprintf("the target treated %s like a made-up key: %s with the body %s; "+
			"check the key and %s", keyName, request, e.Body, baseURLName)
	}
}

// Preflight sends GET to the path of the spec's getUserProfile operation,
// once with the primary account's API key and, when cfg names a second
// account, once with that account's key. It returns a *PreflightError when
// a response shows a setup mistake: 401 or 403 (a rejected key), 404 or 405
// (a wrong path prefix), or a 2xx with "status": false. For the last one
// Preflight also sends a made-up key, and reports the mistake only when
// both responses have the same status and body. Any other response passes,
// so the checks judge it.
//
// Preflight changes nothing on the target and adds nothing to a report. It
// returns another error when cfg is invalid, a request fails in transport
// or ctx ends. timeout bounds all of its requests together. A spec without
// getUserProfile has nothing to probe, so Preflight returns nil for it.
func Preflight(ctx context.Context, cfg Config, timeout time.Duration) error {
	sp, err := cfg.loadSpec()
	if err != nil {
		return err
	}
	if err := cfg.validate(sp); err != nil {
		return err
	}
	if _, ok := sp.Operation(opGetProfile); !ok {
		return nil
	}

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s := newSession(cfg, sp)
	if err := s.preflightAccount(ctx, s.primary, false); err != nil {
		return err
	}
	if cfg.hasSecondAccount() {
		return s.preflightAccount(ctx, s.secondary, true)
	}
	return nil
}

// preflightAccount reads the profile with the account's key and returns a
// *PreflightError when the response shows a setup mistake.
func (s *session) preflightAccount(ctx context.Context, holder account, second bool) error {
	ex := s.do(ctx, call{operationID: opGetProfile, authorization: holder.authorization()})
	target := redactURL(strings.TrimRight(s.cfg.BaseURL, "/") + ex.Path)
	if ex.Err != nil {
		return fmt.Errorf("preflight %s %s: %s", ex.Method, target, s.redactor.Redact(ex.Err.Error()))
	}

	problem := preflightProblemOf(ex.Status)
	if problem == 0 && ex.Status >= 200 && ex.Status <= 299 && ex.statusFalse() {
		unknownKey := "contract-unknown-key-" + s.marker
		unknown := s.do(ctx, call{operationID: opGetProfile, authorization: "Bearer " + unknownKey})
		if unknown.Err == nil && sameResponse(ex, holder.key, unknown, unknownKey) {
			problem = KeyTreatedAsUnknown
		}
	}
	if problem == 0 {
		return nil
	}

	preflightErr := &PreflightError{
		Problem:       problem,
		SecondAccount: second,
		Method:        ex.Method,
		URL:           target,
		Status:        ex.Status,
	}
	if problem == KeyTreatedAsUnknown {
		preflightErr.Body = trimExcerpt(s.redactor.Redact(compactJSON(ex.ResponseBody)))
	}
	return preflightErr
}

// preflightProblemOf returns the problem that status shows on its own, or 0.
func preflightProblemOf(status int) PreflightProblem {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return KeyRejected
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return PathNotFound
	}
	return 0
}

// sameResponse reports whether two responses have the same status and body
// once each sent key is replaced by one placeholder, so a target that
// quotes the key in its error text still compares equal.
func sameResponse(first *exchange, firstKey string, second *exchange, secondKey string) bool {
	if first.Status != second.Status {
		return false
	}
	const placeholder = "\x00key\x00"
	firstBody := bytes.ReplaceAll(first.ResponseBody, []byte(firstKey), []byte(placeholder))
	secondBody := bytes.ReplaceAll(second.ResponseBody, []byte(secondKey), []byte(placeholder))
	return bytes.Equal(bytes.TrimSpace(firstBody), bytes.TrimSpace(secondBody))
}

// compactJSON returns body on one line: compacted when it is JSON, else
// with its line breaks replaced by spaces.
func compactJSON(body []byte) string {
	var compacted bytes.Buffer
	if json.Compact(&compacted, body) == nil {
		return compacted.String()
	}
	return strings.Join(strings.Fields(string(body)), " ")
}
