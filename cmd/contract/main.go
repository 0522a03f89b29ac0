// Command contract checks an implementation of the CallFluent User Services
// API against the contract embedded in this binary and reports every rule
// that holds or breaks. Run "contract -h" for the flags.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := interruptible(os.Stderr)
	code := Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// interruptible returns a context that the first SIGINT or SIGTERM
// cancels. That signal also restores the default handling, so a second one
// ends the process at once, even while the suite restores the target. The
// caller must call stop when the run ends.
func interruptible(stderr io.Writer) (ctx context.Context, stop context.CancelFunc) {
	ctx, stop = signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		// stop cancels with context.Canceled itself, and a signal with a
		// cause that names the signal. errors.Is cannot tell them apart,
		// because that cause matches context.Canceled too. The message goes
		// out before stop restores the default handling, so a second
		// interrupt cannot end the process before the user sees it.
		if context.Cause(ctx) != context.Canceled {
			fmt.Fprintln(stderr, "contract: interrupted; restoring what the suite changed "+
				"(press Ctrl-C again to quit at once without restoring)")
		}
		stop()
	}()
	return ctx, stop
}
