package contract

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Redacted replaces every secret in report text.
const Redacted = "[REDACTED]"

// Redactor replaces registered secrets (API keys, passwords, the SMTP
// password the suite sends) with Redacted. It also replaces each secret's
// JSON-escaped form, so a secret that contains quotes or backslashes is
// caught inside request and response bodies. A Redactor is safe for
// concurrent use.
type Redactor struct {
	mu      sync.Mutex
	secrets []string
}

// NewRedactor returns a Redactor for secrets. Empty strings are ignored.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, secret := range secrets {
		r.Add(secret)
	}
	return r
}

// Add registers secret and its JSON-escaped forms. An empty secret is
// ignored, because replacing it would change nothing.
func (r *Redactor) Add(secret string) {
	if secret == "" {
		return
	}

	r.mu.Lock()
	defer r.mu.Unlock()

	for _, form := range secretForms(secret) {
		if !slices.Contains(r.secrets, form) {
			r.secrets = append(r.secrets, form)
		}
	}

	// Sort by length, longest first, so a secret that contains another is
	// replaced whole.
	sort.SliceStable(r.secrets, func(i, j int) bool {
		return len(r.secrets[i]) > len(r.secrets[j])
	})
}

// Redact returns text with every registered secret replaced by Redacted.
// A nil Redactor returns text unchanged.
func (r *Redactor) Redact(text string) string {
	if r == nil {
		return text
	}

	r.mu.Lock()
	defer r.mu.Unlock()

	for _, secret := range r.secrets {
		text = strings.ReplaceAll(text, secret, Redacted)
	}
	return text
}

// secretForms returns secret as written and as it appears inside a JSON
// string, both with and without HTML escaping.
func secretForms(secret string) []string {
	forms := []string{secret}

	plain, _ := json.Marshal(secret)
	forms = append(forms, string(plain[1:len(plain)-1]))

	var builder strings.Builder
	encoder := json.NewEncoder(&builder)
	encoder.SetEscapeHTML(false)
	_ = encoder.Encode(secret)
	unescaped := strings.TrimSuffix(builder.String(), "\n")
	forms = append(forms, unescaped[1:len(unescaped)-1])

	return forms
}
