package contract

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/callfluent/usermock/spec"
)

// checkUserID returns an error when userID breaks a schema of the userId
// fields of the spec's request bodies. The suite writes the configured user
// ids into those fields, so a target that follows the spec would reject
// every such request. A spec without userId fields accepts any user id.
func checkUserID(sp *spec.Spec, userID string) error {
	for _, schema := range userIDSchemas(sp) {
		err := schema.VisitJSON(userID, spec.SchemaOptions()...)
		if err == nil {
			continue
		}
		var schemaErr *openapi3.SchemaError
		if errors.As(err, &schemaErr) {
			return fmt.Errorf("the spec's userId schema rejects it: %s", schemaErr.Reason)
		}
		return fmt.Errorf("the spec's userId schema rejects it: %w", err)
	}
	return nil
}

// userIDSchemas returns the distinct schemas of the userId properties, at
// any depth, of the spec's JSON request bodies, in operation order.
func userIDSchemas(sp *spec.Spec) []*openapi3.Schema {
	var found []*openapi3.Schema
	visited := map[*openapi3.Schema]bool{}

	var walk func(schema *openapi3.Schema)
	walk = func(schema *openapi3.Schema) {
		if schema == nil || visited[schema] {
			return
		}
		visited[schema] = true
		for _, name := range slices.Sorted(maps.Keys(schema.Properties)) {
			property := schema.Properties[name]
			if property == nil || property.Value == nil {
				continue
			}
			if name == fieldUserID && !slices.Contains(found, property.Value) {
				found = append(found, property.Value)
			}
			walk(property.Value)
		}
	}

	for _, op := range sp.Operations() {
		walk(requestSchema(op))
	}
	return found
}
