package contract

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/callfluent/usermock/spec"
)

// Request body field names that the suite substitutes or inspects. The
// documentation fixes them.
const (
	fieldData         = "data"
	fieldUserID       = "userId"
	fieldOldPass      = "oldPass"
	fieldNewPass      = "newPass"
	fieldSMTPPassword = "smtp_password"
	fieldDomainName   = "domain_name"
	fieldPhoneNumber  = "phone_number"
)

// jsonMediaType is the media type of every request and response body.
const jsonMediaType = "application/json"

// requestMediaType returns the JSON media type of op's request body, or nil
// when op takes no JSON body.
func requestMediaType(op spec.Operation) *openapi3.MediaType {
	if op.Operation.RequestBody == nil || op.Operation.RequestBody.Value == nil {
		return nil
	}
	return op.Operation.RequestBody.Value.Content.Get(jsonMediaType)
}

// requestSchema returns the schema of op's JSON request body, or nil.
func requestSchema(op spec.Operation) *openapi3.Schema {
	media := requestMediaType(op)
	if media == nil || media.Schema == nil {
		return nil
	}
	return media.Schema.Value
}

// dataSchema returns the schema of the request body's data member, or nil.
func dataSchema(op spec.Operation) *openapi3.Schema {
	return propertySchema(requestSchema(op), fieldData)
}

// propertySchema returns the schema of the named property of an object
// schema: the declared property, else additionalProperties, else nil.
func propertySchema(object *openapi3.Schema, name string) *openapi3.Schema {
	if object == nil {
		return nil
	}
	if ref, ok := object.Properties[name]; ok && ref != nil {
		return ref.Value
	}
	if extra := object.AdditionalProperties.Schema; extra != nil {
		return extra.Value
	}
	return nil
}

// exampleBody returns the body that the suite sends for op: the request
// example of rawExampleBody without domain_name. Sending a custom domain to
// a real backend starts a domain installation on the account, which the
// public API cannot undo. The domain check has its own scenario instead,
// with a name under the reserved .invalid top-level domain, which never
// installs.
func exampleBody(op spec.Operation, userID, password string) (map[string]any, error) {
	body, err := rawExampleBody(op, userID, password)
	if err != nil {
		return nil, err
	}
	if data := dataOf(body); data != nil {
		delete(data, fieldDomainName)
	}
	return body, nil
}

// rawExampleBody returns a copy of the first named example of op's request
// body in document order, as the mock server picks it, else of the media
// type's example, with every userId replaced by userID and every oldPass
// by password.
func rawExampleBody(op spec.Operation, userID, password string) (map[string]any, error) {
	media := requestMediaType(op)
	if media == nil {
		return nil, fmt.Errorf("operation %q has no JSON request body", op.ID)
	}

	value := firstExampleValue(media)
	if value == nil {
		return nil, fmt.Errorf("operation %q has no request example", op.ID)
	}

	body, err := copyObject(value)
	if err != nil {
		return nil, fmt.Errorf("copy request example of %q: %w", op.ID, err)
	}
	substitute(body, map[string]string{fieldUserID: userID, fieldOldPass: password})
	return body, nil
}

// firstExampleValue returns the value of the first named example of media
// in document order that has one, else media's example, which may be nil.
func firstExampleValue(media *openapi3.MediaType) any {
	for _, name := range spec.OrderedExamples(media.Examples) {
		if example := media.Examples[name]; example != nil && example.Value != nil && example.Value.Value != nil {
			return example.Value.Value
		}
	}
	return media.Example
}

// copyObject returns a deep copy of a JSON object value.
func copyObject(value any) (map[string]any, error) {
	encoded, err := json.Marshal(value)
	if err != nil {
		return nil, err
	}
	var object map[string]any
	if err := json.Unmarshal(encoded, &object); err != nil {
		return nil, fmt.Errorf("example is not a JSON object: %w", err)
	}
	return object, nil
}

// substitute replaces, at any depth, the value of each key in values.
func substitute(object map[string]any, values map[string]string) {
	for key, value := range object {
		if replacement, ok := values[key]; ok {
			object[key] = replacement
			continue
		}
		if nested, ok := value.(map[string]any); ok {
			substitute(nested, values)
		}
	}
}

// dataOf returns the data member of a request body, or nil.
func dataOf(body any) map[string]any {
	object, _ := body.(map[string]any)
	data, _ := object[fieldData].(map[string]any)
	return data
}

// withData returns a copy of body whose data member is replaced by data.
func withData(body map[string]any, data map[string]any) map[string]any {
	out := make(map[string]any, len(body))
	for key, value := range body {
		out[key] = value
	}
	out[fieldData] = data
	return out
}

// fieldPath is the location of a field in a request body, such as
// ["data", "phone_number"].
type fieldPath []string

func (p fieldPath) String() string {
	return strings.Join(p, ".")
}

// requiredPaths returns every required field of schema, walking into the
// nested object properties, in a stable order.
func requiredPaths(schema *openapi3.Schema, prefix fieldPath) []fieldPath {
	if schema == nil {
		return nil
	}
	var paths []fieldPath
	for _, name := range schema.Required {
		path := append(append(fieldPath{}, prefix...), name)
		paths = append(paths, path)
		paths = append(paths, requiredPaths(propertySchema(schema, name), path)...)
	}
	return paths
}

// stringPaths returns every field of body whose value is a string and whose
// schema is of type string, so the suite can send it with a wrong type.
func stringPaths(body map[string]any, schema *openapi3.Schema, prefix fieldPath) []fieldPath {
	var paths []fieldPath
	for _, name := range slices.Sorted(maps.Keys(body)) {
		fieldSchema := propertySchema(schema, name)
		if fieldSchema == nil {
			continue
		}
		path := append(append(fieldPath{}, prefix...), name)
		switch value := body[name].(type) {
		case string:
			if fieldSchema.Type.Is(openapi3.TypeString) {
				paths = append(paths, path)
			}
		case map[string]any:
			paths = append(paths, stringPaths(value, fieldSchema, path)...)
		}
	}
	return paths
}

// editPath returns a deep copy of body with the field at path set to value,
// or removed when remove is true.
func editPath(body map[string]any, path fieldPath, value any, remove bool) map[string]any {
	out, _ := copyObject(body)
	object := out
	for _, name := range path[:len(path)-1] {
		nested, ok := object[name].(map[string]any)
		if !ok {
			return out
		}
		object = nested
	}
	last := path[len(path)-1]
	if remove {
		delete(object, last)
	} else {
		object[last] = value
	}
	return out
}
