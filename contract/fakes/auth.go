package fakes

import (
	"net/http"
	"strings"
)

// authenticate returns the caller's account, or the reply that denies the
// request.
func (s *Server) authenticate(r *http.Request) (*accountState, *reply) {
	header := r.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(header, " ")
	token = strings.TrimSpace(token)

	key := ""
	if token != "" && (strings.EqualFold(scheme, "Bearer") || s.opts.Fault == AnySchemeAccepted) {
		key = token
	}
	if caller := s.byKey(key); key != "" && caller != nil {
		return caller, nil
	}

	switch {
	case s.opts.Fault == AuthNotEnforced:
		return s.accounts[0], nil
	case s.opts.Fault == UnknownKeyServed && key != "":
		return s.accounts[0], nil
	}

	status := http.StatusUnauthorized
	if s.opts.Fault == UnauthorizedAs403 {
		status = http.StatusForbidden
	}
	var denied reply
	switch {
	case header == "":
		denied = failure(status, "missing API key: send Authorization: Bearer {api_key}")
	case key == "":
		denied = failure(status, "malformed Authorization header: send Authorization: Bearer {api_key}")
	default:
		denied = failure(status, "unknown API key")
	}
	denied.header = map[string]string{"WWW-Authenticate": `Bearer realm="callfluent"`}
	return nil, &denied
}
