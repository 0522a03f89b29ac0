package mockserver

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// operationCaches returns the validation caches of the operation id in the
// server's current contract.
func operationCaches(t *testing.T, ts *testServer, id string) (*validatedRequests, *validatedResponses) {
	t.Helper()
	api := ts.api.Load()
	op, ok := api.spec.Operation(id)
	require.True(t, ok, "the contract has no %s", id)
	compiled := api.ops[op.Operation]
	return compiled.validatedRequests, compiled.validatedResponses
}

func TestCachesStoreRepeatsOnce(t *testing.T) {
	ts := newTestServer(t)
	body := `{"data":{"userId":"12","website_name":"Cached"}}`

	for range 3 {
		require.Equal(t, http.StatusOK, ts.post(t, "/user/update-setting", demoKey, body).status)
	}

	requests, responses := operationCaches(t, ts, "updateUserSetting")
	assert.Len(t, requests.entries, 1, "three identical requests are one entry")
	assert.Len(t, responses.entries, 1, "three identical responses are one entry")
}

func TestCacheIgnoresUndeclaredQuery(t *testing.T) {
	ts := newTestServer(t)

	for i := range 20 {
		got := ts.get(t, fmt.Sprintf("/user/profile?_=%d", 1733318400+i), demoKey)
		require.Equal(t, http.StatusOK, got.status)
	}

	requests, _ := operationCaches(t, ts, "getUserProfile")
	assert.Len(t, requests.entries, 1, "cache-busting queries share one entry")
}

func TestReloadDropsRequestCache(t *testing.T) {
	ts := newTestServer(t)
	body := `{"data":{"userId":"12","website_name":"Cached"}}`
	require.Equal(t, http.StatusOK, ts.post(t, "/user/update-setting", demoKey, body).status)

	sp := editedSpec(t, "            website_name:\n              type: string\n",
		"            website_name:\n              type: string\n              pattern: \"^Call\"\n")
	require.NoError(t, ts.ReloadSpec(sp))

	got := ts.post(t, "/user/update-setting", demoKey, body)
	assert.Equal(t, http.StatusBadRequest, got.status, "body %s", got.raw)
}

func TestReloadDropsResponseCache(t *testing.T) {
	ts := newTestServer(t)
	require.Equal(t, http.StatusOK, ts.get(t, "/user/profile", otherKey).status)

	sp := editedSpec(t, "        website_name:\n          type: string\n",
		"        website_name:\n          type: string\n          pattern: \"^call\"\n")
	require.NoError(t, ts.ReloadSpec(sp))

	got := ts.get(t, "/user/profile", otherKey)
	assert.Equal(t, http.StatusInternalServerError, got.status, "the second account's branding breaks the new pattern, body %s", got.raw)
	assert.Equal(t, http.StatusOK, ts.get(t, "/user/profile", demoKey).status)
}

func TestPathLevelQueryParameterChecked(t *testing.T) {
	sp := editedSpec(t, "  /user/profile:\n    get:\n",
		"  /user/profile:\n    parameters:\n      - name: fields\n        in: query\n        schema:\n          type: string\n          enum: [all]\n    get:\n")
	// getUserProfile documents no 400, so strict mode would turn each 400
	// into a 500 that names the undocumented status.
	ts := newTestServer(t, func(c *Config) {
		c.Spec = sp
		c.Strict = false
	})

	tests := []struct {
		query string
		want  int
	}{
		{"fields=all", http.StatusOK},
		{"fields=bogus", http.StatusBadRequest},
		{"fields=all&fields=bogus", http.StatusBadRequest},
		{"fields=all;x=1", http.StatusBadRequest},
		{"fields=%zz", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got := ts.get(t, "/user/profile?"+tt.query, demoKey)
			assert.Equal(t, tt.want, got.status, "body %s", got.raw)
		})
	}
}
