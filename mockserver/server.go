// Package mockserver serves the CallFluent User Services API from its
// OpenAPI contract. Every request is authenticated and validated against
// the contract, the five documented operations change per-account state in
// a store, and every response is validated before it is sent. Operations
// without a behaviour are served from their documented examples.
//
// A request may force a documented response with the Prefer header, as
// Prism does: "code=404", "example=wrongCurrentPassword" or both, and
// "delay=250ms" (at most 10s). Authentication and validation still run
// first, and a forced response changes no state.
//
// With Config.Admin, the admin API under /__mock/ resets the accounts
// (POST /__mock/reset), returns the journal of recent requests with
// secrets redacted (GET /__mock/requests) and reports readiness
// (GET /__mock/health). It sends no CORS headers and rejects every request
// with an Origin header or with a Host that could be a DNS-rebinding name,
// so a web page can neither call it nor read it.
package mockserver

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/callfluent/usermock/spec"
	"github.com/callfluent/usermock/store"
)

// DefaultBodyLimit is the request body limit in bytes when Config.BodyLimit
// is 0.
const DefaultBodyLimit = 1 << 20

// Journal bounds used when Config leaves them 0.
const (
	defaultJournalSize  = 200
	defaultJournalBytes = 1 << 20
)

// minJournalBytes is the smallest Config.JournalBytes that New accepts. An
// entry that lost its headers and bodies counts up to about 1.2 KiB
// (entryOverhead, the id, three fields of maxShrunkField and the note), so a
// much smaller bound could keep no entry at all.
const minJournalBytes = 4096

// Config configures a Server. Spec and Fixtures are required.
type Config struct {
	Spec         *spec.Spec      // required
	Fixtures     *store.Fixtures // required
	Logger       *slog.Logger    // nil discards logs
	BodyLimit    int64           // max request body in bytes; 0 means DefaultBodyLimit (1 MiB)
	CORSOrigins  []string        // allowed browser origins; nil means ["*"]
	Admin        bool            // serve the /__mock/ admin API; /__mock/health is served either way
	Strict       bool            // an invalid response becomes a 500 naming the violation
	JournalSize  int             // max journal entries; 0 means 200
	JournalBytes int             // max journal bytes, at least 4096; 0 means 1 MiB
}

// Server is the mock server, an http.Handler. It is safe for concurrent use,
// and ReloadSpec, ReloadFixtures and Reset may run while it serves: each
// request uses the contract and the accounts that were current when it
// started.
type Server struct {
	logger     *slog.Logger
	bodyLimit  int64
	origins    []string
	admin      bool
	strict     bool
	journal    *journal
	behaviours map[string]behaviour

	// api holds the contract and everything derived from it; data holds
	// the fixtures and the account store. Each is swapped as a whole.
	api  atomic.Pointer[apiState]
	data atomic.Pointer[dataState]

	// idPrefix and idCounter make the generated request ids.
	idPrefix  string
	idCounter atomic.Uint64
}

var (
	_ http.Handler = (*Server)(nil)
	_ error        = (*apiError)(nil)
	_ error        = (*contractError)(nil)
	_ error        = (*jsonError)(nil)
)

// dataState is the fixtures with the store built from them.
type dataState struct {
	fixtures *store.Fixtures
	store    *store.Store
}

// New returns a Server for cfg. It fails when the spec or the fixtures are
// missing, the fixtures are invalid, or an operation of the spec needs a
// security scheme that the mock cannot check (see ReloadSpec).
func New(cfg Config) (*Server, error) {
	if cfg.Spec == nil {
		return nil, errors.New("new mock server: Config.Spec is required")
	}
	if cfg.Fixtures == nil {
		return nil, errors.New("new mock server: Config.Fixtures is required")
	}
	if err := cfg.Fixtures.Validate(); err != nil {
		return nil, fmt.Errorf("new mock server: %w", err)
	}
	if cfg.BodyLimit < 0 {
		return nil, fmt.Errorf("new mock server: Config.BodyLimit is %d; it must be 0 or more", cfg.BodyLimit)
	}
	if cfg.JournalBytes > 0 && cfg.JournalBytes < minJournalBytes {
		return nil, fmt.Errorf("new mock server: Config.JournalBytes is %d; it must be 0 (for 1 MiB) or at least %d", cfg.JournalBytes, minJournalBytes)
	}

	s := &Server{
		logger:     cfg.Logger,
		bodyLimit:  cfg.BodyLimit,
		origins:    cfg.CORSOrigins,
		admin:      cfg.Admin,
		strict:     cfg.Strict,
		journal:    newJournal(orDefault(cfg.JournalSize, defaultJournalSize), orDefault(cfg.JournalBytes, defaultJournalBytes)),
		behaviours: defaultBehaviours(),
		idPrefix:   randomPrefix(),
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.bodyLimit == 0 {
		s.bodyLimit = DefaultBodyLimit
	}
	if s.origins == nil {
		s.origins = []string{"*"}
	}

	api, err := s.loadAPI(cfg.Spec)
	if err != nil {
		return nil, fmt.Errorf("new mock server: %w", err)
	}
	s.api.Store(api)
	s.data.Store(newDataState(cfg.Fixtures))
	return s, nil
}

// loadAPI derives everything the server needs from sp. It fails when an
// operation needs a security scheme that the mock cannot check.
func (s *Server) loadAPI(sp *spec.Spec) (*apiState, error) {
	api := s.newAPIState(sp)
	if err := checkSecurity(api); err != nil {
		return nil, err
	}
	api.texts = newErrorTexts(sp)
	api.secrets = newSecrets(sp)
	return api, nil
}

func orDefault(value, fallback int) int {
	if value <= 0 {
		return fallback
	}
	return value
}

func randomPrefix() string {
	b := make([]byte, 4)
	// crypto/rand.Read never returns an error since Go 1.24.
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func newDataState(fx *store.Fixtures) *dataState {
	return &dataState{fixtures: fx, store: store.New(fx)}
}

// ReloadSpec replaces the contract. Requests already running finish with the
// old one; account state is kept. It returns an error, and the current
// contract stays, when sp is nil or an operation of sp needs a security
// scheme other than an http bearer or an apiKey scheme, which the mock
// cannot check.
func (s *Server) ReloadSpec(sp *spec.Spec) error {
	if sp == nil {
		return errors.New("reload spec: the spec is nil")
	}
	api, err := s.loadAPI(sp)
	if err != nil {
		return fmt.Errorf("reload spec: %w", err)
	}
	s.api.Store(api)
	s.logger.Info("spec reloaded", "version", sp.Version(), "operations", len(sp.Operations()))
	return nil
}

// ReloadFixtures replaces the fixtures and resets every account to them.
// Fixtures that fail Validate are ignored and logged, and the current ones
// stay.
func (s *Server) ReloadFixtures(fx *store.Fixtures) {
	if fx == nil {
		s.logger.Error("reload fixtures ignored: the fixtures are nil")
		return
	}
	if err := fx.Validate(); err != nil {
		s.logger.Error("reload fixtures ignored: invalid fixtures", "error", err)
		return
	}
	s.data.Store(newDataState(fx))
	s.logger.Info("fixtures reloaded", "accounts", len(fx.Accounts))
}

// Reset restores every account from the current fixtures.
func (s *Server) Reset() {
	s.data.Load().store.Reset()
	s.logger.Info("accounts reset")
}

// ServeHTTP serves one request through the middleware chain: request id,
// panic recovery, request log and journal, then the admin API, or CORS and
// the contract's operations. The admin API is outside CORS, so no browser
// preflight to it is approved.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	api := s.api.Load()
	ex := s.newExchange(r, api.secrets)
	sw := &statusWriter{ResponseWriter: w}
	sw.Header().Set(headerRequestID, ex.id)
	r = r.WithContext(withExchange(r.Context(), ex))

	defer s.finish(sw, r, ex)
	defer s.recoverPanic(sw, r, ex)

	if path := r.URL.EscapedPath(); strings.HasPrefix(path, adminPrefix) && (s.admin || path == adminHealthPath) {
		s.serveAdmin(api, sw, r)
		return
	}
	api.handler.ServeHTTP(sw, r)
}
