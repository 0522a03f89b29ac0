package contract

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRedactorReplacesEveryForm(t *testing.T) {
	r := NewRedactor("s3cr\"et<x>", "", "key-123", "key-1234")

	cases := []struct {
		name, input, want string
	}{
		{"plain", "Bearer key-123", "Bearer [REDACTED]"},
		{"longest first", "Bearer key-1234", "Bearer [REDACTED]"},
		{"json escaped", `{"oldPass":"s3cr\"et<x>"}`, `{"oldPass":"[REDACTED]"}`},
		{"html escaped json", `{"oldPass":"s3cr\"et\u003cx\u003e"}`, `{"oldPass":"[REDACTED]"}`},
		{"raw", `s3cr"et<x>`, "[REDACTED]"},
		{"nothing to hide", "status 401", "status 401"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, r.Redact(c.input))
		})
	}
}

func TestNilRedactorKeepsText(t *testing.T) {
	var r *Redactor
	assert.Equal(t, "text", r.Redact("text"))
}

func TestTrimExcerptKeepsRunes(t *testing.T) {
	long := ""
	for len(long) < 400 {
		long += "é"
	}
	trimmed := trimExcerpt(long)
	assert.Contains(t, trimmed, "more bytes)")
	assert.True(t, len(trimmed) < len(long))
	assert.NotContains(t, trimmed, "\uFFFD")
	assert.Equal(t, "short", trimExcerpt("short"))
}

func TestRedactURLDropsUserInfo(t *testing.T) {
	assert.Equal(t, "http://host:1/api", redactURL("http://user:pw@host:1/api"))
	assert.Equal(t, "http://host:1", redactURL("http://host:1"))
	assert.Equal(t, "http://host", redactURL("http://user:12#pw-secret@host"), "url.Parse reads 12 as a port and the rest as a fragment")
	assert.Equal(t, "http://127.0.0.1:4010", redactURL("http://localhost:1/pw-secret@127.0.0.1:4010"), "url.Parse reads the password as a path")
	assert.Equal(t, "http://host:1", redactURL("http://user:p%zz@host:1"), "url.Parse rejects the escape")
	assert.Equal(t, "http://host:1", redactURL("http://user:pass/word@host:1"), "url.Parse reads pass as a port")
	assert.Equal(t, "host:1", redactURL("user:pw@host:1"), "no scheme")
}
