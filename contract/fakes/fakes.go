// Package fakes provides in-process implementations of the CallFluent User
// Services API for testing the contract suite: a conforming server, written
// apart from this project's mock server with its own state and validation,
// and the same server with one realistic Fault or with every error sent as
// HTTP 200 and a {"status": false, ...} body, as the documentation allows.
package fakes

import (
	"maps"
	"net/http"
	"slices"
	"sync"
)

// Agent is one agent of an account.
type Agent struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// Account is a demo account that a fake starts with.
type Account struct {
	APIKey   string
	UserID   string
	Password string
	Name     string
	Email    string
	Setting  map[string]string
	Agents   []Agent
}

// Accounts returns the two demo accounts every fake starts with; they
// match the mock server's default fixtures.
func Accounts() []Account {
	return []Account{
		{
			APIKey: "demo-api-key", UserID: "12", Password: "123456",
			Name: "test", Email: "test@example.com",
			Setting: map[string]string{"website_name": "callfluent", "website_description": "save time"},
			Agents:  []Agent{{ID: 1, Name: "Support agent"}, {ID: 2, Name: "Sales agent"}},
		},
		{
			APIKey: "demo-api-key-2", UserID: "13", Password: "654321",
			Name: "second", Email: "second@example.com",
			Setting: map[string]string{"website_name": "second workspace", "website_description": "the second demo account"},
			Agents:  []Agent{{ID: 3, Name: "Reception agent"}},
		},
	}
}

// Options selects the fake's behaviour.
type Options struct {
	// Fault is the defect to add; None is the conforming server.
	Fault Fault

	// ErrorsAsOK sends every error with status 200 and the usual
	// {"status": false, ...} body.
	ErrorsAsOK bool

	// Accounts replaces the demo accounts of Accounts when not nil.
	Accounts []Account
}

// Server is a fake User Services API. It is safe for concurrent use: one
// mutex guards all account state.
type Server struct {
	opts         Options
	mu           sync.Mutex
	accounts     []*accountState
	servedWrites int
}

var _ http.Handler = (*Server)(nil)

// accountState is an account with what the operations have stored on it.
type accountState struct {
	Account
	formerPasswords []string
	details         map[string]string
	smtp            map[string]string
}

// New returns a fake with opts.Accounts, or the demo accounts of Accounts.
func New(opts Options) *Server {
	s := &Server{opts: opts}
	accounts := opts.Accounts
	if accounts == nil {
		accounts = Accounts()
	}
	for _, a := range accounts {
		a.Setting = maps.Clone(a.Setting)
		a.Agents = slices.Clone(a.Agents)
		s.accounts = append(s.accounts, &accountState{
			Account: a, details: map[string]string{}, smtp: map[string]string{},
		})
	}
	return s
}

// ServeHTTP serves one request of the User Services API. It reads the
// request body before it takes the mutex, so a client that stalls while
// sending its body delays no other request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body := readBody(w, r)

	s.mu.Lock()
	response := s.handle(r, body)
	if r.Method == http.MethodPost && response.body != nil {
		s.servedWrites++
	}
	s.mu.Unlock()
	s.write(w, response)
}

// ServedWrites returns the number of POST requests that got a success
// response, so a test can prove that a read-only run wrote nothing.
func (s *Server) ServedWrites() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.servedWrites
}

// handle routes, authenticates, decodes the body and runs the operation.
func (s *Server) handle(r *http.Request, body requestBody) reply {
	rt, ok := routes[r.URL.Path]
	if !ok {
		return failure(http.StatusNotFound, "path %q not found", r.URL.Path)
	}
	if r.Method != rt.method {
		response := failure(http.StatusMethodNotAllowed, "method %q not allowed on %q; allowed methods are %s",
			r.Method, r.URL.Path, rt.method)
		response.header = map[string]string{"Allow": rt.method}
		return response
	}

	caller, denied := s.authenticate(r)
	if denied != nil {
		return *denied
	}
	if rt.fields == nil {
		return rt.handle(s, caller, nil, r)
	}

	data, invalid := s.readData(r, body, rt.fields(s.opts.Fault))
	if invalid != nil {
		return *invalid
	}
	return rt.handle(s, caller, data, r)
}

// byKey returns the account with the API key, or nil.
func (s *Server) byKey(key string) *accountState {
	for _, a := range s.accounts {
		if a.APIKey == key {
			return a
		}
	}
	return nil
}

// byUserID returns the account with the user id, or nil.
func (s *Server) byUserID(userID string) *accountState {
	for _, a := range s.accounts {
		if a.UserID == userID {
			return a
		}
	}
	return nil
}
