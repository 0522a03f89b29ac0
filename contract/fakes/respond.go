package fakes

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// reply is a response before the fault changes how it is written.
type reply struct {
	status        int
	body          map[string]any    // success body; nil for an error
	errText       string            // error text; empty for a success
	passwordError bool              // the documented wrong-current-password body with "msg"
	header        map[string]string // extra headers such as Allow
}

func success(body map[string]any) reply {
	return reply{status: http.StatusOK, body: body}
}

func failure(status int, format string, args ...any) reply {
	return reply{status: status, errText: fmt.Sprintf(format, args...)}
}

// write sends the reply, applying the fault and ErrorsAsOK.
func (s *Server) write(w http.ResponseWriter, response reply) {
	for name, value := range response.header {
		w.Header().Set(name, value)
	}
	if response.body != nil {
		s.writeSuccess(w, response)
		return
	}

	status := response.status
	if s.opts.ErrorsAsOK {
		status = http.StatusOK
	}
	if s.opts.Fault == ErrorsAs500 {
		status = http.StatusInternalServerError
	}

	if s.opts.Fault == PlainTextErrors {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = fmt.Fprintln(w, response.errText)
		return
	}
	writeJSON(w, status, "application/json", map[string]any{"status": false, s.errorKey(response): response.errText})
}

// errorKey returns the member that carries the error text.
func (s *Server) errorKey(response reply) string {
	switch {
	case response.passwordError && s.opts.Fault == PasswordErrorUsesError:
		return "error"
	case response.passwordError:
		return "msg"
	case s.opts.Fault == MessageKeyInErrors:
		return "message"
	}
	return "error"
}

func (s *Server) writeSuccess(w http.ResponseWriter, response reply) {
	body := response.body
	if _, hasStatus := body["status"]; hasStatus && s.opts.Fault == StatusAsString {
		body["status"] = "true"
	}
	contentType := "application/json"
	if s.opts.Fault == TextContentTypeOnSuccess {
		contentType = "text/plain; charset=utf-8"
	}
	writeJSON(w, response.status, contentType, body)
}

func writeJSON(w http.ResponseWriter, status int, contentType string, body map[string]any) {
	encoded, err := json.Marshal(body)
	if err != nil {
		http.Error(w, "encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(append(encoded, '\n'))
}
