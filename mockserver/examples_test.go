package mockserver

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock"
	"github.com/callfluent/usermock/spec"
)

// TestDocumentedExamplesAnswerAsDocumented sends every request example of
// the contract with the demo key to a fresh server and expects the
// operation's first documented success example.
func TestDocumentedExamplesAnswerAsDocumented(t *testing.T) {
	sp, err := spec.Default()
	require.NoError(t, err)

	for _, op := range sp.Operations() {
		compiled := compileOperation(sp.Doc, op)
		success, ok := compiled.lowest2xx()
		require.True(t, ok, "operation %s documents a 2xx response", op.ID)
		require.NotEmpty(t, success.examples, "operation %s documents a success example", op.ID)
		want := success.examples[0].body

		for name, body := range requestExamples(t, op) {
			t.Run(op.ID+" "+name, func(t *testing.T) {
				ts := newTestServer(t)

				got := ts.do(t, request{method: op.Method, path: op.Path, key: demoKey, body: body})

				assert.Equal(t, success.status, got.status, "body %s", got.raw)
				assert.JSONEq(t, string(want), string(got.raw))
			})
		}
	}
}

// requestExamples returns the JSON of each request body example of op, or
// one empty body for an operation without a request body.
func requestExamples(t testing.TB, op spec.Operation) map[string]string {
	t.Helper()
	if op.Operation.RequestBody == nil {
		return map[string]string{"without body": ""}
	}
	media := op.Operation.RequestBody.Value.Content.Get("application/json")
	require.NotNil(t, media, "operation %s documents a JSON body", op.ID)

	out := map[string]string{}
	for name, ref := range media.Examples {
		body, err := json.Marshal(ref.Value.Value)
		require.NoError(t, err)
		out[name] = string(body)
	}
	require.NotEmpty(t, out, "operation %s documents a request example", op.ID)
	return out
}

// extraOperation is an operation without a behaviour, with two success
// responses whose examples are written out of name order.
const extraOperation = `paths:
  /user/extra:
    get:
      operationId: getExtra
      summary: An operation the mock has no behaviour for
      responses:
        "202":
          description: Accepted.
          content:
            application/json:
              schema:
                type: object
              examples:
                zeta:
                  value: {status: true, which: zeta}
                alpha:
                  value: {status: true, which: alpha}
        "201":
          description: Created.
          content:
            application/json:
              schema:
                type: object
              examples:
                second:
                  value: {status: true, which: second}
                first:
                  value: {status: true, which: first}
        "401":
          $ref: "#/components/responses/Unauthorized"
`

// extendedSpec returns the embedded contract with extraOperation added.
func extendedSpec(t *testing.T) *spec.Spec {
	t.Helper()
	doc := string(usermock.SpecYAML)
	require.Contains(t, doc, "\npaths:\n")
	doc = strings.Replace(doc, "\npaths:\n", "\n"+extraOperation, 1)
	sp, err := spec.Load([]byte(doc))
	require.NoError(t, err)
	return sp
}

func TestFallbackServesFirstExample(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.Spec = extendedSpec(t) })

	got := ts.get(t, "/user/extra", demoKey)

	assert.Equal(t, http.StatusCreated, got.status, "the lowest documented 2xx status")
	assert.JSONEq(t, `{"status": true, "which": "second"}`, string(got.raw), "the first example in document order")
}

func TestFallbackStillAuthenticates(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.Spec = extendedSpec(t) })

	got := ts.get(t, "/user/extra", "")

	assert.Equal(t, http.StatusUnauthorized, got.status)
}

func TestFallbackHonoursPreferExample(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.Spec = extendedSpec(t) })

	got := ts.do(t, request{method: http.MethodGet, path: "/user/extra", key: demoKey, header: map[string]string{"Prefer": "example=alpha"}})

	assert.Equal(t, http.StatusAccepted, got.status)
	assert.JSONEq(t, `{"status": true, "which": "alpha"}`, string(got.raw))
}

func TestExamplesKeepDocumentOrder(t *testing.T) {
	sp, err := spec.Default()
	require.NoError(t, err)
	op, ok := sp.Operation("resetUserPassword")
	require.True(t, ok)

	resp, ok := compileOperation(sp.Doc, op).response(http.StatusBadRequest)
	require.True(t, ok)

	var names []string
	for _, ex := range resp.examples {
		names = append(names, ex.name)
	}
	assert.Equal(t, []string{"wrongCurrentPassword", "invalidBody"}, names)
}
