package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock"
)

// fixtureDir writes the embedded fixtures into a temporary directory, with
// edit applied to the content of each file by name, and returns it. An
// edit that returns "" leaves the file out.
func fixtureDir(t *testing.T, edit map[string]func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"accounts.yaml", "dns.yaml"} {
		data, err := usermock.Fixtures().Open(name)
		require.NoError(t, err)
		var content bytes.Buffer
		_, err = content.ReadFrom(data)
		require.NoError(t, err)
		require.NoError(t, data.Close())

		text := content.String()
		if e, ok := edit[name]; ok {
			edited := e(text)
			require.NotEqual(t, text, edited, "the edit of %s changed nothing", name)
			text = edited
		}
		if text != "" {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600))
		}
	}
	return dir
}

// replace returns an edit that replaces the first old with new.
func replace(old, new string) func(string) string {
	return func(s string) string { return strings.Replace(s, old, new, 1) }
}

// TestRunRejectsInvalidFixtures starts the command with a -fixtures
// directory holding a broken file and expects it to stop before listening,
// with exit code 1 and an error that names the file, the field and the
// problem.
func TestRunRejectsInvalidFixtures(t *testing.T) {
	tests := []struct {
		name string
		edit map[string]func(string) string
		want []string // substrings of the error: file, field, problem
	}{
		{
			name: "duplicate api key",
			edit: map[string]func(string) string{"accounts.yaml": replace("api_key: demo-api-key-2", "api_key: demo-api-key")},
			want: []string{`"accounts.yaml"`, "accounts[1].api_key", "duplicate of accounts[0]"},
		},
		{
			name: "user id not digits",
			edit: map[string]func(string) string{"accounts.yaml": replace(`user_id: "13"`, `user_id: "thirteen"`)},
			want: []string{`"accounts.yaml"`, "accounts[1].user_id", `"thirteen" is not a string of decimal digits`},
		},
		{
			name: "A record not an address",
			edit: map[string]func(string) string{"dns.yaml": replace("[192.0.2.10]", "[192.0.2.300]")},
			want: []string{`"dns.yaml"`, `a_records["wrong.example.com"][0]`, `"192.0.2.300" is not an IPv4 address`},
		},
		{
			name: "misspelt field",
			edit: map[string]func(string) string{"accounts.yaml": replace("    email: second@example.com", "    emial: second@example.com")},
			want: []string{`"accounts.yaml"`, "field emial not found"},
		},
		{
			name: "broken YAML",
			edit: map[string]func(string) string{"dns.yaml": replace("a_records:", "a_records: [")},
			want: []string{`"dns.yaml"`, "invalid YAML"},
		},
		{
			name: "missing file",
			edit: map[string]func(string) string{"dns.yaml": func(string) string { return "" }},
			want: []string{`"dns.yaml"`, "cannot open"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := fixtureDir(t, tt.edit)
			var stdout, stderr bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()

			err := run(ctx, []string{"-addr", "127.0.0.1:0", "-fixtures", dir}, envOf(nil), &stdout, &stderr)

			require.Error(t, err, "the command started with broken fixtures")
			require.NoError(t, ctx.Err(), "run returned only when the test gave up")
			for _, want := range tt.want {
				assert.Contains(t, err.Error(), want)
			}
			assert.Equal(t, 1, exitCode(err, &bytes.Buffer{}))
			assert.Empty(t, stdout.String(), "no banner: the server never listened")
			assert.NotContains(t, stderr.String(), "mock server started")
		})
	}
}

// TestBinaryExitsOnInvalidFixtures checks the same through the built
// binary: a non-zero exit status and the message on stderr.
func TestBinaryExitsOnInvalidFixtures(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := fixtureDir(t, map[string]func(string) string{"accounts.yaml": replace(`password: "654321"`, `password: ""`)})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, buildBinary(t), "-addr", "127.0.0.1:0", "-fixtures", dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr

	err := cmd.Run()

	var exitErr *exec.ExitError
	require.True(t, errors.As(err, &exitErr), "want a non-zero exit, got %v", err)
	assert.Equal(t, 1, exitErr.ExitCode())
	assert.Equal(t, "mockserver: fixtures \"accounts.yaml\": accounts[1].password: is empty\n", stderr.String())
	assert.Empty(t, stdout.String())
	assert.NotContains(t, stderr.String(), "panic")
}
