package spec

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// secretNameParts make any name that contains one of them, in any case, the
// name of a secret, such as smtp_password, client_secret or refresh_token.
var secretNameParts = []string{"password", "passwd", "pwd", "secret", "token", "apikey", "api_key", "api-key"}

// IsSecretName reports whether name, a JSON member, parameter or header
// name, looks like the name of a secret whatever the contract declares: it
// contains password, passwd, pwd, secret, token, apikey, api_key or api-key
// in any case. The mock server redacts such values, and the contract suite rejects
// responses with such members. Names such as "passport" do not match.
func IsSecretName(name string) bool {
	lower := strings.ToLower(name)
	return slices.ContainsFunc(secretNameParts, func(part string) bool { return strings.Contains(lower, part) })
}

// Credential is where one security scheme of the contract carries its
// secret: the header, query parameter or cookie named Name.
type Credential struct {
	Scheme string // the scheme's key under components.securitySchemes
	In     string // "header", "query" or "cookie"
	Name   string // header names are in canonical form, such as "X-Api-Key"
}

// Credentials returns where the contract's security schemes carry secrets,
// sorted by scheme: an apiKey scheme's header, query parameter or cookie,
// and the Authorization header for an http scheme. Schemes of other types
// (oauth2, openIdConnect) are skipped, since the contract names no place
// for their tokens.
func (s *Spec) Credentials() []Credential {
	if s.Doc.Components == nil {
		return nil
	}
	schemes := s.Doc.Components.SecuritySchemes
	var out []Credential
	for _, name := range slices.Sorted(maps.Keys(schemes)) {
		ref := schemes[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		switch scheme := ref.Value; scheme.Type {
		case "apiKey":
			out = append(out, credential(name, scheme.In, scheme.Name))
		case "http":
			out = append(out, credential(name, "header", "Authorization"))
		}
	}
	return out
}

func credential(scheme, in, name string) Credential {
	if in == "header" {
		name = http.CanonicalHeaderKey(name)
	}
	return Credential{Scheme: scheme, In: in, Name: name}
}

// WriteOnlyNames returns the sorted names of the writeOnly properties of
// every request body schema, at any depth and in every media type, such as
// oldPass and smtp_password. Requests carry secrets under these names, and
// no response may contain them.
func (s *Spec) WriteOnlyNames() []string {
	names := map[string]bool{}
	visited := map[*openapi3.Schema]bool{}
	for _, op := range s.operations {
		body := op.Operation.RequestBody
		if body == nil || body.Value == nil {
			continue
		}
		for _, media := range body.Value.Content {
			if media != nil && media.Schema != nil {
				collectWriteOnly(media.Schema.Value, names, visited)
			}
		}
	}
	return slices.Sorted(maps.Keys(names))
}

// collectWriteOnly adds to names the writeOnly properties of schema and of
// every schema nested in it. visited stops the walk at recursive schemas.
func collectWriteOnly(schema *openapi3.Schema, names map[string]bool, visited map[*openapi3.Schema]bool) {
	if schema == nil || visited[schema] {
		return
	}
	visited[schema] = true

	nested := slices.Concat(schema.AllOf, schema.AnyOf, schema.OneOf,
		openapi3.SchemaRefs{schema.Items, schema.Not, schema.AdditionalProperties.Schema})
	for name, property := range schema.Properties {
		if property != nil && property.Value != nil && property.Value.WriteOnly {
			names[name] = true
		}
		nested = append(nested, property)
	}
	for _, ref := range nested {
		if ref != nil {
			collectWriteOnly(ref.Value, names, visited)
		}
	}
}
