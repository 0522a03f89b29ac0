package spec_test

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/spec"
)

// orderedExamplesDoc lists the examples of one response out of name order,
// with a $ref example between two inline ones.
const orderedExamplesDoc = `
openapi: 3.0.3
info: {title: order, version: "1"}
paths:
  /thing:
    get:
      operationId: getThing
      responses:
        "200":
          description: A thing.
          content:
            application/json:
              schema: {type: object}
              examples:
                zeta: {value: {n: 1}}
                shared: {$ref: "#/components/examples/alpha"}
                beta: {value: {n: 3}}
components:
  examples:
    alpha: {value: {n: 2}}
`

// responseExamples returns the examples of GET /thing's 200 response.
func responseExamples(t *testing.T, doc *openapi3.T) openapi3.Examples {
	t.Helper()
	op := doc.Paths.Find("/thing").Get
	require.NotNil(t, op)
	return op.Responses.Status(200).Value.Content.Get("application/json").Examples
}

func TestOrderedExamplesFollowDocument(t *testing.T) {
	withOrigins, err := spec.Load([]byte(orderedExamplesDoc))
	require.NoError(t, err)
	withoutOrigins, err := openapi3.NewLoader().LoadFromData([]byte(orderedExamplesDoc))
	require.NoError(t, err)
	embedded, err := spec.Default()
	require.NoError(t, err)
	resetPassword, ok := embedded.Operation("resetUserPassword")
	require.True(t, ok)

	cases := []struct {
		name     string
		examples openapi3.Examples
		want     []string
	}{
		{"document order with origins", responseExamples(t, withOrigins.Doc), []string{"zeta", "shared", "beta"}},
		{"name order without origins", responseExamples(t, withoutOrigins), []string{"beta", "shared", "zeta"}},
		{"known positions before unknown", openapi3.Examples{
			"late":  {Value: &openapi3.Example{Value: 1}},
			"early": {Value: &openapi3.Example{Value: 2}, Origin: &openapi3.Origin{Key: &openapi3.Location{Line: 9}}},
			"nil":   nil,
		}, []string{"early", "late", "nil"}},
		{"embedded error examples",
			resetPassword.Operation.Responses.Status(400).Value.Content.Get("application/json").Examples,
			[]string{"wrongCurrentPassword", "invalidBody"}},
		{"no examples", nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, spec.OrderedExamples(c.examples))
		})
	}
}
