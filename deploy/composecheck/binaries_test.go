package composecheck

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// repoRoot is the main module's directory, relative to this package.
const repoRoot = "../.."

// Flags of the real binaries. The commands are package main, which no
// other package can import, so the tests build them from the main module
// with `go build` and read the flag list from their -h output. That checks
// the binaries that the image ships, and keeps this module free of a
// dependency on the main module.
var (
	binDir      string // removed by TestMain
	binaries    sync.Once
	binaryHelp  map[string]string // binary name -> its -h output
	binariesErr error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "composecheck-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// helpOf returns the -h output of the binary (mockserver or contract),
// building both binaries on first use.
func helpOf(t *testing.T, binary string) string {
	t.Helper()
	binaries.Do(func() { binaryHelp, binariesErr = buildBinaries(binDir) })
	require.NoError(t, binariesErr)
	help, ok := binaryHelp[binary]
	require.True(t, ok, "no binary named %q", binary)
	return help
}

// flagsOf returns the flag names that the binary's -h output lists.
func flagsOf(t *testing.T, binary string) map[string]bool {
	t.Helper()
	return HelpFlags(helpOf(t, binary))
}

func buildBinaries(dir string) (map[string]string, error) {
	build := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "./cmd/mockserver", "./cmd/contract")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build in %s: %w\n%s", repoRoot, err, out)
	}

	helps := map[string]string{}
	for _, name := range []string{"mockserver", "contract"} {
		// -h exits 0 or 2 depending on the command's flag handling, so
		// only the output is read.
		help, _ := exec.Command(filepath.Join(dir, name), "-h").CombinedOutput()
		if len(HelpFlags(string(help))) == 0 {
			return nil, errors.New(name + " -h listed no flags; it printed:\n" + string(help))
		}
		helps[name] = string(help)
	}
	return helps, nil
}
