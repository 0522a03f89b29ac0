package contract

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/spec"
)

func TestUniqueValueSatisfiesSchema(t *testing.T) {
	sp, err := spec.Default()
	require.NoError(t, err)
	op, ok := sp.Operation(opUpdateSetting)
	require.True(t, ok)
	setting := dataSchema(op)
	require.NotNil(t, setting)
	property := func(name string) *openapi3.Schema { return propertySchema(setting, name) }
	pattern := func(expression string) *openapi3.Schema {
		return openapi3.NewStringSchema().WithPattern(expression)
	}
	const marker = "a3f09b1c"

	cases := []struct {
		name     string
		example  string
		property *openapi3.Schema
		want     string // "" when no variant satisfies the property
	}{
		{"spec colour pattern", "#0019FF", property("primary_color"), "#a3f09b"},
		{"upper-case colour pattern", "#0019FF", pattern(`^#[0-9A-F]{6}$`), "#A3F09B"},
		{"colour without hash", "0019ff", pattern(`^[0-9a-f]{6}$`), "a3f09b"},
		{"spec link", "https://google.com/help", property("support_desk_url"),
			"https://google.com/help?contract-check=" + marker},
		{"link with query", "https://google.com/1.jpg?size=2", property("website_logo"),
			"https://google.com/1.jpg?size=2&contract-check=" + marker},
		{"plain text", "Call Agent AI", property("website_name"), "Call Agent AI " + marker},
		{"no schema", "anything", nil, "anything " + marker},
		{"no variant fits", "+1 234 5678910", pattern(`^\+?[0-9 ]+$`), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := uniqueValue(c.example, marker, c.property)

			assert.Equal(t, c.want, got)
			assert.Equal(t, c.want != "", ok)
			if ok && c.property != nil {
				assert.NoError(t, c.property.VisitJSON(got, spec.SchemaOptions()...))
			}
			assert.NotEqual(t, c.example, got)
		})
	}
}

func TestErrorSchemasPutOwnStatusFirst(t *testing.T) {
	sp, err := spec.Default()
	require.NoError(t, err)
	op, ok := sp.Operation(opResetPassword)
	require.True(t, ok)
	responses := op.Operation.Responses

	codes := errorStatusCodes(op)
	schemas := errorSchemas(op, 400)

	assert.Equal(t, []string{"400", "401", "404", "405", "413", "415", "500"}, codes)
	require.NotEmpty(t, schemas)
	assert.Same(t, responses.Status(400).Value.Content.Get(jsonMediaType).Schema.Value, schemas[0])
	assert.Same(t, errorSchemas(op, 401)[0], responses.Status(401).Value.Content.Get(jsonMediaType).Schema.Value)
	for _, example := range errorExamples(op) {
		assert.Equal(t, false, example["status"], "every error example has status false")
	}
	assert.Equal(t, "Please input correct current password", errorExamples(op)[0]["msg"],
		"the 400 examples come in document order")
}
