package spec

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// segmentRouter is a router over the templated paths that share one literal
// first segment, such as /agents/{id} and /agents/{id}/calls.
type segmentRouter struct {
	router routers.Router

	// doc is the document that the full Router routes on, given to every
	// route found, so routes do not depend on which router found them.
	doc *openapi3.T
}

// exactRoutes indexes the paths of doc that have no {placeholder}. The
// router tries each path's regular expression in turn, so a request for the
// last of 1,000 paths would cost 1,000 matches. A map lookup costs one.
func exactRoutes(doc *openapi3.T) map[string]*routers.Route {
	exact := map[string]*routers.Route{}
	for path, item := range doc.Paths.Map() {
		if strings.Contains(path, "{") {
			continue
		}
		exact[path] = &routers.Route{Spec: doc, Path: path, PathItem: item}
	}
	return exact
}

// segmentRouters groups the templated paths of doc by their first segment
// and builds a router for each group. A request whose first segment is
// literal can only match paths with that same first segment, so the group's
// router finds what the full router would while it tries a fraction of the
// routes. A path whose first segment contains a placeholder, such as
// /{tenant}/calls, can match any first segment, so then the result is nil and
// every templated path goes through the full router.
//
// NOTE: a group is still searched route by route, so 1,000 templated paths
// under one first segment cost as much as before.
func segmentRouters(doc *openapi3.T) (map[string]segmentRouter, error) {
	groups := map[string]*openapi3.Paths{}
	for path, item := range doc.Paths.Map() {
		if !strings.Contains(path, "{") {
			continue
		}
		first := firstSegment(path)
		if strings.Contains(first, "{") {
			return nil, nil
		}
		if groups[first] == nil {
			groups[first] = openapi3.NewPaths()
		}
		groups[first].Set(path, item)
	}

	segments := make(map[string]segmentRouter, len(groups))
	for first, paths := range groups {
		subset := *doc
		subset.Paths = paths
		router, err := gorillamux.NewRouter(&subset)
		if err != nil {
			return nil, fmt.Errorf("build router for paths under /%s: %w", first, err)
		}
		segments[first] = segmentRouter{router: router, doc: doc}
	}
	return segments, nil
}

// firstSegment returns the first segment of an absolute path, "agents" for
// "/agents/{id}".
func firstSegment(path string) string {
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return first
}

// FindRoute matches r to an operation by method and path, as Router does:
// the escaped path must equal the template, with no cleaning and no
// trailing-slash redirect. Paths without placeholders are found by a map
// lookup, templated paths by the router of their first segment, and
// anything else through Router. It returns routers.ErrPathNotFound or
// routers.ErrMethodNotAllowed when nothing matches.
func (s *Spec) FindRoute(r *http.Request) (*routers.Route, map[string]string, error) {
	path := r.URL.EscapedPath()
	if base, ok := s.exact[path]; ok {
		return exactRoute(base, r.Method)
	}

	if group, ok := s.segments[firstSegment(path)]; ok {
		route, params, err := group.router.FindRoute(r)
		if err == nil {
			found := *route
			found.Spec = group.doc
			return &found, params, nil
		}
		// A path the group does not match falls through to Router, which
		// returns the same error at the full cost. Only requests that get
		// 404 pay it.
		if !errors.Is(err, routers.ErrPathNotFound) {
			return nil, nil, err
		}
	}
	return s.Router.FindRoute(r)
}

// exactRoute returns base, a route of the exact map, for method.
func exactRoute(base *routers.Route, method string) (*routers.Route, map[string]string, error) {
	op := base.PathItem.GetOperation(method)
	if op == nil {
		return nil, nil, routers.ErrMethodNotAllowed
	}
	route := *base
	route.Method = method
	route.Operation = op
	return &route, map[string]string{}, nil
}
