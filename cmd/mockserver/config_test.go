package main

import (
	"errors"
	"flag"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func envOf(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := parseConfig(nil, envOf(nil), io.Discard)
	require.NoError(t, err)

	assert.Equal(t, "127.0.0.1:4010", cfg.addr)
	assert.Empty(t, cfg.specPath)
	assert.Empty(t, cfg.fixturesDir)
	assert.Equal(t, slog.LevelInfo, cfg.logLevel)
	assert.Equal(t, "text", cfg.logFormat)
	assert.Equal(t, []string{"*"}, cfg.corsOrigins)
	assert.Equal(t, int64(1048576), cfg.bodyLimit)
	assert.True(t, cfg.admin)
	assert.False(t, cfg.strict)
	assert.False(t, cfg.watch)
	assert.False(t, cfg.healthcheck)
}

func TestParseConfigReadsEnvironment(t *testing.T) {
	env := envOf(map[string]string{
		"MOCK_ADDR": "127.0.0.1:5000", "MOCK_SPEC": "api.yaml", "MOCK_FIXTURES": "fx",
		"MOCK_LOG_LEVEL": "DEBUG", "MOCK_LOG_FORMAT": "json", "MOCK_CORS_ORIGINS": "http://a.test, http://b.test",
		"MOCK_BODY_LIMIT": "2048", "MOCK_ADMIN": "false", "MOCK_STRICT": "true", "MOCK_WATCH": "1",
	})
	cfg, err := parseConfig(nil, env, io.Discard)
	require.NoError(t, err)

	assert.Equal(t, "127.0.0.1:5000", cfg.addr)
	assert.Equal(t, "api.yaml", cfg.specPath)
	assert.Equal(t, "fx", cfg.fixturesDir)
	assert.Equal(t, slog.LevelDebug, cfg.logLevel)
	assert.Equal(t, "json", cfg.logFormat)
	assert.Equal(t, []string{"http://a.test", "http://b.test"}, cfg.corsOrigins)
	assert.Equal(t, int64(2048), cfg.bodyLimit)
	assert.False(t, cfg.admin)
	assert.True(t, cfg.strict)
	assert.True(t, cfg.watch)
}

func TestFlagBeatsEnvironment(t *testing.T) {
	env := envOf(map[string]string{"MOCK_ADDR": "127.0.0.1:5000", "MOCK_STRICT": "true", "MOCK_BODY_LIMIT": "not a number"})
	cfg, err := parseConfig([]string{"-addr", "127.0.0.1:6000", "-strict=false", "-body-limit", "10"}, env, io.Discard)
	require.NoError(t, err)

	assert.Equal(t, "127.0.0.1:6000", cfg.addr)
	assert.False(t, cfg.strict)
	assert.Equal(t, int64(10), cfg.bodyLimit, "an invalid variable is ignored when its flag is set")
}

func TestParseConfigRejectsInvalidInput(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
	}{
		{"invalid env bool", nil, map[string]string{"MOCK_ADMIN": "maybe"}, `invalid MOCK_ADMIN "maybe": parse error; use true or false`},
		{"invalid env body limit", nil, map[string]string{"MOCK_BODY_LIMIT": "1MB"}, `invalid MOCK_BODY_LIMIT "1MB": parse error; use a whole number`},
		{"invalid env log level", nil, map[string]string{"MOCK_LOG_LEVEL": "loud"}, `invalid MOCK_LOG_LEVEL "loud": unknown log level "loud"`},
		{"invalid env log format", nil, map[string]string{"MOCK_LOG_FORMAT": "xml"}, `invalid MOCK_LOG_FORMAT "xml"`},
		{"empty cors origin list", []string{"-cors-origins", " , "}, nil, `no origin in " , "`},
		{"cors origin with path", []string{"-cors-origins", "http://a.example/path"}, nil,
			`invalid origin "http://a.example/path": an origin has no user, path, query or fragment; use "http://a.example"`},
		{"cors origin with slash", []string{"-cors-origins", "http://a.example/"}, nil, `invalid origin "http://a.example/"`},
		{"cors origin without scheme", []string{"-cors-origins", "localhost:3000"}, nil, `invalid origin "localhost:3000"`},
		{"cors origin host only", []string{"-cors-origins", "a.example"}, nil, `invalid origin "a.example": write it as scheme://host[:port]`},
		{"cors origin empty query", []string{"-cors-origins", "http://a.example?"}, nil, `invalid origin "http://a.example?"`},
		{"cors origin empty fragment", []string{"-cors-origins", "http://a.example#"}, nil, `invalid origin "http://a.example#"`},
		{"cors origin empty port", []string{"-cors-origins", "http://a.example:"}, nil, `use "http://a.example"`},
		{"cors origin two wildcards", []string{"-cors-origins", "https://*.*.example.com"}, nil, "one * wildcard"},
		{"zero body limit", []string{"-body-limit", "0"}, nil, "invalid -body-limit 0"},
		{"unknown flag", []string{"-port", "1"}, nil, "flag provided but not defined: -port"},
		{"positional argument", []string{"serve"}, nil, `unexpected argument "serve"`},
		{"watch without files", []string{"-watch"}, nil, "-watch needs -spec FILE or -fixtures DIR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig(tt.args, envOf(tt.env), io.Discard)

			var usage *usageError
			require.True(t, errors.As(err, &usage), "want a usage error, got %v", err)
			assert.ErrorContains(t, err, tt.wantErr)
			assert.Equal(t, 2, exitCode(err, io.Discard))
		})
	}
}

func TestParseConfigAcceptsOrigins(t *testing.T) {
	value := "http://localhost:3000, https://*.example.com,null,*"

	cfg, err := parseConfig([]string{"-cors-origins", value}, envOf(nil), io.Discard)

	require.NoError(t, err)
	assert.Equal(t, []string{"http://localhost:3000", "https://*.example.com", "null", "*"}, cfg.corsOrigins)
}

func TestHelpExitsZero(t *testing.T) {
	_, err := parseConfig([]string{"-h"}, envOf(nil), io.Discard)

	assert.ErrorIs(t, err, flag.ErrHelp)
	assert.Equal(t, 0, exitCode(err, io.Discard))
}

func TestDialAddressReplacesUnspecifiedHost(t *testing.T) {
	tests := map[string]string{
		"0.0.0.0:4010":   "127.0.0.1:4010",
		"[::]:4010":      "127.0.0.1:4010",
		":4010":          "127.0.0.1:4010",
		"127.0.0.1:4010": "127.0.0.1:4010",
		"[::1]:4010":     "[::1]:4010",
	}
	for in, want := range tests {
		assert.Equal(t, want, dialAddress(in), "dialAddress(%q)", in)
	}
}
