package contract

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock"
	"github.com/callfluent/usermock/spec"
)

// withSecondResetExample returns the embedded spec with a second
// reset-password request example after the first, named so that it sorts
// first by name.
func withSecondResetExample(t *testing.T) *spec.Spec {
	t.Helper()
	const first = "                    newPass: abcdefg\n"
	const second = "              aaSortsFirstByName:\n" +
		"                value:\n" +
		"                  data:\n" +
		"                    oldPass: \"123456\"\n" +
		"                    newPass: listed-second\n"
	source := string(usermock.SpecYAML)
	require.Equal(t, 1, strings.Count(source, first), "the reset-password example moved")
	sp, err := spec.Load([]byte(strings.Replace(source, first, first+second, 1)))
	require.NoError(t, err)
	return sp
}

func TestRequestExampleInDocumentOrder(t *testing.T) {
	sp := withSecondResetExample(t)
	op, ok := sp.Operation(opResetPassword)
	require.True(t, ok)
	require.Len(t, requestMediaType(op).Examples, 2)

	body, err := rawExampleBody(op, "12", "123456")

	require.NoError(t, err)
	assert.Equal(t, "abcdefg", dataOf(body)[fieldNewPass], "the first example in the document is used")
}
