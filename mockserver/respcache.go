package mockserver

import (
	"bytes"
	"hash/maphash"
	"slices"
	"sync"
)

// Bounds of a validatedResponses cache. Responses of one operation rarely
// differ (a profile, {"status":true}, a handful of error bodies), so a small
// cache catches nearly every repeat. Larger bodies are validated every time.
const (
	maxValidatedResponses = 256
	maxValidatedBodyBytes = 16 << 10
)

// validatedResponses is the set of responses of one operation that passed
// validation against one contract. Response validation depends only on the
// operation, the validation options, the request method (a HEAD response is
// never checked, so never stored), and the status, headers and body bytes of
// the response. The first two never change for an apiState. So a response
// with the same status, headers and body as a stored one is valid too and
// need not be validated again. Each apiState has its own caches, so a
// reloaded contract starts empty. Safe for concurrent use.
type validatedResponses struct {
	seed maphash.Seed

	mu      sync.RWMutex
	entries map[uint64]response
}

func newValidatedResponses() *validatedResponses {
	return &validatedResponses{seed: maphash.MakeSeed(), entries: map[uint64]response{}}
}

// contains reports whether a response equal to resp passed validation.
func (c *validatedResponses) contains(resp response) bool {
	if len(resp.body) > maxValidatedBodyBytes {
		return false
	}
	key := c.hash(resp)

	c.mu.RLock()
	known, ok := c.entries[key]
	c.mu.RUnlock()
	return ok && sameResponse(known, resp)
}

// add stores resp, which passed validation. Once the cache is full, new
// responses are not stored, but the stored ones stay.
func (c *validatedResponses) add(resp response) {
	if len(resp.body) > maxValidatedBodyBytes {
		return
	}
	key := c.hash(resp)
	stored := response{status: resp.status, header: resp.header.Clone(), body: bytes.Clone(resp.body)}

	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) < maxValidatedResponses {
		c.entries[key] = stored
	}
}

// hash returns a hash of the status, headers and body of resp. Headers are
// hashed one by one and combined with XOR, so map order does not matter.
func (c *validatedResponses) hash(resp response) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteByte(byte(resp.status >> 8))
	h.WriteByte(byte(resp.status))
	h.Write(resp.body)
	sum := h.Sum64()

	for name, values := range resp.header {
		var hh maphash.Hash
		hh.SetSeed(c.seed)
		hh.WriteString(name)
		for _, v := range values {
			hh.WriteByte(0)
			hh.WriteString(v)
		}
		sum ^= hh.Sum64()
	}
	return sum
}

// sameResponse reports whether a and b have the same status, headers and
// body. A nil header equals an empty one.
func sameResponse(a, b response) bool {
	if a.status != b.status || !bytes.Equal(a.body, b.body) || len(a.header) != len(b.header) {
		return false
	}
	for name, values := range a.header {
		other, ok := b.header[name]
		if !ok || !slices.Equal(values, other) {
			return false
		}
	}
	return true
}
