// Package composecheck checks docker-compose.yml and the Dockerfile of the
// usermock repository without a Docker engine. It is a separate module, so
// compose-go and its dependencies stay out of the main module's graph.
//
// Run it from this directory: go test ./...
package composecheck

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Instruction is one Dockerfile instruction, with continuation lines joined.
type Instruction struct {
	Line    int    // line number of the instruction's first line, from 1
	Keyword string // upper case, such as FROM or RUN
	Args    string // the rest of the instruction, trimmed
}

// ParseDockerfile splits a Dockerfile into instructions. It is a line
// parser, not BuildKit's: it skips comment and blank lines and joins lines
// that end in a backslash, which covers this repository's Dockerfile. It
// does not understand heredocs or a changed escape character, and reports
// an error for a trailing continuation.
func ParseDockerfile(r io.Reader) ([]Instruction, error) {
	var (
		instructions []Instruction
		pending      strings.Builder
		start        int
	)
	scanner := bufio.NewScanner(r)
	for line := 1; scanner.Scan(); line++ {
		text := strings.TrimSpace(scanner.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if pending.Len() == 0 {
			start = line
		}
		if body, found := strings.CutSuffix(text, `\`); found {
			pending.WriteString(body + " ")
			continue
		}
		pending.WriteString(text)

		keyword, args, _ := strings.Cut(pending.String(), " ")
		instructions = append(instructions, Instruction{Line: start, Keyword: strings.ToUpper(keyword), Args: strings.TrimSpace(args)})
		pending.Reset()
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("read dockerfile: %w", err)
	}
	if pending.Len() > 0 {
		return nil, fmt.Errorf("parse dockerfile: the instruction on line %d ends with a continuation", start)
	}
	return instructions, nil
}

// Stages splits instructions at each FROM. Instructions before the first
// FROM (ARG only, in a valid Dockerfile) are dropped.
func Stages(instructions []Instruction) [][]Instruction {
	var stages [][]Instruction
	for _, in := range instructions {
		if in.Keyword == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) > 0 {
			stages[len(stages)-1] = append(stages[len(stages)-1], in)
		}
	}
	return stages
}

// Find returns the instructions of stage with the keyword, in order.
func Find(stage []Instruction, keyword string) []Instruction {
	var found []Instruction
	for _, in := range stage {
		if in.Keyword == keyword {
			found = append(found, in)
		}
	}
	return found
}

// ExecForm decodes the JSON array form of CMD, ENTRYPOINT or a
// HEALTHCHECK's command, such as ["/mockserver", "-healthcheck"].
func ExecForm(args string) ([]string, error) {
	var argv []string
	if err := json.Unmarshal([]byte(args), &argv); err != nil {
		return nil, fmt.Errorf("decode exec form %q: %w", args, err)
	}
	return argv, nil
}
