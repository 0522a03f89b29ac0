package mockserver

import (
	"net"
	"net/http"
	"strings"
)

// adminPrefix is the path prefix of the admin API.
const adminPrefix = "/__mock/"

// adminRoute is one endpoint of the admin API.
type adminRoute struct {
	method string
	handle func(s *Server, api *apiState, r *http.Request) (response, error)
}

// adminHealthPath is the readiness endpoint. It is served even when
// Config.Admin is off, because container health checks poll it, and it
// reveals only the spec version and the number of accounts.
const adminHealthPath = adminPrefix + "health"

// adminRoutes are the endpoints under /__mock/. They need no API key, as
// the admin API exists for tests and local use; Config.Admin turns off all
// but adminHealthPath.
var adminRoutes = map[string]adminRoute{
	adminPrefix + "reset":    {method: http.MethodPost, handle: adminReset},
	adminPrefix + "requests": {method: http.MethodGet, handle: adminRequests},
	adminHealthPath:          {method: http.MethodGet, handle: adminHealth},
}

// serveAdmin serves the admin API. Its requests are not journaled, so
// reading the journal does not change it.
//
// It rejects every request with an Origin header, which browsers send with
// each cross-origin request and each POST. Without CORS headers a page could
// not read the response, but a POST that needs no preflight would still
// reset the accounts. Clients such as curl and Go tests send no Origin.
//
// It also rejects a Host header that names a DNS name with a dot other than
// localhost. Browsers send no Origin with a same-origin GET, so a page on a
// name that an attacker re-points to 127.0.0.1 (DNS rebinding) could
// otherwise read the journal. IP addresses, localhost and single-label names
// such as a docker-compose service name pass.
func (s *Server) serveAdmin(api *apiState, w http.ResponseWriter, r *http.Request) {
	exchangeFrom(r).journaled = false
	route, ok := adminRoutes[r.URL.EscapedPath()]
	switch {
	case r.Header.Get("Origin") != "":
		s.sendError(api, w, r, errForbiddenOrigin())
		return
	case !isLocalHost(r.Host):
		s.sendError(api, w, r, errForbiddenHost(r.Host))
		return
	case !ok:
		s.sendError(api, w, r, errNotFound(r.URL.EscapedPath()))
		return
	case r.Method != route.method:
		s.sendError(api, w, r, errMethodNotAllowed(r.Method, r.URL.EscapedPath(), []string{route.method}))
		return
	}

	resp, err := route.handle(s, api, r)
	if err != nil {
		s.sendError(api, w, r, err)
		return
	}
	writeResponse(w, resp)
}

// adminReset restores every account from the fixtures: POST /__mock/reset.
func adminReset(s *Server, _ *apiState, _ *http.Request) (response, error) {
	s.Reset()
	return jsonResponse(http.StatusOK, map[string]any{"status": true})
}

// adminRequests returns the journal, oldest first: GET /__mock/requests.
func adminRequests(s *Server, _ *apiState, _ *http.Request) (response, error) {
	return jsonResponse(http.StatusOK, map[string]any{"requests": s.journal.entries()})
}

// adminHealth reports readiness: GET /__mock/health.
func adminHealth(s *Server, api *apiState, _ *http.Request) (response, error) {
	return jsonResponse(http.StatusOK, map[string]any{
		"status":       true,
		"spec_version": api.spec.Version(),
		"accounts":     s.data.Load().store.AccountCount(),
	})
}

// isLocalHost reports whether host, a Host header value with or without a
// port, cannot be a name that DNS rebinding re-points: empty, an IP address,
// localhost or a name under it, or a name without a dot.
func isLocalHost(host string) bool {
	if name, _, err := net.SplitHostPort(host); err == nil {
		host = name
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	switch {
	case host == "" || net.ParseIP(host) != nil:
		return true
	case host == "localhost" || strings.HasSuffix(host, ".localhost"):
		return true
	default:
		return !strings.Contains(host, ".")
	}
}
