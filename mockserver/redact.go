package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// redacted replaces every secret in the journal.
const redacted = "[REDACTED]"

// secretNames are JSON member and query parameter names, lowercased, whose
// values are secrets. Any name containing "password" or "secret" is one too.
var secretNames = map[string]bool{
	"oldpass":       true,
	"newpass":       true,
	"api_key":       true,
	"apikey":        true,
	"token":         true,
	"access_token":  true,
	"authorization": true,
}

// secretHeaders are request headers, in canonical form, whose values are
// secrets.
var secretHeaders = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Cookie":              true,
	"X-Api-Key":           true,
}

func isSecretName(name string) bool {
	lower := strings.ToLower(name)
	return secretNames[lower] || strings.Contains(lower, "password") || strings.Contains(lower, "secret")
}

// redactHeaders returns a copy of h with secret header values replaced.
func redactHeaders(h http.Header) map[string][]string {
	out := make(map[string][]string, len(h))
	for name, values := range h {
		if secretHeaders[http.CanonicalHeaderKey(name)] || isSecretName(name) {
			out[name] = []string{redacted}
			continue
		}
		out[name] = append([]string(nil), values...)
	}
	return out
}

// redactQuery returns rawQuery with the values of secret parameters
// replaced. A query that does not parse is dropped whole.
func redactQuery(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return redacted
	}
	changed := false
	for name := range values {
		if isSecretName(name) {
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
func redactJSON(data []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out bytes.Buffer
	if err := redactValue(dec, &out, 0); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("data after the JSON value")
	}
	return out.Bytes(), nil
}

func redactValue(dec *json.Decoder, out *bytes.Buffer, depth int) error {
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
			return redactObject(dec, out, depth)
		}
		return redactArray(dec, out, depth)
	case json.Number:
		out.WriteString(t.String())
	default:
		// Strings, booleans and null encode without error.
		encoded, _ := json.Marshal(t)
		out.Write(encoded)
	}
	return nil
}

func redactObject(dec *json.Decoder, out *bytes.Buffer, depth int) error {
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

		if !isSecretName(key) {
			if err := redactValue(dec, out, depth+1); err != nil {
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

func redactArray(dec *json.Decoder, out *bytes.Buffer, depth int) error {
	out.WriteByte('[')
	for first := true; dec.More(); first = false {
		if !first {
			out.WriteByte(',')
		}
		if err := redactValue(dec, out, depth+1); err != nil {
			return err
		}
	}
	_, err := dec.Token() // ']'
	out.WriteByte(']')
	return err
}
