// Package store holds the mock server's per-account state: the demo accounts
// loaded from YAML fixtures, their passwords, settings and agents, and the
// simulated DNS A records that custom domains are checked against.
package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/callfluent/usermock"
)

// The fixture files that LoadFixtures reads.
const (
	AccountsFile = "accounts.yaml"
	DNSFile      = "dns.yaml"
)

// Fixtures is the validated content of the fixture files: the accounts that
// a Store starts with and after every Reset, and the simulated DNS.
// A Store does not modify the Fixtures that it was built from.
type Fixtures struct {
	// Accounts are the demo accounts, in file order.
	Accounts []AccountFixture

	// RequiredARecord is the IPv4 address that a custom domain must point to.
	RequiredARecord string

	// ARecords maps a lowercase domain name to its IPv4 A records.
	ARecords map[string][]string
}

// AccountFixture is one account of accounts.yaml.
type AccountFixture struct {
	APIKey   string            `yaml:"api_key"`
	UserID   string            `yaml:"user_id"`
	Password string            `yaml:"password"`
	Name     string            `yaml:"name"`
	Email    string            `yaml:"email"`
	Setting  map[string]string `yaml:"setting"`
	Agents   []Agent           `yaml:"agents"`
}

// Agent is one agent of an account.
type Agent struct {
	ID   int    `yaml:"id"`
	Name string `yaml:"name"`
}

// accountsDocument is the layout of accounts.yaml.
type accountsDocument struct {
	Accounts []AccountFixture `yaml:"accounts"`
}

// dnsDocument is the layout of dns.yaml.
type dnsDocument struct {
	RequiredARecord string              `yaml:"required_a_record"`
	ARecords        map[string][]string `yaml:"a_records"`
}

// Default loads the fixtures embedded in the module.
func Default() (*Fixtures, error) {
	return LoadFixtures(usermock.Fixtures())
}

// LoadFixturesDir loads accounts.yaml and dns.yaml from the directory dir.
func LoadFixturesDir(dir string) (*Fixtures, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("load fixtures from %q: %w", dir, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("load fixtures from %q: not a directory", dir)
	}
	return LoadFixtures(os.DirFS(dir))
}

// LoadFixtures reads accounts.yaml and dns.yaml from the root of fsys and
// validates them. Unknown YAML fields are errors. Every error names the file,
// the field and the problem; on error no Fixtures are returned.
func LoadFixtures(fsys fs.FS) (*Fixtures, error) {
	var accounts accountsDocument
	if err := decodeFile(fsys, AccountsFile, &accounts); err != nil {
		return nil, err
	}

	var dns dnsDocument
	if err := decodeFile(fsys, DNSFile, &dns); err != nil {
		return nil, err
	}

	fx := &Fixtures{
		Accounts:        accounts.Accounts,
		RequiredARecord: dns.RequiredARecord,
		ARecords:        dns.ARecords,
	}
	if err := fx.Validate(); err != nil {
		return nil, err
	}
	fx.ARecords = lowercaseKeys(fx.ARecords)
	return fx, nil
}

// decodeFile decodes the single YAML document of file into out, rejecting
// unknown fields and further documents.
func decodeFile(fsys fs.FS, file string, out any) error {
	f, err := fsys.Open(file)
	if err != nil {
		return &FixtureError{File: file, Problem: fmt.Sprintf("cannot open: %v", err)}
	}
	defer f.Close()

	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	if err := dec.Decode(out); err != nil {
		if errors.Is(err, io.EOF) {
			return &FixtureError{File: file, Problem: "the file is empty"}
		}
		return &FixtureError{File: file, Problem: "invalid YAML: " + yamlProblem(err)}
	}

	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return &FixtureError{File: file, Problem: "the file holds more than one YAML document"}
	}
	return nil
}

// yamlProblem flattens the multi-line message of a yaml.TypeError into one
// line, such as "line 5: field nmae not found in type store.AccountFixture".
func yamlProblem(err error) string {
	var typeErr *yaml.TypeError
	if errors.As(err, &typeErr) {
		return strings.Join(typeErr.Errors, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// FixtureError is a problem with one field of a fixture file.
type FixtureError struct {
	// File is the fixture file name, such as "accounts.yaml".
	File string

	// Field is the path of the field, such as "accounts[1].api_key"; it is
	// empty when the problem concerns the whole file.
	Field string

	// Problem describes what is wrong with the field.
	Problem string
}

// Error returns `fixtures "FILE": FIELD: PROBLEM`.
func (e *FixtureError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("fixtures %q: %s", e.File, e.Problem)
	}
	return fmt.Sprintf("fixtures %q: %s: %s", e.File, e.Field, e.Problem)
}
