// Package mocktest starts the CallFluent User Services mock inside a Go
// test, in the spirit of net/http/httptest: New returns a running server on
// 127.0.0.1 with fresh accounts, and stops it when the test ends.
//
//	srv := mocktest.New(t)
//	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/user/profile", nil)
//	req.Header.Set("Authorization", "Bearer "+srv.Primary().APIKey)
//	resp, err := srv.Client().Do(req)
package mocktest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/callfluent/usermock/mockserver"
	"github.com/callfluent/usermock/spec"
	"github.com/callfluent/usermock/store"
)

// Account is an account of the fixtures that the server starts with: the
// embedded demo accounts, or those of WithFixtures.
type Account struct {
	APIKey   string // the Bearer token that authenticates as this account
	UserID   string // the account's userId, as request bodies send it
	Password string // the password at start, which reset-password checks
}

// Server is a running mock server. Each Server has its own accounts, so
// tests that change state do not see each other's changes.
type Server struct {
	// URL is the base URL, http://127.0.0.1:PORT, with no trailing slash.
	URL string

	// Accounts are the accounts of the fixtures that the server started
	// with, in fixture order and as they are at start. They do not follow
	// the server: a reset-password request changes the password there but
	// not here until Reset restores it, and after Mock.ReloadFixtures they
	// no longer describe the server's accounts.
	Accounts []Account

	// Mock is the handler behind URL, for Reset, ReloadSpec and
	// ReloadFixtures.
	Mock *mockserver.Server

	http *httptest.Server
}

// Option changes how New and NewServer build the server.
type Option func(*mockserver.Config)

// WithFixtures serves fx in place of the embedded demo fixtures.
func WithFixtures(fx *store.Fixtures) Option {
	return func(cfg *mockserver.Config) { cfg.Fixtures = fx }
}

// WithSpec serves sp in place of the embedded contract.
func WithSpec(sp *spec.Spec) Option {
	return func(cfg *mockserver.Config) { cfg.Spec = sp }
}

// WithConfig lets configure change any other field of the server's
// configuration, such as CORSOrigins, Logger or Strict.
func WithConfig(configure func(*mockserver.Config)) Option {
	return configure
}

// defaultSpec parses the embedded contract once per test binary. A Spec is
// never changed after it is loaded, so servers can share it.
var defaultSpec = sync.OnceValues(spec.Default)

// New starts a mock server for t and closes it in t.Cleanup. The server
// serves the embedded contract and fixtures unless opts replace them, in
// strict mode, so a response that breaks the contract fails as a 500. New
// calls t.Fatal when the server cannot start.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	srv, err := NewServer(opts...)
	if err != nil {
		t.Fatalf("mocktest: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// NewServer starts a mock server like New does, for code without a
// testing.TB such as Example functions. The caller must call Close.
func NewServer(opts ...Option) (*Server, error) {
	cfg := mockserver.Config{Admin: true, Strict: true}
	for _, opt := range opts {
		opt(&cfg)
	}
	if err := fillDefaults(&cfg); err != nil {
		return nil, err
	}

	mock, err := mockserver.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("start mock server: %w", err)
	}
	accounts := make([]Account, 0, len(cfg.Fixtures.Accounts))
	for _, acc := range cfg.Fixtures.Accounts {
		accounts = append(accounts, Account{APIKey: acc.APIKey, UserID: acc.UserID, Password: acc.Password})
	}

	// httptest.NewServer listens on 127.0.0.1 on a free port.
	ts := httptest.NewServer(mock)
	return &Server{URL: ts.URL, Accounts: accounts, Mock: mock, http: ts}, nil
}

// fillDefaults loads the embedded contract and fixtures where cfg has none.
// The fixtures are loaded anew for each server.
func fillDefaults(cfg *mockserver.Config) error {
	if cfg.Spec == nil {
		sp, err := defaultSpec()
		if err != nil {
			return fmt.Errorf("load embedded spec: %w", err)
		}
		cfg.Spec = sp
	}
	if cfg.Fixtures == nil {
		fx, err := store.Default()
		if err != nil {
			return fmt.Errorf("load embedded fixtures: %w", err)
		}
		cfg.Fixtures = fx
	}
	return nil
}

// Close stops the server and waits for its requests to finish. New calls
// it in t.Cleanup. Close may be called more than once.
func (s *Server) Close() {
	s.http.Close()
}

// Client returns an HTTP client for the server. It uses no proxy, even when
// HTTP_PROXY is set.
func (s *Server) Client() *http.Client {
	return s.http.Client()
}

// Reset restores every account to its state at start, or to the fixtures
// of the last Mock.ReloadFixtures.
func (s *Server) Reset() {
	s.Mock.Reset()
}

// Primary returns the first account (key demo-api-key, userId "12" with
// the embedded fixtures).
func (s *Server) Primary() Account {
	return s.Accounts[0]
}

// Secondary returns the second account (key demo-api-key-2, userId
// "13" with the embedded fixtures). It panics when the fixtures hold a
// single account.
func (s *Server) Secondary() Account {
	if len(s.Accounts) < 2 {
		panic(fmt.Sprintf("mocktest: Secondary needs 2 accounts, but the fixtures hold %d", len(s.Accounts)))
	}
	return s.Accounts[1]
}
