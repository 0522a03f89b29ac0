package store

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/callfluent/usermock/spec"
)

// Validate checks every rule that a Store relies on and returns all
// problems joined, each a *FixtureError naming file, field and problem.
// The rules:
//   - at least one account
//   - API keys present, unique and usable as Bearer tokens
//   - user ids present, unique and decimal digits
//   - passwords non-empty, emails bare addresses
//   - agent ids at least 1 and unique across accounts
//   - required_a_record and every A record IPv4 addresses
//   - domain names non-empty and unique regardless of case
func (fx *Fixtures) Validate() error {
	var problems []error
	problems = append(problems, validateAccounts(fx.Accounts)...)
	problems = append(problems, validateDNS(fx.RequiredARecord, fx.ARecords)...)
	return errors.Join(problems...)
}

func validateAccounts(accounts []AccountFixture) []error {
	if len(accounts) == 0 {
		return []error{accountsProblem("accounts", "at least one account is required")}
	}

	var problems []error
	keys := map[string]int{}
	ids := map[string]int{}
	agents := map[int]string{}
	for i, acc := range accounts {
		field := fmt.Sprintf("accounts[%d]", i)
		problems = append(problems, validateKey(field, acc.APIKey, i, keys)...)
		problems = append(problems, validateUserID(field, acc.UserID, i, ids)...)
		if acc.Password == "" {
			problems = append(problems, accountsProblem(field+".password", "is empty"))
		}
		// The contract's email rule, so that profile responses built from
		// the fixtures pass response validation.
		if err := spec.ValidateEmail(acc.Email); err != nil {
			problems = append(problems, accountsProblem(field+".email", err.Error()))
		}
		problems = append(problems, validateAgents(field, acc.Agents, agents)...)
	}
	return problems
}

func validateKey(field, key string, index int, seen map[string]int) []error {
	field += ".api_key"
	switch {
	case key == "":
		return []error{accountsProblem(field, "is empty")}
	case !isBearerToken(key):
		return []error{accountsProblem(field, "contains characters that a Bearer token cannot carry (allowed: letters, digits and -._~+/ with trailing =)")}
	}
	if first, ok := seen[key]; ok {
		return []error{accountsProblem(field, fmt.Sprintf("duplicate of accounts[%d]", first))}
	}
	seen[key] = index
	return nil
}

func validateUserID(field, id string, index int, seen map[string]int) []error {
	field += ".user_id"
	switch {
	case id == "":
		return []error{accountsProblem(field, "is empty")}
	case strings.Trim(id, "0123456789") != "":
		return []error{accountsProblem(field, fmt.Sprintf("%q is not a string of decimal digits, as the contract's userId requires", id))}
	}
	if first, ok := seen[id]; ok {
		return []error{accountsProblem(field, fmt.Sprintf("duplicate of accounts[%d]", first))}
	}
	seen[id] = index
	return nil
}

func validateAgents(field string, agents []Agent, seen map[int]string) []error {
	var problems []error
	for k, agent := range agents {
		agentField := fmt.Sprintf("%s.agents[%d]", field, k)
		if agent.ID < 1 {
			problems = append(problems, accountsProblem(agentField+".id", fmt.Sprintf("must be at least 1, got %d", agent.ID)))
			continue
		}
		if first, ok := seen[agent.ID]; ok {
			problems = append(problems, accountsProblem(agentField+".id", fmt.Sprintf("%d is a duplicate of %s", agent.ID, first)))
			continue
		}
		seen[agent.ID] = agentField
	}
	return problems
}

func validateDNS(required string, records map[string][]string) []error {
	var problems []error
	if required == "" {
		problems = append(problems, dnsProblem("required_a_record", "is missing"))
	} else if !isIPv4(required) {
		problems = append(problems, dnsProblem("required_a_record", fmt.Sprintf("%q is not an IPv4 address", required)))
	}

	domains := make([]string, 0, len(records))
	for domain := range records {
		domains = append(domains, domain)
	}
	sort.Strings(domains)

	seen := map[string]string{}
	for _, domain := range domains {
		field := fmt.Sprintf("a_records[%q]", domain)
		folded := strings.ToLower(domain)
		if domain == "" {
			problems = append(problems, dnsProblem(field, "the domain name is empty"))
			continue
		}
		if first, ok := seen[folded]; ok {
			problems = append(problems, dnsProblem(field, fmt.Sprintf("duplicate of %q (domain names ignore case)", first)))
			continue
		}
		seen[folded] = domain

		for i, addr := range records[domain] {
			if !isIPv4(addr) {
				problems = append(problems, dnsProblem(fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("%q is not an IPv4 address, which an A record holds", addr)))
			}
		}
	}
	return problems
}

func accountsProblem(field, problem string) error {
	return &FixtureError{File: AccountsFile, Field: field, Problem: problem}
}

func dnsProblem(field, problem string) error {
	return &FixtureError{File: DNSFile, Field: field, Problem: problem}
}

func isIPv4(s string) bool {
	addr, err := netip.ParseAddr(s)
	return err == nil && addr.Is4()
}

// isBearerToken reports whether s matches the b64token syntax of RFC 6750
// section 2.1: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isBearerToken(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~+/", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// lowercaseKeys returns a copy of records keyed by lowercase domain names.
func lowercaseKeys(records map[string][]string) map[string][]string {
	out := make(map[string][]string, len(records))
	for domain, addrs := range records {
		out[strings.ToLower(domain)] = append([]string(nil), addrs...)
	}
	return out
}
