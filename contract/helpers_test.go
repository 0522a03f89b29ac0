package contract_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/contract"
	"github.com/callfluent/usermock/contract/fakes"
)

// demoConfig returns a configuration for both demo accounts at baseURL.
func demoConfig(baseURL string) contract.Config {
	return contract.Config{
		BaseURL: baseURL,
		APIKey:  "demo-api-key", UserID: "12", Password: "123456",
		APIKey2: "demo-api-key-2", UserID2: "13",
	}
}

// startFake serves a fake on 127.0.0.1 for the test's lifetime.
func startFake(t *testing.T, opts fakes.Options) (*fakes.Server, *httptest.Server) {
	t.Helper()
	fake := fakes.New(opts)
	server := httptest.NewServer(fake)
	t.Cleanup(server.Close)
	return fake, server
}

// runSuite runs the suite with cfg and fails the test on a run error.
func runSuite(t *testing.T, cfg contract.Config) *contract.Report {
	t.Helper()
	report, err := contract.Run(context.Background(), cfg)
	require.NoError(t, err)
	require.NotEmpty(t, report.Results)
	return report
}

// resultOf returns the result of the named check.
func resultOf(t *testing.T, report *contract.Report, operationID, name string) contract.Result {
	t.Helper()
	for _, result := range report.Results {
		if result.OperationID == operationID && result.Name == name {
			return result
		}
	}
	require.Failf(t, "check not in report", "%s %q", operationID, name)
	return contract.Result{}
}

// describeResult formats a result for an assertion message.
func describeResult(result contract.Result) string {
	return string(result.Outcome) + " " + result.OperationID + " " + result.Name + ": " + result.Reason +
		"\n" + result.Request + "\n" + result.Response
}

// call sends a request with the demo key and returns the status and body.
func call(t *testing.T, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer demo-api-key")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()

	var decoded map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&decoded)
	return resp.StatusCode, decoded
}

// profileOf reads the profile with the API key key.
func profileOf(t *testing.T, baseURL, key string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, baseURL+"/user/profile", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()

	var decoded map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&decoded))
	return resp.StatusCode, decoded
}
