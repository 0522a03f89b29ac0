package contract_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/contract"
	"github.com/callfluent/usermock/mockserver"
	"github.com/callfluent/usermock/spec"
	"github.com/callfluent/usermock/store"
)

// TestMockServerPassesEveryCheck runs the whole suite against this
// project's mock server in strict mode, where an invalid response becomes
// a 500 and so fails the suite.
func TestMockServerPassesEveryCheck(t *testing.T) {
	sp, err := spec.Default()
	require.NoError(t, err)
	fixtures, err := store.Default()
	require.NoError(t, err)
	server, err := mockserver.New(mockserver.Config{Spec: sp, Fixtures: fixtures, Strict: true, Admin: true})
	require.NoError(t, err)
	target := httptest.NewServer(server)
	t.Cleanup(target.Close)

	report, err := contract.Run(context.Background(), demoConfig(target.URL))
	require.NoError(t, err)

	var text strings.Builder
	require.NoError(t, report.WriteText(&text))
	for _, result := range report.Results {
		assert.Equal(t, contract.Pass, result.Outcome, "%s %s: %s\n%s\n%s",
			result.OperationID, result.Name, result.Reason, result.Request, result.Response)
	}
	t.Log(report.Summary())
}
