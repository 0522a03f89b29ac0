package store

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// DomainNameSetting is the setting that holds the custom domain, which
// UpdateSetting checks against the simulated A records.
const DomainNameSetting = "domain_name"

// ErrWrongPassword is returned by ResetPassword when the current password
// does not match.
var ErrWrongPassword = errors.New("the current password is wrong")

// Limits on the custom fields that UpdateDetail stores, so that repeated
// requests cannot grow an account's memory without bound. An account holds
// at most MaxCustomFields × (MaxCustomFieldName + MaxCustomFieldValue)
// bytes of custom fields, about 420 KiB.
const (
	// MaxCustomFields is the number of distinct custom fields per account.
	MaxCustomFields = 100

	// MaxCustomFieldName is the length of a custom field's name in bytes.
	MaxCustomFieldName = 128

	// MaxCustomFieldValue is the length of a custom field's value in bytes.
	MaxCustomFieldValue = 4 << 10
)

var (
	_ error = (*FixtureError)(nil)
	_ error = (*AccountError)(nil)
	_ error = (*AgentNotFoundError)(nil)
	_ error = (*DomainError)(nil)
	_ error = (*CustomFieldLimitError)(nil)
)

// AccountError reports a user id that names no account.
type AccountError struct {
	UserID string
}

func (e *AccountError) Error() string {
	return fmt.Sprintf("no account has the user id %q", e.UserID)
}

// AgentNotFoundError reports an agent id that names no agent of the account.
type AgentNotFoundError struct {
	UserID  string
	AgentID int
}

func (e *AgentNotFoundError) Error() string {
	return fmt.Sprintf("agent %d not found in the account", e.AgentID)
}

// DomainError reports a custom domain that has no A record pointing to the
// required address.
type DomainError struct {
	// Domain is the domain name as the caller sent it.
	Domain string

	// Required is the address that one of its A records must hold.
	Required string
}

func (e *DomainError) Error() string {
	return fmt.Sprintf("domain %q does not point to %s", e.Domain, e.Required)
}

// CustomFieldLimitError reports custom fields over one of the limits
// MaxCustomFields, MaxCustomFieldName and MaxCustomFieldValue.
type CustomFieldLimitError struct {
	// Field is the name of the field over a length limit, or empty when
	// the number of fields is over MaxCustomFields. It may be longer than
	// MaxCustomFieldName.
	Field string

	// Reason names the limit, such as "the value has 5000 bytes; the limit
	// is 4096".
	Reason string
}

func (e *CustomFieldLimitError) Error() string {
	if e.Field == "" {
		return "custom fields: " + e.Reason
	}
	return fmt.Sprintf("custom field %q: %s", e.Field, e.Reason)
}

// UpdateDetail stores phone and the custom fields on the account and returns
// the account's agents. Custom fields are merged into those stored before.
// When agentID is not 0 it must name an agent of the account, otherwise the
// result is an *AgentNotFoundError. Custom fields over a limit (see
// MaxCustomFields) give a *CustomFieldLimitError. On an error nothing
// changes.
func (s *Store) UpdateDetail(userID string, agentID int, phone string, custom map[string]string) ([]Agent, error) {
	if err := checkCustomFieldSizes(custom); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	acc, err := s.lookup(userID)
	if err != nil {
		return nil, err
	}
	if agentID != 0 && !slices.ContainsFunc(acc.agents, func(a Agent) bool { return a.ID == agentID }) {
		return nil, &AgentNotFoundError{UserID: userID, AgentID: agentID}
	}
	if count := mergedCount(acc.custom, custom); count > MaxCustomFields {
		return nil, &CustomFieldLimitError{Reason: fmt.Sprintf(
			"the account would hold %d custom fields; the limit is %d per account", count, MaxCustomFields)}
	}

	acc.phoneNumber = phone
	maps.Copy(acc.custom, custom)
	return slices.Clone(acc.agents), nil
}

// checkCustomFieldSizes returns a *CustomFieldLimitError when custom alone
// has more than MaxCustomFields fields, or for the first field, in name
// order, whose name or value is too long.
func checkCustomFieldSizes(custom map[string]string) error {
	if len(custom) > MaxCustomFields {
		return &CustomFieldLimitError{Reason: fmt.Sprintf(
			"the request sends %d custom fields; the limit is %d per account", len(custom), MaxCustomFields)}
	}
	for _, name := range slices.Sorted(maps.Keys(custom)) {
		if len(name) > MaxCustomFieldName {
			return &CustomFieldLimitError{Field: name, Reason: fmt.Sprintf(
				"the name has %d bytes; the limit is %d", len(name), MaxCustomFieldName)}
		}
		if value := custom[name]; len(value) > MaxCustomFieldValue {
			return &CustomFieldLimitError{Field: name, Reason: fmt.Sprintf(
				"the value has %d bytes; the limit is %d", len(value), MaxCustomFieldValue)}
		}
	}
	return nil
}

// mergedCount returns the number of distinct names in stored and update.
func mergedCount(stored, update map[string]string) int {
	count := len(stored)
	for name := range update {
		if _, ok := stored[name]; !ok {
			count++
		}
	}
	return count
}

// ResetPassword replaces the account's password with newPass when oldPass is
// the current one, and returns ErrWrongPassword otherwise.
func (s *Store) ResetPassword(userID, oldPass, newPass string) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	acc, err := s.lookup(userID)
	if err != nil {
		return err
	}
	// The stored password is a demo fixture, not a secret worth a
	// constant-time comparison; the API keys get one in Authenticate.
	if acc.password != oldPass {
		return ErrWrongPassword
	}
	acc.password = newPass
	return nil
}

// UpdateSetting stores the given branding settings and leaves the others as
// they are. A domain_name passes only when one of its simulated A records is
// the required address, looked up without regard to case. Otherwise the
// result is a *DomainError and nothing changes.
func (s *Store) UpdateSetting(userID string, fields map[string]string) error {
	if domain, ok := fields[DomainNameSetting]; ok && !s.pointsToRequired(domain) {
		return &DomainError{Domain: domain, Required: s.fixtures.RequiredARecord}
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	acc, err := s.lookup(userID)
	if err != nil {
		return err
	}
	maps.Copy(acc.setting, fields)
	return nil
}

// pointsToRequired reads only the fixtures, which never change, so it needs
// no lock.
func (s *Store) pointsToRequired(domain string) bool {
	records := s.fixtures.ARecords[strings.ToLower(domain)]
	return slices.Contains(records, s.fixtures.RequiredARecord)
}

// SMTPSettings are the SMTP server, credentials and sender of an account.
type SMTPSettings struct {
	Host      string
	Port      string
	Username  string
	Password  string
	FromName  string
	FromEmail string
}

// SMTPUser is an account's user record after an SMTP update. The type has
// no password field, so a response built from it cannot contain one.
type SMTPUser struct {
	UserID       string
	Name         string
	Email        string
	PhoneNumber  string // empty until UpdateDetail stores one
	SMTPHost     string
	SMTPPort     string
	SMTPUsername string
	FromName     string
	FromEmail    string
}

// UpdateSMTP stores all of smtp on the account and returns the user record.
func (s *Store) UpdateSMTP(userID string, smtp SMTPSettings) (SMTPUser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	acc, err := s.lookup(userID)
	if err != nil {
		return SMTPUser{}, err
	}
	acc.smtp = smtp
	return SMTPUser{
		UserID:       userID,
		Name:         acc.name,
		Email:        acc.email,
		PhoneNumber:  acc.phoneNumber,
		SMTPHost:     smtp.Host,
		SMTPPort:     smtp.Port,
		SMTPUsername: smtp.Username,
		FromName:     smtp.FromName,
		FromEmail:    smtp.FromEmail,
	}, nil
}

// Account is a copy of the whole state of one account, secrets included,
// for tests and inspection. The mock server never sends it to a client.
type Account struct {
	UserID      string
	Password    string
	Name        string
	Email       string
	PhoneNumber string
	Custom      map[string]string
	Setting     map[string]string
	SMTP        SMTPSettings
	Agents      []Agent
}

// Account returns a copy of the state of the account userID, or an
// *AccountError when there is none.
func (s *Store) Account(userID string) (Account, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()

	acc, err := s.lookup(userID)
	if err != nil {
		return Account{}, err
	}
	return Account{
		UserID:      userID,
		Password:    acc.password,
		Name:        acc.name,
		Email:       acc.email,
		PhoneNumber: acc.phoneNumber,
		Custom:      copyMap(acc.custom),
		Setting:     copyMap(acc.setting),
		SMTP:        acc.smtp,
		Agents:      slices.Clone(acc.agents),
	}, nil
}
