package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"

	"github.com/callfluent/usermock/mockserver"
)

// config is the parsed command line.
type config struct {
	addr        string
	specPath    string // empty means the embedded openapi.yaml
	fixturesDir string // empty means the embedded fixtures
	logLevel    slog.Level
	logFormat   string
	corsOrigins []string
	bodyLimit   int64
	admin       bool
	strict      bool
	watch       bool
	healthcheck bool
}

// usageError is a mistake in the flags or the environment, and main exits 2
// on it. printed is true when the flag package has already written it to
// stderr.
type usageError struct {
	err     error
	printed bool
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// flagEnv maps each flag that has an environment fallback to its variable.
var flagEnv = map[string]string{
	"addr":         "MOCK_ADDR",
	"spec":         "MOCK_SPEC",
	"fixtures":     "MOCK_FIXTURES",
	"log-level":    "MOCK_LOG_LEVEL",
	"log-format":   "MOCK_LOG_FORMAT",
	"cors-origins": "MOCK_CORS_ORIGINS",
	"body-limit":   "MOCK_BODY_LIMIT",
	"admin":        "MOCK_ADMIN",
	"strict":       "MOCK_STRICT",
	"watch":        "MOCK_WATCH",
}

// parseConfig reads args, then the environment for every flag that args
// leave unset: a flag on the command line beats its variable. It returns
// flag.ErrHelp for -h, and a *usageError for any invalid value.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (*config, error) {
	cfg := &config{}
	fs := newFlagSet(cfg, stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &usageError{err: err, printed: true}
	}
	if fs.NArg() > 0 {
		return nil, usageErrorf("unexpected argument %q: mockserver takes flags only", fs.Arg(0))
	}

	if err := applyEnv(fs, getenv); err != nil {
		return nil, err
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// applyEnv sets each flag that the command line left unset from its
// environment variable, in flag name order.
func applyEnv(fs *flag.FlagSet, getenv func(string) string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	var err error
	fs.VisitAll(func(f *flag.Flag) {
		variable, ok := flagEnv[f.Name]
		if !ok || set[f.Name] || err != nil {
			return
		}
		value := getenv(variable)
		if value == "" {
			return
		}
		if setErr := fs.Set(f.Name, value); setErr != nil {
			err = usageErrorf("invalid %s %q: %w%s", variable, value, setErr, valueHint(f))
		}
	})
	return err
}

// valueHint names the values that a typed flag accepts, because the flag
// package reports a bad bool or number only as "parse error".
func valueHint(f *flag.Flag) string {
	getter, ok := f.Value.(flag.Getter)
	if !ok {
		return ""
	}
	switch getter.Get().(type) {
	case bool:
		return "; use true or false"
	case int64:
		return "; use a whole number"
	}
	return ""
}

func newFlagSet(cfg *config, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("mockserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { printUsage(fs) }

	cfg.logLevel = slog.LevelInfo
	cfg.logFormat = "text"
	cfg.corsOrigins = []string{"*"}
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:4010", "`host:port` to listen on; port 0 picks a free port")
	fs.StringVar(&cfg.specPath, "spec", "", "OpenAPI contract `FILE` to serve (default: the embedded openapi.yaml)")
	fs.StringVar(&cfg.fixturesDir, "fixtures", "", "`DIR` holding accounts.yaml and dns.yaml (default: the embedded fixtures)")
	fs.Func("log-level", "minimum log `level`: debug, info, warn or error (default info)", cfg.setLogLevel)
	fs.Func("log-format", "log `format`: text or json (default text)", cfg.setLogFormat)
	fs.Func("cors-origins", "comma-separated browser `origins` that CORS allows, or * for any (default *)", cfg.setCORSOrigins)
	fs.Int64Var(&cfg.bodyLimit, "body-limit", mockserver.DefaultBodyLimit, "max request body size in `bytes`")
	fs.BoolVar(&cfg.admin, "admin", true, "serve the /__mock/ admin API (reset, requests); /__mock/health is served either way")
	fs.BoolVar(&cfg.strict, "strict", false, "answer 500 naming the violation when a response breaks the contract")
	fs.BoolVar(&cfg.watch, "watch", false, "reload the -spec file and the -fixtures directory when they change")
	fs.BoolVar(&cfg.healthcheck, "healthcheck", false, "request /__mock/health at -addr (127.0.0.1 when its host is empty or 0.0.0.0), exit 0 on 200 and 1 otherwise")
	return fs
}

func printUsage(fs *flag.FlagSet) {
	out := fs.Output()
	fmt.Fprintf(out, "Usage: mockserver [flags]\n\n")
	fmt.Fprintf(out, "Serves the CallFluent User Services API mock. Each flag falls back to the\n")
	fmt.Fprintf(out, "environment variable named after it; a flag on the command line wins.\n\nFlags:\n")
	fs.PrintDefaults()
	fmt.Fprintf(out, "\nEnvironment:\n")
	fs.VisitAll(func(f *flag.Flag) {
		if variable, ok := flagEnv[f.Name]; ok {
			fmt.Fprintf(out, "  %-18s -%s\n", variable, f.Name)
		}
	})
	fmt.Fprintf(out, "\nExamples:\n  mockserver\n  mockserver -addr 127.0.0.1:0 -strict\n")
	fmt.Fprintf(out, "  mockserver -spec openapi.yaml -fixtures fixtures -watch\n")
}

func (cfg *config) setLogLevel(value string) error {
	levels := map[string]slog.Level{
		"debug": slog.LevelDebug, "info": slog.LevelInfo,
		"warn": slog.LevelWarn, "error": slog.LevelError,
	}
	level, ok := levels[strings.ToLower(value)]
	if !ok {
		return fmt.Errorf("unknown log level %q: use debug, info, warn or error", value)
	}
	cfg.logLevel = level
	return nil
}

func (cfg *config) setLogFormat(value string) error {
	if value != "text" && value != "json" {
		return fmt.Errorf("unknown log format %q: use text or json", value)
	}
	cfg.logFormat = value
	return nil
}

func (cfg *config) setCORSOrigins(value string) error {
	var origins []string
	for _, origin := range strings.Split(value, ",") {
		if origin = strings.TrimSpace(origin); origin == "" {
			continue
		}
		if err := checkOrigin(origin); err != nil {
			return err
		}
		origins = append(origins, origin)
	}
	if len(origins) == 0 {
		return fmt.Errorf("no origin in %q: name at least one origin, or * for any", value)
	}
	cfg.corsOrigins = origins
	return nil
}

// checkOrigin rejects an origin that no browser Origin header can equal:
// one with a path, query, fragment or user name, or without a scheme and
// host. "*" and "null" pass, and so does one * in the host, as in
// http://*.example.com, which the CORS handler matches as a wildcard.
func checkOrigin(origin string) error {
	if origin == "*" || origin == "null" {
		return nil
	}
	u, err := url.Parse(origin)
	switch {
	case err != nil:
		return fmt.Errorf("invalid origin %q: %w", origin, err)
	case u.Scheme == "" || u.Host == "":
		return fmt.Errorf("invalid origin %q: write it as scheme://host[:port], such as http://localhost:3000", origin)
	case u.User != nil || u.Path != "" || strings.ContainsAny(origin, "?#") || strings.HasSuffix(u.Host, ":"):
		return fmt.Errorf("invalid origin %q: an origin has no user, path, query or fragment; use %q",
			origin, u.Scheme+"://"+strings.TrimSuffix(u.Host, ":"))
	case strings.Count(origin, "*") > 1:
		return fmt.Errorf("invalid origin %q: the CORS handler allows one * wildcard in an origin", origin)
	}
	return nil
}

// check rejects combinations that each flag alone cannot catch.
func (cfg *config) check() error {
	if cfg.bodyLimit <= 0 {
		return usageErrorf("invalid -body-limit %d: it must be at least 1 byte", cfg.bodyLimit)
	}
	if cfg.watch && cfg.specPath == "" && cfg.fixturesDir == "" {
		return usageErrorf("-watch needs -spec FILE or -fixtures DIR (or both): the embedded defaults never change")
	}
	return nil
}
