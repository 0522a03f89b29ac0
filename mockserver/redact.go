package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/callfluent/usermock/spec"
)

// redacted replaces every secret in the journal.
const redacted = "[REDACTED]"

// floorSecretNames are JSON member and query parameter names, lowercased,
// whose values are secrets in every contract. The contract adds its own
// (see newSecrets), and so does every name for which spec.IsSecretName
// reports true.
var floorSecretNames = []string{"oldpass", "newpass", "authorization", "key"}

// floorSecretHeaders are request headers, in canonical form, whose values
// are secrets in every contract.
var floorSecretHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key"}

// secrets are the names whose values the journal redacts and error
// messages never quote. A nil *secrets holds only the floor names.
type secrets struct {
	names   map[string]bool // lowercased JSON member, query parameter and cookie names
	headers map[string]bool // canonical header names
}

// floorSecrets holds only the floor names, for a request that reached no
// contract.
var floorSecrets = newSecrets(nil)

// newSecrets returns the floor names with those that sp declares: the
// writeOnly properties of its request bodies and the header, query parameter
// or cookie of each security scheme. sp may be nil.
func newSecrets(sp *spec.Spec) *secrets {
	s := &secrets{names: map[string]bool{}, headers: map[string]bool{}}
	for _, name := range floorSecretNames {
		s.names[name] = true
	}
	for _, name := range floorSecretHeaders {
		s.headers[name] = true
	}
	if sp == nil {
		return s
	}

	for _, name := range sp.WriteOnlyNames() {
		s.names[strings.ToLower(name)] = true
	}
	for _, c := range sp.Credentials() {
		if c.In == "header" {
			s.headers[c.Name] = true
			continue
		}
		s.names[strings.ToLower(c.Name)] = true
	}
	return s
}

// isSecretName reports whether values named name, a JSON member or a query
// parameter, are secrets. Names compare without regard to case.
func (s *secrets) isSecretName(name string) bool {
	if s == nil {
		s = floorSecrets
	}
	lower := strings.ToLower(name)
	if s.names[lower] {
		return true
	}
	return spec.IsSecretName(lower)
}

// isSecretHeader reports whether the values of the request header name are
// secrets: a floor or contract header, a secret name, or any header whose
// name contains "auth", such as X-Auth or X-Auth-Token.
func (s *secrets) isSecretHeader(name string) bool {
	if s == nil {
		s = floorSecrets
	}
	if s.headers[http.CanonicalHeaderKey(name)] || s.isSecretName(name) {
		return true
	}
	return strings.Contains(strings.ToLower(name), "auth")
}

// redactHeaders returns a copy of h with secret header values replaced.
func (s *secrets) redactHeaders(h http.Header) map[string][]string {
	out := make(map[string][]string, len(h))
	for name, values := range h {
		if s.isSecretHeader(name) {
			out[name] = []string{redacted}
			continue
		}
		out[name] = append([]string(nil), values...)
	}
	return out
}

// redactQuery returns rawQuery with the values of secret parameters
// replaced. A query that does not parse is dropped whole.
func (s *secrets) redactQuery(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return redacted
	}
	changed := false
	for name := range values {
		if s.isSecretName(name) {
			values[name] = []string{redacted}
			changed = true
		}
	}
	if !changed {
		return rawQuery
	}
	return values.Encode()
}

// errTooDeep stops redaction of a body nested deeper than the mock accepts.
var errTooDeep = errors.New("body nests too deep")

// redactJSON returns data re-encoded compactly, members in their order and
// repeated keys kept, with the value of every member whose name is a
// secret replaced by "[REDACTED]". It fails for data that is not JSON.
func (s *secrets) redactJSON(data []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out bytes.Buffer
	if err := s.redactValue(dec, &out, 0); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("data after the JSON value")
	}
	return out.Bytes(), nil
}

func (s *secrets) redactValue(dec *json.Decoder, out *bytes.Buffer, depth int) error {
	if depth > maxJSONDepth {
		return errTooDeep
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return s.redactObject(dec, out, depth)
		}
		return s.redactArray(dec, out, depth)
	case json.Number:
		out.WriteString(t.String())
	default:
		// Strings, booleans and null encode without error.
		encoded, _ := json.Marshal(t)
		out.Write(encoded)
	}
	return nil
}

func (s *secrets) redactObject(dec *json.Decoder, out *bytes.Buffer, depth int) error {
	out.WriteByte('{')
	for first := true; dec.More(); first = false {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if !first {
			out.WriteByte(',')
		}
		encoded, _ := json.Marshal(key)
		out.Write(encoded)
		out.WriteByte(':')

		if !s.isSecretName(key) {
			if err := s.redactValue(dec, out, depth+1); err != nil {
				return err
			}
			continue
		}
		var skipped json.RawMessage
		if err := dec.Decode(&skipped); err != nil {
			return err
		}
		out.WriteString(`"` + redacted + `"`)
	}
	_, err := dec.Token() // '}'
	out.WriteByte('}')
	return err
}

func (s *secrets) redactArray(dec *json.Decoder, out *bytes.Buffer, depth int) error {
	out.WriteByte('[')
	for first := true; dec.More(); first = false {
		if !first {
			out.WriteByte(',')
		}
		if err := s.redactValue(dec, out, depth+1); err != nil {
			return err
		}
	}
	_, err := dec.Token() // ']'
	out.WriteByte(']')
	return err
}
