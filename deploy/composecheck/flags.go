package composecheck

import (
	"regexp"
	"strings"
)

// helpFlag matches a flag line of the usage text that Go's
// flag.PrintDefaults writes: two spaces, a dash and the flag name.
var helpFlag = regexp.MustCompile(`(?m)^  -([A-Za-z0-9][A-Za-z0-9._-]*)`)

// HelpFlags returns the names, without dashes, of the flags listed in help,
// the output of a Go command's -h.
func HelpFlags(help string) map[string]bool {
	names := map[string]bool{}
	for _, m := range helpFlag.FindAllStringSubmatch(help, -1) {
		names[m[1]] = true
	}
	return names
}

// UnknownFlags returns each flag of args whose name is not in known. An
// argument is a flag when it starts with a dash, as the flag package reads
// it: "-name", "--name" or "-name=value". The values of flags are not
// checked, so a value that starts with a dash is reported as a flag.
func UnknownFlags(args []string, known map[string]bool) []string {
	var unknown []string
	for _, arg := range args {
		if !strings.HasPrefix(arg, "-") || arg == "-" || arg == "--" {
			continue
		}
		name := strings.TrimLeft(arg, "-")
		name, _, _ = strings.Cut(name, "=")
		if !known[name] {
			unknown = append(unknown, arg)
		}
	}
	return unknown
}
