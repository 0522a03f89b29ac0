package contract_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/contract"
	"github.com/callfluent/usermock/mocktest"
)

// TestMockServerPassesEveryCheck runs the whole suite against this
// project's mock server in strict mode, where an invalid response becomes
// a 500 and so fails the suite.
func TestMockServerPassesEveryCheck(t *testing.T) {
	server := mocktest.New(t)
	primary, secondary := server.Primary(), server.Secondary()
	cfg := contract.Config{
		BaseURL: server.URL,
		APIKey:  primary.APIKey, UserID: primary.UserID, Password: primary.Password,
		APIKey2: secondary.APIKey, UserID2: secondary.UserID,
	}

	report, err := contract.Run(context.Background(), cfg)
	require.NoError(t, err)

	for _, result := range report.Results {
		assert.Equal(t, contract.Pass, result.Outcome, "%s %s: %s\n%s\n%s",
			result.OperationID, result.Name, result.Reason, result.Request, result.Response)
	}
	t.Log(report.Summary())
}
