package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/callfluent/usermock/mockserver"
	"github.com/callfluent/usermock/spec"
	"github.com/callfluent/usermock/store"
)

// Limits of the HTTP server. The mock runs on a developer's machine or in
// CI, so each limit only stops a stuck or runaway client from holding a
// connection, and none is tuned for throughput.
const (
	// readHeaderTimeout bounds the request line and headers, so a client
	// that sends them byte by byte cannot hold a connection.
	readHeaderTimeout = 5 * time.Second

	// readTimeout bounds reading a whole request. The largest body the
	// server accepts (1 MiB by default) takes well under a second on a
	// local network.
	readTimeout = 15 * time.Second

	// writeTimeout bounds the time from the end of the request headers to
	// the end of the response. It exceeds the 10s maximum of the mock's
	// `Prefer: delay=` header, so a delayed response is still sent.
	writeTimeout = 30 * time.Second

	// idleTimeout closes kept-alive connections that carry no request.
	idleTimeout = 60 * time.Second

	// maxHeaderBytes is 64 KiB: the API uses a handful of short headers,
	// and the net/http default of 1 MiB only helps a misbehaving client.
	maxHeaderBytes = 64 << 10

	// shutdownTimeout bounds the wait for in-flight requests after SIGINT
	// or SIGTERM. It exceeds the 10s maximum Prefer delay.
	shutdownTimeout = 15 * time.Second
)

// serverLimits are the timeouts and size limits that serve applies. Tests
// pass shorter timeouts, and run always passes productionLimits.
type serverLimits struct {
	readHeaderTimeout time.Duration
	readTimeout       time.Duration
	writeTimeout      time.Duration
	idleTimeout       time.Duration
	maxHeaderBytes    int
	shutdownTimeout   time.Duration
}

// productionLimits are the limits above.
var productionLimits = serverLimits{
	readHeaderTimeout: readHeaderTimeout,
	readTimeout:       readTimeout,
	writeTimeout:      writeTimeout,
	idleTimeout:       idleTimeout,
	maxHeaderBytes:    maxHeaderBytes,
	shutdownTimeout:   shutdownTimeout,
}

// run is the whole command: it parses args (with getenv as the
// environment), then serves until ctx is cancelled and every in-flight
// request has finished. It writes the address banner to stdout and logs to
// stderr, buffered for up to logFlushInterval until ctx ends when stderr is
// an *os.File.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	if cfg.healthcheck {
		return checkHealth(ctx, cfg.addr, stdout)
	}

	logOutput, flushLog := bufferLogOutput(ctx, stderr)
	defer flushLog()
	logger := newLogger(cfg, logOutput)
	sp, fx, err := loadContent(cfg)
	if err != nil {
		return err
	}
	mock, err := mockserver.New(mockserver.Config{
		Spec:        sp,
		Fixtures:    fx,
		Logger:      logger,
		BodyLimit:   cfg.bodyLimit,
		CORSOrigins: cfg.corsOrigins,
		Admin:       cfg.admin,
		Strict:      cfg.strict,
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %q: %w", cfg.addr, err)
	}
	if cfg.watch {
		w, err := startWatcher(ctx, cfg, mock, logger)
		if err != nil {
			ln.Close()
			return err
		}
		defer w.Close()
	}

	printBanner(stdout, ln.Addr(), fx, cfg.fixturesDir)
	logger.Info("mock server started", "addr", ln.Addr().String(), "spec_version", sp.Version(),
		"accounts", len(fx.Accounts), "admin", cfg.admin, "strict", cfg.strict, "watch", cfg.watch)
	return serve(ctx, ln, mock, logger, productionLimits)
}

func newLogger(cfg *config, stderr io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.logLevel}
	if cfg.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(stderr, opts))
	}
	return slog.New(slog.NewTextHandler(stderr, opts))
}

// loadContent loads the contract and the fixtures from the files that cfg
// names, or the embedded ones.
func loadContent(cfg *config) (*spec.Spec, *store.Fixtures, error) {
	load := spec.Default
	if cfg.specPath != "" {
		load = func() (*spec.Spec, error) { return spec.LoadFile(cfg.specPath) }
	}
	sp, err := load()
	if err != nil {
		return nil, nil, err
	}

	fx, err := store.Default()
	if cfg.fixturesDir != "" {
		fx, err = store.LoadFixturesDir(cfg.fixturesDir)
	}
	if err != nil {
		return nil, nil, err
	}
	return sp, fx, nil
}

// printBanner writes the base URL and a curl command. With the embedded
// fixtures (fixturesDir empty) the command holds the first demo account's
// key, which the project publishes, so it works as pasted. Keys of custom
// fixtures may be real, so the command then holds a placeholder and the
// banner names the file with the keys.
func printBanner(stdout io.Writer, addr net.Addr, fx *store.Fixtures, fixturesDir string) {
	base := "http://" + dialAddress(addr.String())
	fmt.Fprintf(stdout, "mock server listening on %s\n", base)
	if fixturesDir != "" {
		fmt.Fprintf(stdout, "try: curl -H 'Authorization: Bearer <api-key>' %s/user/profile\n", base)
		fmt.Fprintf(stdout, "     with an api_key from %s\n", filepath.Join(fixturesDir, store.AccountsFile))
		return
	}
	fmt.Fprintf(stdout, "try: curl -H 'Authorization: Bearer %s' %s/user/profile\n", fx.Accounts[0].APIKey, base)
}

// dialAddress returns hostport with an empty or unspecified host (0.0.0.0,
// ::) replaced by 127.0.0.1, the address a local client can connect to.
func dialAddress(hostport string) string {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return hostport
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// newHTTPServer returns the http.Server for handler with limits applied and
// its error log sent to logger at warn level.
func newHTTPServer(handler http.Handler, logger *slog.Logger, limits serverLimits) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: limits.readHeaderTimeout,
		ReadTimeout:       limits.readTimeout,
		WriteTimeout:      limits.writeTimeout,
		IdleTimeout:       limits.idleTimeout,
		MaxHeaderBytes:    limits.maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// serve serves on ln until ctx is cancelled, then shuts down gracefully:
// the listener closes at once, so new connections are refused, and
// in-flight requests get limits.shutdownTimeout to finish.
func serve(ctx context.Context, ln net.Listener, handler http.Handler, logger *slog.Logger, limits serverLimits) error {
	srv := newHTTPServer(handler, logger, limits)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}

	logger.Info("mock server shutting down", "reason", context.Cause(ctx).Error(), "timeout", limits.shutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), limits.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
		return fmt.Errorf("shut down: in-flight requests did not finish within %v: %w", limits.shutdownTimeout, err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	}
	logger.Info("mock server stopped")
	return nil
}
