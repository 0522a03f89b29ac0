// Command mockserver serves the CallFluent User Services API mock: the
// OpenAPI contract (embedded openapi.yaml, or -spec FILE) with the demo
// accounts (embedded fixtures, or -fixtures DIR), on 127.0.0.1:4010 by
// default. Run `mockserver -h` for the flags and their environment variables.
//
// Exit codes: 0 after a clean shutdown or a healthy -healthcheck, 1 on a
// failure, 2 on a usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	cancelOnSignal(cancel)

	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	os.Exit(exitCode(err, os.Stderr))
}

// cancelOnSignal cancels the context on the first SIGINT or SIGTERM, with
// the signal as the cause, and then restores the default handling, so a
// second signal ends the process at once.
func cancelOnSignal(cancel context.CancelCauseFunc) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		sig := <-signals
		signal.Stop(signals)
		cancel(fmt.Errorf("received signal %v", sig))
	}()
}

// exitCode prints err, unless it is already printed, and maps it to the
// process exit code.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}

	var usage *usageError
	if errors.As(err, &usage) {
		if !usage.printed {
			fmt.Fprintf(stderr, "mockserver: %v\nRun 'mockserver -h' for the flags.\n", err)
		}
		return 2
	}
	fmt.Fprintf(stderr, "mockserver: %v\n", err)
	return 1
}
