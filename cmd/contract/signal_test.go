//go:build unix

package main

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// signalHelperEnv makes the test binary run signalHelper instead of tests.
const signalHelperEnv = "CONTRACT_SIGNAL_HELPER"

func TestSecondInterruptEndsProcess(t *testing.T) {
	if os.Getenv(signalHelperEnv) == "1" {
		signalHelper()
		return
	}
	helper := exec.Command(os.Args[0], "-test.run=^TestSecondInterruptEndsProcess$")
	helper.Env = append(os.Environ(), signalHelperEnv+"=1")

	output, err := helper.CombinedOutput()

	var exitErr *exec.ExitError
	require.True(t, errors.As(err, &exitErr), "the helper survived repeated interrupts: %v\n%s", err, output)
	status, ok := exitErr.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	assert.True(t, status.Signaled(), "the helper exited on its own: %s", output)
	assert.Equal(t, syscall.SIGINT, status.Signal())
	assert.Contains(t, string(output), "press Ctrl-C again")
}

// signalHelper interrupts its own process once, waits for the context to
// end, then keeps interrupting for 10 s. It exits 0 only if no interrupt
// ends the process.
func signalHelper() {
	ctx, stop := interruptible(os.Stderr)
	defer stop()
	_ = syscall.Kill(os.Getpid(), syscall.SIGINT)
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		os.Exit(3)
	}

	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		_ = syscall.Kill(os.Getpid(), syscall.SIGINT)
		time.Sleep(20 * time.Millisecond)
	}
	os.Exit(0)
}
