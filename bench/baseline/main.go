// Command baseline serves GET /user/profile and POST /user/update-setting
// with plain net/http and encoding/json and without any contract validation.
// bench/run.sh loads it next to the mock server to show what the same JSON
// work costs when no OpenAPI routing or validation is done. It starts with
// the embedded demo accounts and sends the same bodies as the mock server
// for valid requests. It logs only its start and a failure to serve.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/callfluent/usermock/store"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:4011", "listen address (host:port)")
	flag.Parse()

	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(*addr, logger); err != nil {
		logger.Error("baseline server stopped", "error", err)
		os.Exit(1)
	}
}

func run(addr string, logger *slog.Logger) error {
	fixtures, err := store.Default()
	if err != nil {
		return fmt.Errorf("load fixtures: %w", err)
	}

	server := &http.Server{
		Addr:              addr,
		Handler:           newHandler(fixtures),
		ReadHeaderTimeout: 10 * time.Second,
	}
	logger.Info("baseline server listening", "addr", addr)
	if err := server.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve on %q: %w", addr, err)
	}
	return nil
}
