package mockserver

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckStrictJSON(t *testing.T) {
	tests := []struct {
		name       string
		data       string
		wantField  string
		wantReason string // substring; empty means accepted
	}{
		{name: "object", data: `{"a":1,"b":[true,false,null,"x",-1.5e+3,0]}`},
		{name: "surrounding whitespace", data: " \r\n\t{}\n "},
		{name: "scalar", data: `"text"`},
		{name: "escapes", data: `{"k\"\\\/\b\f\n\r\t\u00e9":"\ud83d\ude00"}`},
		{name: "same key in siblings", data: `{"a":{"x":1},"b":{"x":2}}`},
		{name: "32 levels", data: strings.Repeat("[", 32) + strings.Repeat("]", 32)},
		{name: "33 levels", data: strings.Repeat("[", 33) + strings.Repeat("]", 33), wantField: strings.Repeat("0.", 31) + "0", wantReason: "deeper than 32 levels"},
		{name: "empty", data: "  ", wantReason: "is empty"},
		{name: "byte order mark", data: "\xEF\xBB\xBF{}", wantReason: "byte order mark"},
		{name: "invalid UTF-8", data: "{\"a\":\"\xc3\x28\"}", wantReason: "first invalid byte at offset 6"},
		{name: "duplicate key", data: `{"a":1,"a":2}`, wantField: "a", wantReason: "duplicate key"},
		{name: "nested duplicate", data: `{"data":[{"x":1,"y":2,"x":3}]}`, wantField: "data.0.x", wantReason: "duplicate key"},
		{name: "escaped duplicate", data: `{"ab":1,"\u0061b":2}`, wantField: "ab", wantReason: "duplicate key"},
		{name: "many keys duplicate", data: manyKeys(40) + `,"k7":0}`, wantField: "k7", wantReason: "duplicate key"},
		{name: "trailing value", data: `{} {}`, wantReason: "unexpected data after the JSON value"},
		{name: "trailing comma", data: `{"a":1,}`, wantReason: "expected a string as object key"},
		{name: "missing colon", data: `{"a" 1}`, wantReason: "expected ':' after object key"},
		{name: "single quotes", data: `{'a':1}`, wantReason: "expected a string as object key"},
		{name: "leading zero", data: `{"a":01}`, wantReason: "expected ',' or '}'"},
		{name: "bare minus", data: `-`, wantReason: "invalid number"},
		{name: "dot without digits", data: `1.`, wantReason: "digits must follow the decimal point"},
		{name: "exponent without digits", data: `1e+`, wantReason: "digits must follow the exponent"},
		{name: "bad literal", data: `tru`, wantReason: "invalid literal"},
		{name: "control character", data: "\"a\tb\"", wantReason: "control character in string"},
		{name: "bad escape", data: `"\x"`, wantReason: `invalid escape sequence \x`},
		{name: "short unicode escape", data: `"\u12"`, wantReason: `invalid \u escape`},
		{name: "lone high surrogate", data: `"a\ud800b"`, wantReason: `unpaired UTF-16 surrogate \uD800`},
		{name: "high surrogate at end", data: `"\uD83D"`, wantReason: `unpaired UTF-16 surrogate \uD83D`},
		{name: "high surrogate then other escape", data: `"\ud83d\u0041"`, wantReason: `unpaired UTF-16 surrogate \uD83D`},
		{name: "lone low surrogate", data: `"\ude00"`, wantReason: `unpaired UTF-16 surrogate \uDE00`},
		{name: "high surrogate then short escape", data: `"\ud83d\u12"`, wantReason: `invalid \u escape`},
		{name: "escaped NUL", data: `"a\u0000b"`},
		{name: "unterminated string", data: `"abc`, wantReason: "unterminated string"},
		{name: "unclosed array", data: `[1,2`, wantReason: "unexpected end of data"},
		{name: "NaN", data: `NaN`, wantReason: "unexpected character 'N'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkStrictJSON([]byte(tt.data))

			if tt.wantReason == "" {
				assert.Nil(t, err)
				return
			}
			require.NotNil(t, err)
			assert.Contains(t, err.reason, tt.wantReason)
			assert.Equal(t, tt.wantField, err.field)
		})
	}
}

// manyKeys returns an unclosed object with keys k0 to k(n-1).
func manyKeys(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"k` + string(rune('0'+i%10)) + string(rune('a'+i/10)) + `":0`)
	}
	return strings.Replace(b.String(), `"k7a"`, `"k7"`, 1)
}

// FuzzCheckStrictJSON checks that every accepted body is JSON that
// encoding/json decodes, and that valid JSON is rejected only for a rule
// encoding/json does not enforce.
func FuzzCheckStrictJSON(f *testing.F) {
	for _, seed := range []string{`{"a":1}`, `{"a":1,"a":2}`, `[[[]]]`, `"\u0041"`, `{"a":"\ud800"}`, "\xEF\xBB\xBF{}", `1e5`, `{} x`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := checkStrictJSON(data)
		if err == nil {
			var v any
			require.NoError(t, json.Unmarshal(data, &v), "accepted %q", data)
			return
		}
		if json.Valid(data) && utf8.Valid(data) {
			reason := err.reason
			allowed := strings.Contains(reason, "duplicate key") || strings.Contains(reason, "deeper than") ||
				strings.Contains(reason, "byte order mark") || strings.Contains(reason, "unpaired UTF-16 surrogate")
			assert.True(t, allowed, "valid JSON %q rejected: %s", data, reason)
		}
	})
}
