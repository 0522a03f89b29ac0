package mockserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"
)

// maxRequestIDLength is the longest incoming X-Request-Id that is kept.
const maxRequestIDLength = 64

// statusClientClosed is the status logged for a request whose client went
// away before the response, as nginx logs it. It is never sent.
const statusClientClosed = 499

// exchange is the per-request record that the steps of the chain fill in
// and that the request log and the journal read at the end.
type exchange struct {
	id      string
	start   time.Time
	header  http.Header // the request headers as received
	secrets *secrets    // the secret names of the contract that serves the request

	// The fields below are set by the step that learns them, all on the
	// request's goroutine.
	account      string
	operation    string // the operationId; empty until a route matched
	requestBody  []byte // nil when the body was not read
	responseBody []byte
	err          error // the reason the request was rejected or failed
	forced       bool  // the Prefer header selected the response
	canceled     bool  // the client went away before the response
	journaled    bool  // record the exchange in the journal; false for the admin API
}

type exchangeKey struct{}

func withExchange(ctx context.Context, ex *exchange) context.Context {
	return context.WithValue(ctx, exchangeKey{}, ex)
}

// exchangeFrom returns the request's exchange. Every request that reaches a
// step of the chain has one, because ServeHTTP adds it first.
func exchangeFrom(r *http.Request) *exchange {
	ex, _ := r.Context().Value(exchangeKey{}).(*exchange)
	if ex == nil {
		// Only a request that bypassed ServeHTTP lacks one; give it a
		// throwaway record so no step needs a nil check.
		return &exchange{start: time.Now(), header: r.Header}
	}
	return ex
}

func (s *Server) newExchange(r *http.Request, secrets *secrets) *exchange {
	return &exchange{id: s.requestID(r), start: time.Now(), header: r.Header, secrets: secrets, journaled: true}
}

// requestID returns the incoming X-Request-Id when it is at most 64 visible
// ASCII characters, and otherwise a new id: the Server's random prefix and
// a counter, so no two generated ids of one Server are equal.
func (s *Server) requestID(r *http.Request) string {
	if id := r.Header.Get(headerRequestID); isUsableRequestID(id) {
		return id
	}
	return s.idPrefix + "-" + strconv.FormatUint(s.idCounter.Add(1), 10)
}

func isUsableRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

// statusWriter records the status that was sent.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter {
	return w.ResponseWriter
}

// recoverPanic turns a panic into a 500 in the contract's error body, when
// nothing was sent yet, and logs it with the request id and the stack.
// http.ErrAbortHandler is passed on, as net/http expects.
func (s *Server) recoverPanic(w *statusWriter, r *http.Request, ex *exchange) {
	recovered := recover()
	if recovered == nil {
		return
	}
	if recovered == http.ErrAbortHandler {
		panic(recovered)
	}

	ex.err = fmt.Errorf("panic: %v", recovered)
	s.logger.Error("panic while serving request", "id", ex.id, "method", r.Method, "path", r.URL.EscapedPath(),
		"error", ex.err, "stack", string(debug.Stack()))
	if w.status != 0 {
		return
	}
	resp := s.errorResponse(s.api.Load(), errors.New("internal server error"))
	ex.responseBody = resp.body
	writeResponse(w, resp)
}

// finish writes the request log line and the journal entry.
func (s *Server) finish(w *statusWriter, r *http.Request, ex *exchange) {
	elapsed := time.Since(ex.start)
	status := w.status
	switch {
	case ex.canceled:
		status = statusClientClosed
	case status == 0:
		// net/http sends 200 for a handler that wrote nothing.
		status = http.StatusOK
	}

	s.logRequest(r, ex, status, elapsed)
	if ex.journaled {
		s.journal.add(ex, r, status, elapsed)
	}
}

// logRequest logs one line per request. A response that the Prefer header
// selected logs "forced response" at info, whatever its status. Any other
// 5xx logs "request failed" at error, and the rest log "request" at info,
// with a debug line giving the reason of a rejected request. It logs the
// escaped path without the query and no header or body, and the reasons
// quote no value of a secret field (see collectViolations).
func (s *Server) logRequest(r *http.Request, ex *exchange, status int, elapsed time.Duration) {
	ctx := r.Context()
	attrs := []slog.Attr{
		slog.String("id", ex.id),
		slog.String("method", r.Method),
		slog.String("path", r.URL.EscapedPath()),
		slog.Int("status", status),
		slog.Duration("duration", elapsed),
		slog.String("account", ex.account),
	}
	switch {
	case ex.forced && ex.err == nil:
		attrs = append(attrs, slog.String("operation", ex.operation))
		s.logger.LogAttrs(ctx, slog.LevelInfo, "forced response", attrs...)
		return
	case status >= 500:
		attrs = append(attrs, slog.Any("error", ex.err))
		s.logger.LogAttrs(ctx, slog.LevelError, "request failed", attrs...)
		return
	}

	s.logger.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
	if status >= 400 && ex.err != nil {
		s.logger.LogAttrs(ctx, slog.LevelDebug, "request rejected",
			slog.String("id", ex.id), slog.Int("status", status), slog.String("reason", ex.err.Error()))
	}
}
