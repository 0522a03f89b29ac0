package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/callfluent/usermock/contract"
	"github.com/callfluent/usermock/spec"
)

// Exit statuses.
const (
	exitPassed = 0 // every check passed
	exitFailed = 1 // a check failed, or the run was interrupted
	exitUsage  = 2 // a usage error, an unreachable target, a failed preflight or an unwritable report
)

// probeTimeout bounds the reachability probe before the run.
const probeTimeout = 5 * time.Second

// preflightTimeout bounds the preflight requests together: at most four
// (each key, and a made-up key after a 200 with status false), each allowed
// the time one request gets during the checks.
const preflightTimeout = 4 * contract.DefaultRequestTimeout

const usageText = `Usage: contract -base-url URL -api-key KEY -user-id ID -password CURRENT_PASSWORD [options]

Checks an implementation of the CallFluent User Services API (the real
backend, a fake, or this project's mock server) against the contract
embedded in this binary, using only the public API. Each check is
"documented" (the published documentation states the rule) or "inferred"
(a project convention, marked x-inferred in openapi.yaml). The suite changes
the account's password and branding and restores both; SMTP settings and
update-detail fields cannot be restored through the API.

Before the checks, a preflight reads the profile (GET /user/profile under
the base URL) with -api-key, and with -api-key-2 when it is given. After a
2xx response with "status": false it reads it once more with a made-up key.
The preflight changes nothing, runs under -read-only too and is not a check.

Exit status: 0 when every check passed, 1 when any failed or the run was
interrupted, 2 when the run could not start:
  - a usage error, such as a missing or invalid flag, a -base-url with a
    user name, password, query or fragment, a -user-id or -user-id-2 that
    the contract's userId schema rejects, or -api-key-2 equal to -api-key;
  - an unreachable target;
  - a preflight response of 401 or 403 (the target rejected the key);
  - a preflight response of 404 or 405 (-base-url lacks the API's path
    prefix, or has a wrong one);
  - a preflight response of 2xx with "status": false whose status and body
    match the target's response to a made-up key;
  - a report file that cannot be written.
On the first Ctrl-C (SIGINT) or SIGTERM the run skips the remaining checks,
restores what it changed, writes the reports and exits with 1. A second
Ctrl-C ends it at once, without restoring.

Arguments (each flag falls back to the environment variable shown; a flag
wins over its variable. Pass keys and passwords through the environment to
keep them out of process listings):
  -base-url URL           CONTRACT_BASE_URL         target base URL with the API's path prefix, such as
                                                    http://127.0.0.1:4010 or https://host/api (required)
  -api-key KEY            CONTRACT_API_KEY          API key of the primary account (required)
  -user-id ID             CONTRACT_USER_ID          user id of the primary account, such as 12 (required)
  -password PASSWORD      CONTRACT_PASSWORD         current password of the primary account (required)
  -api-key-2 KEY          CONTRACT_API_KEY_2        API key of a second account, for the isolation checks;
                                                    must differ from -api-key
  -user-id-2 ID           CONTRACT_USER_ID_2        user id of the second account
  -only-documented        CONTRACT_ONLY_DOCUMENTED  run only the documented checks (true/false)
  -read-only              CONTRACT_READ_ONLY        skip every check that may change the target (true/false)
  -json FILE              CONTRACT_JSON             also write the report as JSON to FILE
  -junit FILE             CONTRACT_JUNIT            also write the report as JUnit XML to FILE

Examples:
  contract -base-url http://127.0.0.1:4010 -api-key demo-api-key -user-id 12 -password 123456 \
      -api-key-2 demo-api-key-2 -user-id-2 13 -junit contract.xml

  CONTRACT_API_KEY=$KEY CONTRACT_PASSWORD=$PASSWORD \
      contract -base-url https://api.example.test -user-id 12 -only-documented -read-only
`

// options are the parsed command line.
type options struct {
	cfg       contract.Config
	jsonPath  string
	junitPath string
}

// Run runs the command with args (without the program name), reading
// environment fallbacks through env, and returns the exit status. When ctx
// ends, the run skips the remaining checks, restores the target, writes
// the reports and returns exitFailed.
func Run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	opts, err := parseOptions(args, env)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usageText)
		return exitPassed
	}
	if err != nil {
		fmt.Fprintf(stderr, "contract: %v\n\n%s", err, usageText)
		return exitUsage
	}

	// The report files are created first, so that an unwritable path fails
	// before a long run. When no report gets written (an unreachable target,
	// a failed preflight), they are removed rather than left empty, which
	// would overwrite the last report and break a CI system's JUnit parser.
	reports, err := openReports(opts)
	if err != nil {
		fmt.Fprintf(stderr, "contract: %v\n", err)
		return exitUsage
	}
	written := false
	defer func() {
		reports.close()
		if !written {
			reports.remove()
		}
	}()

	if err := contract.Probe(ctx, opts.cfg.BaseURL, opts.cfg.Spec, probeTimeout); err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "contract: interrupted before the run started")
			return exitFailed
		}
		fmt.Fprintf(stderr, "contract: target unreachable: %v\n", err)
		return exitUsage
	}
	if err := contract.Preflight(ctx, opts.cfg, preflightTimeout); err != nil {
		return reportPreflightError(ctx, err, stderr)
	}

	report, err := contract.Run(ctx, opts.cfg)
	if err != nil {
		fmt.Fprintf(stderr, "contract: %v\n", err)
		return exitUsage
	}
	written = true
	if err := writeReports(report, stdout, reports); err != nil {
		fmt.Fprintf(stderr, "contract: %v\n", err)
		return exitUsage
	}

	if report.Failed() {
		return exitFailed
	}
	return exitPassed
}

// reportPreflightError writes the preflight's error to stderr, naming the
// flags to fix, and returns the exit status.
func reportPreflightError(ctx context.Context, err error, stderr io.Writer) int {
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "contract: interrupted before the run started")
		return exitFailed
	}
	var preflightErr *contract.PreflightError
	if !errors.As(err, &preflightErr) {
		fmt.Fprintf(stderr, "contract: %v\n", err)
		return exitUsage
	}
	keyFlag := "-api-key"
	if preflightErr.SecondAccount {
		keyFlag = "-api-key-2"
	}
	fmt.Fprintf(stderr, "contract: %s\n", preflightErr.Describe(keyFlag, "-base-url"))
	return exitUsage
}

// stringFlag and boolFlag tie a flag to its environment variable.
type stringFlag struct {
	name, envName string
	target        *string
}

type boolFlag struct {
	name, envName string
	target        *bool
}

// flagTable returns every flag of the command, bound to fields of opts.
func flagTable(opts *options) ([]stringFlag, []boolFlag) {
	cfg := &opts.cfg
	texts := []stringFlag{
		{"base-url", "CONTRACT_BASE_URL", &cfg.BaseURL},
		{"api-key", "CONTRACT_API_KEY", &cfg.APIKey},
		{"user-id", "CONTRACT_USER_ID", &cfg.UserID},
		{"password", "CONTRACT_PASSWORD", &cfg.Password},
		{"api-key-2", "CONTRACT_API_KEY_2", &cfg.APIKey2},
		{"user-id-2", "CONTRACT_USER_ID_2", &cfg.UserID2},
		{"json", "CONTRACT_JSON", &opts.jsonPath},
		{"junit", "CONTRACT_JUNIT", &opts.junitPath},
	}
	switches := []boolFlag{
		{"only-documented", "CONTRACT_ONLY_DOCUMENTED", &cfg.OnlyDocumented},
		{"read-only", "CONTRACT_READ_ONLY", &cfg.ReadOnly},
	}
	return texts, switches
}

// parseOptions parses the flags, then fills every flag that was not given
// from its environment variable. Flag defaults stay empty, so no secret
// from the environment can show in an error or in the usage text.
func parseOptions(args []string, env func(string) string) (options, error) {
	var opts options
	texts, switches := flagTable(&opts)
	flags := flag.NewFlagSet("contract", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	for _, f := range texts {
		flags.StringVar(f.target, f.name, "", f.envName)
	}
	for _, f := range switches {
		flags.BoolVar(f.target, f.name, false, f.envName)
	}

	if err := flags.Parse(args); err != nil {
		return opts, err
	}
	if flags.NArg() > 0 {
		return opts, fmt.Errorf("unexpected argument %q; every setting is a flag", flags.Arg(0))
	}

	onCommandLine := map[string]bool{}
	flags.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	if err := applyEnvironment(texts, switches, onCommandLine, env); err != nil {
		return opts, err
	}

	// Load the contract once, for the checks of the settings and the run.
	sp, err := spec.Default()
	if err != nil {
		return opts, fmt.Errorf("load embedded spec: %w", err)
	}
	opts.cfg.Spec = sp
	return opts, checkRequired(opts.cfg)
}

// applyEnvironment sets each flag that was not given from its variable.
func applyEnvironment(texts []stringFlag, switches []boolFlag, onCommandLine map[string]bool, env func(string) string) error {
	for _, f := range texts {
		if !onCommandLine[f.name] {
			*f.target = env(f.envName)
		}
	}
	for _, f := range switches {
		value := env(f.envName)
		if onCommandLine[f.name] || value == "" {
			continue
		}
		parsed, err := strconv.ParseBool(value)
		if err != nil {
			return fmt.Errorf("invalid %s %q: want true or false", f.envName, value)
		}
		*f.target = parsed
	}
	return nil
}

// checkRequired names the flag of the first missing or invalid setting.
func checkRequired(cfg contract.Config) error {
	required := []struct{ flag, envName, value string }{
		{"-base-url", "CONTRACT_BASE_URL", cfg.BaseURL},
		{"-api-key", "CONTRACT_API_KEY", cfg.APIKey},
		{"-user-id", "CONTRACT_USER_ID", cfg.UserID},
		{"-password", "CONTRACT_PASSWORD", cfg.Password},
	}
	for _, r := range required {
		if r.value == "" {
			return fmt.Errorf("missing %s (or %s)", r.flag, r.envName)
		}
	}
	if (cfg.APIKey2 == "") != (cfg.UserID2 == "") {
		return errors.New("-api-key-2 and -user-id-2 go together: give both or neither")
	}
	if cfg.APIKey2 != "" && cfg.APIKey2 == cfg.APIKey {
		return errors.New("-api-key-2 is the same as -api-key: give the API key of a second account")
	}
	return cfg.Validate()
}

// reportFiles are the report files, created before the run so that a bad
// path fails before the target is touched.
type reportFiles struct {
	json  *os.File
	junit *os.File
}

func openReports(opts options) (*reportFiles, error) {
	files := &reportFiles{}
	var err error
	if opts.jsonPath != "" {
		if files.json, err = os.Create(opts.jsonPath); err != nil {
			return nil, fmt.Errorf("create JSON report: %w", err)
		}
	}
	if opts.junitPath != "" {
		if files.junit, err = os.Create(opts.junitPath); err != nil {
			files.close()
			return nil, fmt.Errorf("create JUnit report: %w", err)
		}
	}
	return files, nil
}

// remove deletes the report files, after close.
func (f *reportFiles) remove() {
	for _, file := range []*os.File{f.json, f.junit} {
		if file != nil {
			_ = os.Remove(file.Name())
		}
	}
}

func (f *reportFiles) close() {
	for _, file := range []*os.File{f.json, f.junit} {
		if file != nil {
			_ = file.Close()
		}
	}
}

// writeReports writes the terminal summary and the requested report files.
func writeReports(report *contract.Report, stdout io.Writer, files *reportFiles) error {
	if err := report.WriteText(stdout); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	if files.json != nil {
		if err := report.WriteJSON(files.json); err != nil {
			return fmt.Errorf("write JSON report %q: %w", files.json.Name(), err)
		}
	}
	if files.junit != nil {
		if err := report.WriteJUnit(files.junit); err != nil {
			return fmt.Errorf("write JUnit report %q: %w", files.junit.Name(), err)
		}
	}
	return nil
}
