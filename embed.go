// Package usermock embeds the CallFluent User Services contract and the demo
// fixtures, so every binary and test of this module starts without flags.
package usermock

import (
	"embed"
	"io/fs"
)

// SpecYAML is openapi.yaml: the OpenAPI 3.0.3 contract that the mock server
// serves and the contract suite checks.
//
//go:embed openapi.yaml
var SpecYAML []byte

//go:embed fixtures/*.yaml
var fixtureFiles embed.FS

// Fixtures returns the default fixture files (accounts.yaml and dns.yaml) as
// a file system rooted at the fixtures folder.
func Fixtures() fs.FS {
	sub, err := fs.Sub(fixtureFiles, "fixtures")
	if err != nil {
		// fs.Sub fails only for an invalid path, and "fixtures" is valid.
		panic(err)
	}
	return sub
}
