package mocktest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/mocktest"
	"github.com/callfluent/usermock/store"
)

// profile is the part of GET /user/profile that these tests read.
type profile struct {
	User struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"user"`
	Setting map[string]string `json:"setting"`
}

func getProfile(t *testing.T, srv *mocktest.Server, acc mocktest.Account) profile {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/user/profile", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+acc.APIKey)

	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	var got profile
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	return got
}

func updateWebsiteName(t *testing.T, srv *mocktest.Server, acc mocktest.Account, name string) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"data": map[string]string{"userId": acc.UserID, "website_name": name}})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/user/update-setting", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+acc.APIKey)
	req.Header.Set("Content-Type", "application/json")

	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestNewServesDemoProfile(t *testing.T) {
	srv := mocktest.New(t)

	got := getProfile(t, srv, srv.Primary())
	assert.Equal(t, "test", got.User.Name)
	assert.Equal(t, "test@example.com", got.User.Email)
	assert.Equal(t, "callfluent", got.Setting["website_name"])
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, srv.URL)
}

func TestAccountsMatchDemoFixtures(t *testing.T) {
	srv := mocktest.New(t)

	require.Len(t, srv.Accounts, 2)
	assert.Equal(t, mocktest.Account{APIKey: "demo-api-key", UserID: "12", Password: "123456"}, srv.Primary())
	assert.Equal(t, mocktest.Account{APIKey: "demo-api-key-2", UserID: "13", Password: "654321"}, srv.Secondary())
}

func TestServersKeepSeparateState(t *testing.T) {
	changed := mocktest.New(t)
	untouched := mocktest.New(t)

	updateWebsiteName(t, changed, changed.Primary(), "changed")

	assert.Equal(t, "changed", getProfile(t, changed, changed.Primary()).Setting["website_name"])
	assert.Equal(t, "callfluent", getProfile(t, untouched, untouched.Primary()).Setting["website_name"])
	assert.Equal(t, "second workspace", getProfile(t, changed, changed.Secondary()).Setting["website_name"])
}

func TestResetRestoresAccounts(t *testing.T) {
	srv := mocktest.New(t)
	updateWebsiteName(t, srv, srv.Primary(), "changed")
	require.Equal(t, "changed", getProfile(t, srv, srv.Primary()).Setting["website_name"])

	srv.Reset()

	assert.Equal(t, "callfluent", getProfile(t, srv, srv.Primary()).Setting["website_name"])
}

func TestCleanupClosesServer(t *testing.T) {
	var url string
	t.Run("server in subtest", func(t *testing.T) {
		url = mocktest.New(t).URL
	})

	resp, err := http.Get(url + "/__mock/health")
	if err == nil {
		resp.Body.Close()
	}
	assert.Error(t, err, "the server should be closed after its test ends")
}

func TestWithFixturesServesCustomAccount(t *testing.T) {
	fx, err := store.Default()
	require.NoError(t, err)
	fx.Accounts = fx.Accounts[:1]
	fx.Accounts[0].APIKey = "custom-key"
	fx.Accounts[0].Setting = map[string]string{"website_name": "custom site", "website_description": "custom"}

	srv := mocktest.New(t, mocktest.WithFixtures(fx))

	require.Len(t, srv.Accounts, 1)
	assert.Equal(t, "custom-key", srv.Primary().APIKey)
	assert.Equal(t, "custom site", getProfile(t, srv, srv.Primary()).Setting["website_name"])
	assert.PanicsWithValue(t, "mocktest: Secondary needs 2 accounts, but the fixtures hold 1", func() { srv.Secondary() })
}

func TestNewServerRejectsInvalidFixtures(t *testing.T) {
	srv, err := mocktest.NewServer(mocktest.WithFixtures(&store.Fixtures{}))

	assert.Nil(t, srv)
	assert.ErrorContains(t, err, "start mock server")
}
