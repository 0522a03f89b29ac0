package contract

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/callfluent/usermock/spec"
)

// maxResponseBody is the number of response bytes the suite reads. It
// discards at most as many again so the connection can be reused, and
// closes the connection on a longer response, so a runaway target can
// neither exhaust memory nor hold the run.
const maxResponseBody = 1 << 20

// account is one set of credentials on the target.
type account struct {
	key    string
	userID string
}

// authorization returns the Authorization header for the account's key.
func (a account) authorization() string {
	return "Bearer " + a.key
}

// inventedSecrets are the values the suite makes up and sends. All of them
// are redacted from every report.
type inventedSecrets struct {
	newPasswords  [3]string // passwords the suite sets and then restores from
	wrongPassword string    // never the account's password
	smtpPassword  string    // sent to update-smtp-setting, must never come back
}

// session is the state of one run: the target, what was sent and received,
// and what must be restored. Checks run one at a time, so it has no lock.
type session struct {
	cfg       Config
	spec      *spec.Spec
	client    *http.Client
	redactor  *Redactor
	secrets   inventedSecrets
	marker    string // a random token that makes written values unique
	primary   account
	secondary account

	exchanges      []*exchange             // every exchange of the run
	checkExchanges []*exchange             // the exchanges of the running check
	shared         map[string]sharedResult // exchanges that several checks evaluate

	password     passwordState
	dirty        map[string]bool           // user ids whose branding may differ from the snapshot
	unrestorable map[string]bool           // user ids whose branding restore failed; never marked dirty again
	snapshots    map[string]map[string]any // user id to the profile read before any write
	notes        []string
}

// newSession prepares a run against cfg.
func newSession(cfg Config, sp *spec.Spec) *session {
	s := &session{
		cfg:          cfg,
		spec:         sp,
		client:       cfg.Client,
		marker:       randomToken(4),
		primary:      account{key: cfg.APIKey, userID: cfg.UserID},
		secondary:    account{key: cfg.APIKey2, userID: cfg.UserID2},
		shared:       map[string]sharedResult{},
		dirty:        map[string]bool{},
		unrestorable: map[string]bool{},
		snapshots:    map[string]map[string]any{},
	}
	if s.client == nil {
		s.client = defaultClient(cfg.RequestTimeout)
	}

	for i := range s.secrets.newPasswords {
		s.secrets.newPasswords[i] = "Cf-" + randomToken(9)
	}
	s.secrets.wrongPassword = "Cf-wrong-" + randomToken(6)
	s.secrets.smtpPassword = "smtp-" + randomToken(9)

	s.redactor = NewRedactor(cfg.APIKey, cfg.APIKey2, cfg.Password,
		s.secrets.wrongPassword, s.secrets.smtpPassword)
	for _, password := range s.secrets.newPasswords {
		s.redactor.Add(password)
	}
	s.password = passwordState{original: cfg.Password, current: cfg.Password, known: true}
	return s
}

// defaultClient returns a client that never follows a redirect, so no
// request leaves the configured target.
func defaultClient(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	return &http.Client{
		Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// randomToken returns 2*n random hex digits.
func randomToken(n int) string {
	buf := make([]byte, n)
	// Since Go 1.24, rand.Read never returns an error: it crashes instead.
	_, _ = rand.Read(buf)
	return hex.EncodeToString(buf)
}

// call describes one request.
type call struct {
	operationID   string
	authorization string // the Authorization header; empty sends none
	body          any    // encoded as JSON unless raw is set
	raw           []byte // sent as is with a JSON Content-Type
	query         string // appended to the path after "?"
}

// do sends c and records the exchange. A transport failure is stored in the
// returned exchange's Err.
func (s *session) do(ctx context.Context, c call) *exchange {
	ex := &exchange{OperationID: c.operationID, RequestHeader: http.Header{}}
	op, ok := s.spec.Operation(c.operationID)
	if !ok {
		ex.Err = fmt.Errorf("the spec has no operation %q", c.operationID)
		return ex
	}
	// NOTE: the path is used as written; the contract's paths have no
	// {placeholders}, and one added later would be sent literally.
	ex.Method, ex.Path = op.Method, op.Path
	if c.query != "" {
		ex.Path += "?" + c.query
	}

	ex.RequestBody = c.raw
	if ex.RequestBody == nil && c.body != nil {
		encoded, err := json.Marshal(c.body)
		if err != nil {
			ex.Err = fmt.Errorf("encode request body: %w", err)
			return ex
		}
		ex.RequestBody = encoded
	}

	s.send(ctx, ex, c.authorization)
	s.exchanges = append(s.exchanges, ex)
	s.checkExchanges = append(s.checkExchanges, ex)
	s.observe(ex, c.body)
	return ex
}

// send performs the request described by ex and fills in the response.
func (s *session) send(ctx context.Context, ex *exchange, authorization string) {
	target := strings.TrimRight(s.cfg.BaseURL, "/") + ex.Path
	req, err := http.NewRequestWithContext(ctx, ex.Method, target, bytes.NewReader(ex.RequestBody))
	if err != nil {
		ex.Err = fmt.Errorf("build request: %w", err)
		return
	}
	ex.RequestURI = req.URL.RequestURI()
	if ex.RequestBody != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	req.Header.Set("Accept", "application/json")
	ex.RequestHeader = req.Header.Clone()

	resp, err := s.client.Do(req)
	if err != nil {
		ex.Err = err
		return
	}
	defer resp.Body.Close()

	ex.Status = resp.StatusCode
	ex.ResponseHeader = resp.Header.Clone()
	ex.ResponseBody, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		ex.Err = fmt.Errorf("read response body: %w", err)
	}
	_, _ = io.CopyN(io.Discard, resp.Body, maxResponseBody)
}

// sharedResult is the outcome of a shared send.
type sharedResult struct {
	exchanges []*exchange
	err       error
}

// sharedExchanges returns the exchanges stored under key, sending them with
// send the first time. Checks that evaluate one request under two rules,
// such as "rejected" and "gets 401", share it this way.
func (s *session) sharedExchanges(key string, send func() ([]*exchange, error)) ([]*exchange, error) {
	if stored, ok := s.shared[key]; ok {
		return stored.exchanges, stored.err
	}
	exchanges, err := send()
	s.shared[key] = sharedResult{exchanges: exchanges, err: err}
	return exchanges, err
}

// note records a NOTE line for the report, once.
func (s *session) note(text string) {
	for _, existing := range s.notes {
		if existing == text {
			return
		}
	}
	s.notes = append(s.notes, text)
}
