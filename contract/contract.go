// Package contract checks an implementation of the CallFluent User Services
// API (the real backend, a fake, or this project's mock server) against the
// contract in openapi.yaml, and reports each rule that holds or breaks.
//
// Every request is built from the spec's named request examples, and every
// response is validated against the spec's response schemas, so a change of
// the spec changes the checks. Each check carries its provenance: Documented
// when the published documentation states the rule, Inferred when the rule
// is a project convention, read from the x-inferred marks of the spec where
// the check depends on one spec element.
//
// The suite uses only the public API. It restores the password and the
// branding settings that it changes, also when a check fails midway or
// panics. A failed restore fails the check that ran before it and adds a
// NOTE, and the suite stops restoring that account. The SMTP settings and
// the update-detail fields cannot be read or restored through the public
// API, so they keep the values the suite sent. The stored custom domain is
// never sent again, because that would start a domain installation. The
// suite only sends a domain name that the target must reject.
package contract

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/callfluent/usermock/spec"
)

// Provenance is the source of a check's rule.
type Provenance string

const (
	// Documented marks a rule that the published API documentation states.
	Documented Provenance = "documented"

	// Inferred marks a rule that the project chose where the documentation
	// is silent; openapi.yaml marks such choices with x-inferred.
	Inferred Provenance = "inferred"
)

// Operation ids of the contract that the scenario checks depend on.
const (
	opGetProfile    = "getUserProfile"
	opUpdateDetail  = "updateUserDetail"
	opResetPassword = "resetUserPassword"
	opUpdateSetting = "updateUserSetting"
	opUpdateSMTP    = "updateSmtpSetting"
)

// DefaultRequestTimeout bounds each request when Config.RequestTimeout is 0.
const DefaultRequestTimeout = 15 * time.Second

// Config selects the target and the checks.
type Config struct {
	// BaseURL is the target's base URL, such as http://127.0.0.1:4010; the
	// spec's paths are appended to it.
	BaseURL string

	// APIKey, UserID and Password are the primary account's credentials.
	// Password is its current password; the suite changes it and restores it.
	APIKey   string
	UserID   string
	Password string

	// APIKey2 and UserID2 name a second account for the isolation checks.
	// Both or neither must be set; without them those checks are skipped.
	APIKey2 string
	UserID2 string

	// OnlyDocumented runs only the Documented checks.
	OnlyDocumented bool

	// ReadOnly skips every check that may change the target's state.
	ReadOnly bool

	// Spec is the contract; nil means spec.Default().
	Spec *spec.Spec

	// Client sends the requests; nil means a client that never follows
	// redirects and times out after RequestTimeout.
	Client *http.Client

	// RequestTimeout bounds each request of the default client; 0 means
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
}

// Validate returns an error naming the first missing or invalid setting.
// It loads the spec (Spec, or the embedded one when Spec is nil), because
// the user ids must match the spec's userId schema.
func (c Config) Validate() error {
	sp, err := c.loadSpec()
	if err != nil {
		return err
	}
	return c.validate(sp)
}

// loadSpec returns c.Spec, or the embedded spec when it is nil.
func (c Config) loadSpec() (*spec.Spec, error) {
	if c.Spec != nil {
		return c.Spec, nil
	}
	sp, err := spec.Default()
	if err != nil {
		return nil, fmt.Errorf("load embedded spec: %w", err)
	}
	return sp, nil
}

// validate is Validate with the spec already loaded. No message quotes an
// API key or a password.
func (c Config) validate(sp *spec.Spec) error {
	if err := validateBaseURL(c.BaseURL); err != nil {
		return err
	}

	required := []struct{ name, value string }{
		{"API key", c.APIKey}, {"user id", c.UserID}, {"password", c.Password},
	}
	for _, field := range required {
		if field.value == "" {
			return fmt.Errorf("missing %s", field.name)
		}
	}
	if err := checkUserID(sp, c.UserID); err != nil {
		return fmt.Errorf("invalid user id %s: %w", c.quoteUnlessSecret(c.UserID), err)
	}

	if (c.APIKey2 == "") != (c.UserID2 == "") {
		return errors.New("the second account needs both an API key and a user id")
	}
	if !c.hasSecondAccount() {
		return nil
	}
	if err := checkUserID(sp, c.UserID2); err != nil {
		return fmt.Errorf("invalid user id %s of the second account: %w", c.quoteUnlessSecret(c.UserID2), err)
	}
	if c.UserID2 == c.UserID {
		return fmt.Errorf("the second account's user id %q is the first account's", c.UserID2)
	}
	if c.APIKey2 == c.APIKey {
		return errors.New("the second account's API key is the first account's; give the key of another account")
	}
	return nil
}

// validateBaseURL returns an error when raw is not an absolute http or
// https URL that the spec's paths can be appended to.
func validateBaseURL(raw string) error {
	if raw == "" {
		return errors.New("missing base URL")
	}
	parsed, err := url.Parse(raw)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		return fmt.Errorf("invalid base URL %q: want http://host[:port][/prefix]", redactURL(raw))
	}
	// net/http turns user information into an "Authorization: Basic"
	// header on every request that has none, so the checks that send no
	// Authorization header would send one. Any "@" counts, because
	// url.Parse reads "user:12#pw@host" as a port and a fragment.
	if parsed.User != nil || strings.Contains(raw, "@") {
		return fmt.Errorf("invalid base URL %q: remove the user name and password; want http://host[:port][/prefix]",
			redactURL(raw))
	}
	// The suite appends each spec path to the base URL, so a query or a
	// fragment would end up in front of the path.
	if strings.ContainsAny(raw, "?#") {
		return fmt.Errorf("invalid base URL %q: remove the query or fragment; want http://host[:port][/prefix]",
			redactURL(raw))
	}
	return nil
}

// quoteUnlessSecret quotes value for an error message, unless value is one
// of c's API keys or its password, as when two flags were swapped.
func (c Config) quoteUnlessSecret(value string) string {
	for _, secret := range []string{c.APIKey, c.APIKey2, c.Password} {
		if secret != "" && value == secret {
			return "(not shown: it is an API key or the password)"
		}
	}
	return strconv.Quote(value)
}

// hasSecondAccount reports whether the isolation checks can run.
func (c Config) hasSecondAccount() bool {
	return c.APIKey2 != "" && c.UserID2 != ""
}

// Check is one rule applied to the target.
type Check struct {
	// OperationID is the spec operation the rule is about.
	OperationID string

	// Name describes the rule, such as "unknown API key gets 401". Together
	// with OperationID it is unique within Checks.
	Name string

	// Provenance is the source of the rule.
	Provenance Provenance

	// Basis is the reason for an Inferred rule: the x-inferred text of the
	// spec element that it depends on, or the convention it follows.
	Basis string

	// Mutates is true when the check changes the target's state, or would
	// change it if the target served a request that it must reject.
	Mutates bool

	// SecondAccount is true when the check needs the second account.
	SecondAccount bool

	run func(ctx context.Context, s *session) error
}

// redactURL returns raw without what lies between the scheme's "//" (or
// the start) and the last "@", where user information and its password
// sit. It cuts whether or not url.Parse would find user information there,
// because a password containing "/", "?" or "#" makes url.Parse read it as
// a path, query or fragment, as in "http://user:12#secret@host".
func redactURL(raw string) string {
	at := strings.LastIndex(raw, "@")
	if at < 0 {
		return raw
	}
	start := 0
	if slashes := strings.Index(raw, "//"); slashes >= 0 && slashes < at {
		start = slashes + 2
	}
	return raw[:start] + raw[at+1:]
}
