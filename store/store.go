package store

import (
	"crypto/sha256"
	"crypto/subtle"
	"maps"
	"slices"
	"sync"
)

// Store is the mutable state of every account, kept in memory. Its methods
// are safe for concurrent use. Each method that reads or changes an account
// holds the Store's mutex while it does, so a reader never sees a
// half-applied update. Authenticate, AccountCount and RequiredARecord read
// only the keys and fixtures, which never change, and take no lock. Results
// are copies that the caller may keep and modify.
type Store struct {
	// fixtures and keys never change after New.
	fixtures *Fixtures
	keys     []keyEntry

	// mu guards accounts and every account in it.
	mu       sync.RWMutex
	accounts map[string]*account
}

// keyEntry is one API key, stored as its SHA-256 digest so that every
// comparison takes the same time whatever the key's length.
type keyEntry struct {
	digest [sha256.Size]byte
	userID string
}

// account is the mutable state of one account.
type account struct {
	password    string
	name        string
	email       string
	phoneNumber string
	custom      map[string]string
	setting     map[string]string
	smtp        SMTPSettings
	agents      []Agent
}

// New returns a Store holding the accounts of fx. The caller must not modify
// fx afterwards, and fx should have passed Validate: New does not check it.
func New(fx *Fixtures) *Store {
	s := &Store{fixtures: fx}
	for _, acc := range fx.Accounts {
		s.keys = append(s.keys, keyEntry{digest: sha256.Sum256([]byte(acc.APIKey)), userID: acc.UserID})
	}
	s.accounts = freshAccounts(fx)
	return s
}

func freshAccounts(fx *Fixtures) map[string]*account {
	accounts := make(map[string]*account, len(fx.Accounts))
	for _, acc := range fx.Accounts {
		accounts[acc.UserID] = &account{
			password: acc.Password,
			name:     acc.Name,
			email:    acc.Email,
			custom:   map[string]string{},
			setting:  copyMap(acc.Setting),
			agents:   slices.Clone(acc.Agents),
		}
	}
	return accounts
}

// Reset restores every account to its state in the fixtures.
func (s *Store) Reset() {
	fresh := freshAccounts(s.fixtures)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.accounts = fresh
}

// AccountCount returns the number of accounts.
func (s *Store) AccountCount() int {
	return len(s.keys)
}

// Authenticate returns the user id of the account whose API key is apiKey.
// It compares the key's digest with the digest of every account's key in
// constant time and never stops early, so neither the response time nor its
// variation reveals which key matched or how long the keys are.
func (s *Store) Authenticate(apiKey string) (userID string, ok bool) {
	digest := sha256.Sum256([]byte(apiKey))
	match := -1
	for i := range s.keys {
		equal := subtle.ConstantTimeCompare(digest[:], s.keys[i].digest[:])
		match = subtle.ConstantTimeSelect(equal, i, match)
	}
	if match < 0 {
		return "", false
	}
	return s.keys[match].userID, true
}

// RequiredARecord returns the address that a custom domain must point to.
func (s *Store) RequiredARecord() string {
	return s.fixtures.RequiredARecord
}

// Profile is the public part of an account: its name, email and branding
// settings.
type Profile struct {
	Name    string
	Email   string
	Setting map[string]string
}

// Profile returns the account's profile, or an *AccountError when no account
// has the id userID.
func (s *Store) Profile(userID string) (Profile, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()

	acc, err := s.lookup(userID)
	if err != nil {
		return Profile{}, err
	}
	return Profile{Name: acc.name, Email: acc.email, Setting: copyMap(acc.setting)}, nil
}

// lookup returns the account userID. The caller holds s.mu.
func (s *Store) lookup(userID string) (*account, error) {
	acc, ok := s.accounts[userID]
	if !ok {
		return nil, &AccountError{UserID: userID}
	}
	return acc, nil
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	maps.Copy(out, m)
	return out
}
