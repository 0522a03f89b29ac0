package mockserver

import (
	"encoding/binary"
	"maps"
	"slices"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Bounds of a validatedRequests cache, chosen like those of
// validatedResponses: clients repeat a few requests, and a request whose key
// (mostly its body, and its query string when the operation declares query
// parameters) is larger is validated every time.
const (
	maxValidatedRequests    = 256
	maxValidatedRequestSize = 16 << 10
)

// validatedRequests maps requests of one operation that passed validation
// against one contract to their decoded bodies. With authentication done
// before and the validation options fixed for an apiState, request
// validation depends only on the operation, the path parameters, the query
// string, the Content-Type header and the body bytes, so those form the key.
// The query string is left out when the operation declares no query
// parameter, because the validator then ignores it, so a cache-busting query
// such as ?_=1733318400 neither misses the cache nor fills it.
// An operation that declares header or cookie parameters depends on more and
// is never cached. Each apiState has its own caches, so a reloaded contract
// starts empty. Safe for concurrent use.
type validatedRequests struct {
	mu      sync.RWMutex
	entries map[string]any
}

func newValidatedRequests() *validatedRequests {
	return &validatedRequests{entries: map[string]any{}}
}

// lookup returns a copy of the decoded body stored for key, so a behaviour
// may change what it gets without changing the cache.
func (c *validatedRequests) lookup(key []byte) (any, bool) {
	c.mu.RLock()
	body, ok := c.entries[string(key)]
	c.mu.RUnlock()
	if !ok {
		return nil, false
	}
	return cloneJSON(body), true
}

// add stores the decoded body of a request that passed validation. Once the
// cache is full, new requests are not stored, but the stored ones stay.
func (c *validatedRequests) add(key []byte, body any) {
	stored := cloneJSON(body)

	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) < maxValidatedRequests {
		c.entries[string(key)] = stored
	}
}

// requestKey returns the cache key of the request in input and its body
// data, or false when the request must be validated without the cache.
func requestKey(input *openapi3filter.RequestValidationInput, data []byte) ([]byte, bool) {
	route := input.Route
	levels := []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters}
	if slices.ContainsFunc(levels, declaresHeaderOrCookie) {
		return nil, false
	}
	r := input.Request
	query := ""
	if slices.ContainsFunc(levels, declaresQuery) {
		query = r.URL.RawQuery
	}
	if len(data)+len(query) > maxValidatedRequestSize {
		return nil, false
	}

	contentTypes := r.Header.Values("Content-Type")
	key := make([]byte, 0, 64+len(query)+len(data))
	key = binary.AppendUvarint(key, uint64(len(contentTypes)))
	for _, value := range contentTypes {
		key = appendField(key, value)
	}
	key = appendField(key, query)
	key = binary.AppendUvarint(key, uint64(len(input.PathParams)))
	for _, name := range slices.Sorted(maps.Keys(input.PathParams)) {
		key = appendField(key, name)
		key = appendField(key, input.PathParams[name])
	}
	if len(key)+len(data) > maxValidatedRequestSize {
		return nil, false
	}
	return append(key, data...), true
}

// appendField appends s to key with its length in front, so that no two
// different sequences of fields give the same key.
func appendField(key []byte, s string) []byte {
	key = binary.AppendUvarint(key, uint64(len(s)))
	return append(key, s...)
}

func declaresHeaderOrCookie(params openapi3.Parameters) bool {
	return declaresIn(params, openapi3.ParameterInHeader, openapi3.ParameterInCookie)
}

func declaresQuery(params openapi3.Parameters) bool {
	return declaresIn(params, openapi3.ParameterInQuery)
}

// declaresIn reports whether params declares a parameter in one of the
// locations. An unresolved parameter counts as declared everywhere.
func declaresIn(params openapi3.Parameters, locations ...string) bool {
	for _, ref := range params {
		if ref.Value == nil || slices.Contains(locations, ref.Value.In) {
			return true
		}
	}
	return false
}

// cloneJSON returns a deep copy of a value decoded from JSON: maps and
// slices are copied, and other values (strings, numbers, booleans, nil) are
// immutable and shared.
func cloneJSON(value any) any {
	switch v := value.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for name, member := range v {
			out[name] = cloneJSON(member)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = cloneJSON(item)
		}
		return out
	default:
		return v
	}
}
