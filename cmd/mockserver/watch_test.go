package main

import (
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock"
)

// reloadWait bounds how long a test waits for a change to be served: the
// debounce plus loading, with a wide margin for a loaded CI machine.
const reloadWait = 5 * time.Second

// copyContent writes the embedded spec and fixtures into a new directory
// and returns the spec path and the fixtures directory.
func copyContent(t *testing.T) (specPath, fixturesDir string) {
	t.Helper()
	dir := t.TempDir()
	specPath = filepath.Join(dir, "openapi.yaml")
	require.NoError(t, os.WriteFile(specPath, usermock.SpecYAML, 0o644))
	fixturesDir = filepath.Join(dir, "fixtures")
	require.NoError(t, os.CopyFS(fixturesDir, usermock.Fixtures()))
	// os.CopyFS keeps the embedded files' read-only mode; the tests edit them.
	require.NoError(t, filepath.WalkDir(fixturesDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.Chmod(path, 0o644)
	}))
	return specPath, fixturesDir
}

// editFile replaces old with new in the file at path, in place.
func editFile(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(data), old)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
}

func startWatching(t *testing.T) (r *running, specPath, fixturesDir string) {
	specPath, fixturesDir = copyContent(t)
	r = startRun(t, []string{"-addr", "127.0.0.1:0", "-spec", specPath, "-fixtures", fixturesDir, "-watch"}, nil)
	return r, specPath, fixturesDir
}

func (r *running) profileBody(t *testing.T) string {
	t.Helper()
	status, body := r.get(t, "/user/profile", "demo-api-key")
	require.Equal(t, http.StatusOK, status, body)
	return body
}

func TestWatchReloadsChangedFixture(t *testing.T) {
	r, _, fixturesDir := startWatching(t)
	accounts := filepath.Join(fixturesDir, "accounts.yaml")
	require.Contains(t, r.profileBody(t), `"website_name":"callfluent"`)

	editFile(t, accounts, "website_name: callfluent", "website_name: reloaded")
	assert.Eventually(t, func() bool { return strings.Contains(r.profileBody(t), `"website_name":"reloaded"`) },
		reloadWait, 20*time.Millisecond, "the changed fixture was not served; stderr: %s", r.stderr)

	require.NoError(t, os.WriteFile(accounts, []byte("accounts: []\n"), 0o644))
	require.Eventually(t, func() bool { return strings.Contains(r.stderr.String(), "reload fixtures failed") },
		reloadWait, 20*time.Millisecond, "no error logged for the invalid fixture; stderr: %s", r.stderr)
	assert.Contains(t, r.stderr.String(), "level=ERROR")
	assert.Contains(t, r.profileBody(t), `"website_name":"reloaded"`, "the previous fixtures should keep serving")
}

func TestWatchFollowsReplacedFile(t *testing.T) {
	r, _, fixturesDir := startWatching(t)
	accounts := filepath.Join(fixturesDir, "accounts.yaml")

	// Save the way many editors do: write a new file, rename it over the old.
	data, err := os.ReadFile(accounts)
	require.NoError(t, err)
	for _, name := range []string{"first", "second"} {
		replacement := filepath.Join(fixturesDir, ".accounts.yaml.tmp")
		content := strings.Replace(string(data), "website_name: callfluent", "website_name: "+name, 1)
		require.NoError(t, os.WriteFile(replacement, []byte(content), 0o644))
		require.NoError(t, os.Rename(replacement, accounts))

		assert.Eventually(t, func() bool { return strings.Contains(r.profileBody(t), `"website_name":"`+name+`"`) },
			reloadWait, 20*time.Millisecond, "save %q was not served; stderr: %s", name, r.stderr)
	}
}

func TestWatchReloadsChangedSpec(t *testing.T) {
	r, specPath, _ := startWatching(t)

	editFile(t, specPath, "openapi: 3.0.3", "openapi: [")
	require.Eventually(t, func() bool { return strings.Contains(r.stderr.String(), "reload spec failed") },
		reloadWait, 20*time.Millisecond, "no error logged for the invalid spec; stderr: %s", r.stderr)
	status, _ := r.get(t, "/user/profile", "demo-api-key")
	assert.Equal(t, http.StatusOK, status, "the previous spec should keep serving")

	require.NoError(t, os.WriteFile(specPath, usermock.SpecYAML, 0o644))
	editFile(t, specPath, "  /user/profile:", "  /user/me:")
	assert.Eventually(t, func() bool {
		status, _ := r.get(t, "/user/me", "demo-api-key")
		return status == http.StatusOK
	}, reloadWait, 20*time.Millisecond, "the renamed path was not served; stderr: %s", r.stderr)
	status, _ = r.get(t, "/user/profile", "demo-api-key")
	assert.Equal(t, http.StatusNotFound, status, "the old path should be gone")
}

func TestWatchKeepsSpecWithUnsupportedScheme(t *testing.T) {
	r, specPath, _ := startWatching(t)

	editFile(t, specPath, "      type: http\n      scheme: bearer\n", "      type: http\n      scheme: basic\n")

	require.Eventually(t, func() bool { return strings.Contains(r.stderr.String(), "reload spec failed") },
		reloadWait, 20*time.Millisecond, "no error logged for the unsupported scheme; stderr: %s", r.stderr)
	assert.Contains(t, r.stderr.String(), `security scheme \"bearerAuth\" of type \"http\" with scheme \"basic\" is not supported`)
	assert.Contains(t, r.profileBody(t), `"website_name":"callfluent"`, "the previous spec should keep serving")
}
