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
func (c Config) Validate() error {
	if c.BaseURL == "" {
		return errors.New("missing base URL")
	}
	parsed, err := url.Parse(c.BaseURL)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		return fmt.Errorf("invalid base URL %q: want http://host[:port][/prefix]", redactURL(c.BaseURL))
	}
	// The suite appends each spec path to the base URL, so a query or a
	// fragment would end up in front of the path.
	if strings.ContainsAny(c.BaseURL, "?#") {
		return fmt.Errorf("invalid base URL %q: remove the query or fragment; want http://host[:port][/prefix]",
			redactURL(c.BaseURL))
	}

	required := []struct{ name, value string }{
		{"API key", c.APIKey}, {"user id", c.UserID}, {"password", c.Password},
	}
	for _, field := range required {
		if field.value == "" {
			return fmt.Errorf("missing %s", field.name)
		}
	}

	if (c.APIKey2 == "") != (c.UserID2 == "") {
		return errors.New("the second account needs both an API key and a user id")
	}
	if c.APIKey2 != "" && c.UserID2 == c.UserID {
		return fmt.Errorf("the second account's user id %q is the first account's", c.UserID2)
	}
	return nil
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

// redactURL drops the user information from a URL, which may hold a password.
func redactURL(raw string) string {
	parsed, err := url.Parse(raw)
	if err != nil || parsed.User == nil {
		return raw
	}
	parsed.User = nil
	return parsed.String()
}
