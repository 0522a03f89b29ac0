package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxJSONDepth is the deepest nesting of objects and arrays accepted in a
// request body.
const maxJSONDepth = 32

// keySetMapThreshold is the object size above which duplicate keys are
// looked up in a map instead of a list.
const keySetMapThreshold = 16

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// jsonError is a request body that is not strict JSON.
type jsonError struct {
	field  string // dotted path of the offending member, empty for the body
	reason string
}

func (e *jsonError) Error() string { return e.reason }

// checkStrictJSON accepts data only when it is one JSON value (RFC 8259)
// in valid UTF-8, without a byte order mark, without a key repeated in any
// object, nested at most maxJSONDepth deep, and followed by nothing but
// whitespace. encoding/json, which openapi3filter decodes with, accepts
// several of these silently (a repeated key keeps its last value), so the
// validator and the behaviour could otherwise see different values.
func checkStrictJSON(data []byte) *jsonError {
	switch {
	case len(bytes.TrimLeft(data, " \t\r\n")) == 0:
		return &jsonError{reason: "is empty; send a JSON object"}
	case bytes.HasPrefix(data, utf8BOM):
		return &jsonError{reason: "starts with a UTF-8 byte order mark; send JSON without one"}
	case !utf8.Valid(data):
		return &jsonError{reason: fmt.Sprintf("is not valid UTF-8 (first invalid byte at offset %d)", firstInvalidUTF8(data))}
	}

	c := &jsonChecker{data: data}
	c.skipSpace()
	if err := c.value(1); err != nil {
		return err
	}
	c.skipSpace()
	if c.pos < len(c.data) {
		return c.syntaxError("unexpected data after the JSON value; send exactly one value")
	}
	return nil
}

func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// jsonChecker is a recursive-descent JSON parser that builds nothing but
// the keys it must compare.
type jsonChecker struct {
	data []byte
	pos  int
	path []string
}

func (c *jsonChecker) syntaxError(reason string) *jsonError {
	return &jsonError{field: c.field(), reason: fmt.Sprintf("invalid JSON at byte offset %d: %s", c.pos, reason)}
}

func (c *jsonChecker) field() string {
	return strings.Join(c.path, ".")
}

func (c *jsonChecker) skipSpace() {
	for c.pos < len(c.data) {
		switch c.data[c.pos] {
		case ' ', '\t', '\r', '\n':
			c.pos++
		default:
			return
		}
	}
}

func (c *jsonChecker) value(depth int) *jsonError {
	if c.pos >= len(c.data) {
		return c.syntaxError("unexpected end of data")
	}
	switch b := c.data[c.pos]; {
	case b == '{' || b == '[':
		if depth > maxJSONDepth {
			return &jsonError{field: c.field(), reason: fmt.Sprintf("nests objects and arrays deeper than %d levels", maxJSONDepth)}
		}
		if b == '{' {
			return c.object(depth)
		}
		return c.array(depth)
	case b == '"':
		_, err := c.str()
		return err
	case b == 't':
		return c.literal("true")
	case b == 'f':
		return c.literal("false")
	case b == 'n':
		return c.literal("null")
	case b == '-' || ('0' <= b && b <= '9'):
		return c.number()
	default:
		return c.syntaxError(fmt.Sprintf("unexpected character %q", rune(b)))
	}
}

func (c *jsonChecker) object(depth int) *jsonError {
	c.pos++ // '{'
	c.skipSpace()
	if c.pos < len(c.data) && c.data[c.pos] == '}' {
		c.pos++
		return nil
	}

	var keys keySet
	for {
		key, err := c.objectKey()
		if err != nil {
			return err
		}
		c.path = append(c.path, key)
		if !keys.add(key) {
			return &jsonError{field: c.field(), reason: "duplicate key; JSON objects must not repeat a key"}
		}
		if err := c.value(depth + 1); err != nil {
			return err
		}
		c.path = c.path[:len(c.path)-1]

		done, err := c.afterMember('}')
		if err != nil || done {
			return err
		}
	}
}

// objectKey parses `"key" :` and the space after it.
func (c *jsonChecker) objectKey() (string, *jsonError) {
	c.skipSpace()
	if c.pos >= len(c.data) || c.data[c.pos] != '"' {
		return "", c.syntaxError("expected a string as object key")
	}
	key, err := c.str()
	if err != nil {
		return "", err
	}
	c.skipSpace()
	if c.pos >= len(c.data) || c.data[c.pos] != ':' {
		return "", c.syntaxError("expected ':' after object key")
	}
	c.pos++
	c.skipSpace()
	return key, nil
}

// afterMember consumes ',' or the closing byte and reports whether the
// container ended.
func (c *jsonChecker) afterMember(closing byte) (bool, *jsonError) {
	c.skipSpace()
	if c.pos >= len(c.data) {
		return false, c.syntaxError("unexpected end of data")
	}
	switch c.data[c.pos] {
	case ',':
		c.pos++
		c.skipSpace()
		return false, nil
	case closing:
		c.pos++
		return true, nil
	default:
		return false, c.syntaxError(fmt.Sprintf("expected ',' or %q", rune(closing)))
	}
}

func (c *jsonChecker) array(depth int) *jsonError {
	c.pos++ // '['
	c.skipSpace()
	if c.pos < len(c.data) && c.data[c.pos] == ']' {
		c.pos++
		return nil
	}

	for index := 0; ; index++ {
		c.path = append(c.path, strconv.Itoa(index))
		if err := c.value(depth + 1); err != nil {
			return err
		}
		c.path = c.path[:len(c.path)-1]

		done, err := c.afterMember(']')
		if err != nil || done {
			return err
		}
	}
}

// str parses a string and returns its decoded value.
func (c *jsonChecker) str() (string, *jsonError) {
	start := c.pos
	c.pos++ // opening quote
	escaped := false
	for c.pos < len(c.data) {
		b := c.data[c.pos]
		switch {
		case b == '"':
			c.pos++
			return c.decodeString(start, escaped)
		case b == '\\':
			escaped = true
			if err := c.escape(); err != nil {
				return "", err
			}
		case b < 0x20:
			return "", c.syntaxError("control character in string; escape it")
		default:
			c.pos++
		}
	}
	return "", c.syntaxError("unterminated string")
}

func (c *jsonChecker) decodeString(start int, escaped bool) (string, *jsonError) {
	raw := c.data[start+1 : c.pos-1]
	if !escaped {
		return string(raw), nil
	}
	// Decode escapes exactly as encoding/json does, so that keys that differ
	// only in how they are escaped count as the same key.
	var s string
	if err := json.Unmarshal(c.data[start:c.pos], &s); err != nil {
		return "", c.syntaxError("invalid string")
	}
	return s, nil
}

// escape consumes one escape sequence starting at the backslash.
func (c *jsonChecker) escape() *jsonError {
	c.pos++ // backslash
	if c.pos >= len(c.data) {
		return c.syntaxError("unterminated escape sequence")
	}
	switch c.data[c.pos] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		c.pos++
		return nil
	case 'u':
		c.pos++
		return c.unicodeEscape()
	default:
		return c.syntaxError(fmt.Sprintf("invalid escape sequence \\%c", c.data[c.pos]))
	}
}

// unicodeEscape consumes the four hexadecimal digits of a \u escape, and
// for a high surrogate the low surrogate escape that must follow it. An
// unpaired surrogate is rejected, as RFC 7493 (I-JSON) requires, because
// encoding/json would replace it with U+FFFD and store another value than
// the one sent.
func (c *jsonChecker) unicodeEscape() *jsonError {
	unit, err := c.hex4()
	if err != nil {
		return err
	}
	switch {
	case unit >= 0xDC00 && unit <= 0xDFFF:
		return c.unpairedSurrogate(unit)
	case unit < 0xD800 || unit > 0xDBFF:
		return nil
	}

	if !bytes.HasPrefix(c.data[c.pos:], []byte(`\u`)) {
		return c.unpairedSurrogate(unit)
	}
	c.pos += 2
	low, err := c.hex4()
	if err != nil {
		return err
	}
	if low < 0xDC00 || low > 0xDFFF {
		return c.unpairedSurrogate(unit)
	}
	return nil
}

func (c *jsonChecker) unpairedSurrogate(unit int) *jsonError {
	return c.syntaxError(fmt.Sprintf(`unpaired UTF-16 surrogate \u%04X; send the character as UTF-8 or as a surrogate pair`, unit))
}

// hex4 consumes four hexadecimal digits and returns their value.
func (c *jsonChecker) hex4() (int, *jsonError) {
	value := 0
	for range 4 {
		if c.pos >= len(c.data) || !isHex(c.data[c.pos]) {
			return 0, c.syntaxError(`invalid \u escape; it needs four hexadecimal digits`)
		}
		digit, _ := strconv.ParseUint(string(c.data[c.pos]), 16, 8)
		value = value<<4 | int(digit)
		c.pos++
	}
	return value, nil
}

func isHex(b byte) bool {
	return ('0' <= b && b <= '9') || ('a' <= b && b <= 'f') || ('A' <= b && b <= 'F')
}

func (c *jsonChecker) literal(word string) *jsonError {
	if !bytes.HasPrefix(c.data[c.pos:], []byte(word)) {
		return c.syntaxError("invalid literal; expected true, false or null")
	}
	c.pos += len(word)
	return nil
}

// number parses -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?.
func (c *jsonChecker) number() *jsonError {
	if c.data[c.pos] == '-' {
		c.pos++
	}
	switch {
	case c.pos < len(c.data) && c.data[c.pos] == '0':
		c.pos++
	case c.digits() == 0:
		return c.syntaxError("invalid number")
	}
	if c.pos < len(c.data) && c.data[c.pos] == '.' {
		c.pos++
		if c.digits() == 0 {
			return c.syntaxError("invalid number: digits must follow the decimal point")
		}
	}
	if c.pos < len(c.data) && (c.data[c.pos] == 'e' || c.data[c.pos] == 'E') {
		c.pos++
		if c.pos < len(c.data) && (c.data[c.pos] == '+' || c.data[c.pos] == '-') {
			c.pos++
		}
		if c.digits() == 0 {
			return c.syntaxError("invalid number: digits must follow the exponent")
		}
	}
	return nil
}

func (c *jsonChecker) digits() int {
	start := c.pos
	for c.pos < len(c.data) && '0' <= c.data[c.pos] && c.data[c.pos] <= '9' {
		c.pos++
	}
	return c.pos - start
}

// keySet holds the keys of one object seen so far.
type keySet struct {
	list []string
	set  map[string]struct{}
}

// add records key and reports whether it was new.
func (k *keySet) add(key string) bool {
	if k.set != nil {
		if _, ok := k.set[key]; ok {
			return false
		}
		k.set[key] = struct{}{}
		return true
	}
	for _, seen := range k.list {
		if seen == key {
			return false
		}
	}
	k.list = append(k.list, key)
	if len(k.list) > keySetMapThreshold {
		k.set = make(map[string]struct{}, 2*len(k.list))
		for _, seen := range k.list {
			k.set[seen] = struct{}{}
		}
		k.list = nil
	}
	return true
}
