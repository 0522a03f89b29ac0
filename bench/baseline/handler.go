package main

import (
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	"sync"

	"github.com/callfluent/usermock/store"
)

// account is the state of one demo account that the two operations read
// and change.
type account struct {
	userID  string
	name    string
	email   string
	setting map[string]string
}

// handler serves the two benchmarked operations. mu guards every account
// reached through accounts, which maps API keys to accounts and is itself
// never changed after newHandler returns.
type handler struct {
	mu       sync.Mutex
	accounts map[string]*account
	mux      *http.ServeMux
}

var _ http.Handler = (*handler)(nil)

type profileResponse struct {
	User    profileUser       `json:"user"`
	Setting map[string]string `json:"setting"`
}

type profileUser struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

type settingRequest struct {
	Data map[string]string `json:"data"`
}

type statusResponse struct {
	Status bool   `json:"status"`
	Error  string `json:"error,omitempty"`
}

func newHandler(fixtures *store.Fixtures) *handler {
	h := &handler{accounts: make(map[string]*account), mux: http.NewServeMux()}
	for _, fixture := range fixtures.Accounts {
		h.accounts[fixture.APIKey] = &account{
			userID:  fixture.UserID,
			name:    fixture.Name,
			email:   fixture.Email,
			setting: maps.Clone(fixture.Setting),
		}
	}

	h.mux.HandleFunc("GET /user/profile", h.profile)
	h.mux.HandleFunc("POST /user/update-setting", h.updateSetting)
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

func (h *handler) profile(w http.ResponseWriter, r *http.Request) {
	caller, ok := h.authenticate(w, r)
	if !ok {
		return
	}

	h.mu.Lock()
	response := profileResponse{
		User:    profileUser{Name: caller.name, Email: caller.email},
		Setting: maps.Clone(caller.setting),
	}
	h.mu.Unlock()

	writeJSON(w, http.StatusOK, response)
}

func (h *handler) updateSetting(w http.ResponseWriter, r *http.Request) {
	caller, ok := h.authenticate(w, r)
	if !ok {
		return
	}

	var request settingRequest
	if err := json.NewDecoder(r.Body).Decode(&request); err != nil {
		writeJSON(w, http.StatusBadRequest, statusResponse{Error: "invalid JSON: " + err.Error()})
		return
	}
	if request.Data["userId"] != caller.userID {
		writeJSON(w, http.StatusForbidden, statusResponse{Error: "data.userId does not belong to the API key's account"})
		return
	}

	h.mu.Lock()
	for field, value := range request.Data {
		if field != "userId" {
			caller.setting[field] = value
		}
	}
	h.mu.Unlock()

	writeJSON(w, http.StatusOK, statusResponse{Status: true})
}

// authenticate returns the account of the request's bearer token, or writes
// a 401 and returns false.
func (h *handler) authenticate(w http.ResponseWriter, r *http.Request) (*account, bool) {
	key, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	caller := h.accounts[key]
	if !found || caller == nil {
		writeJSON(w, http.StatusUnauthorized, statusResponse{Error: "missing or unknown API key"})
		return nil, false
	}
	return caller, true
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// An encoding error here means the client went away, so it is ignored.
	_ = json.NewEncoder(w).Encode(body)
}
