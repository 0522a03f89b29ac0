package mockserver

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/store"
)

func TestPasswordChangeFlow(t *testing.T) {
	ts := newTestServer(t)

	changed := ts.post(t, "/user/reset-password", demoKey, `{"data":{"oldPass":"123456","newPass":"abcdefg"}}`)
	require.Equal(t, http.StatusOK, changed.status, "body %s", changed.raw)
	assert.JSONEq(t, `{"status": true}`, string(changed.raw))

	oldAgain := ts.post(t, "/user/reset-password", demoKey, `{"data":{"oldPass":"123456","newPass":"other"}}`)
	assert.Equal(t, http.StatusBadRequest, oldAgain.status)
	assert.JSONEq(t, `{"status": false, "msg": "Please input correct current password"}`, string(oldAgain.raw))

	newWorks := ts.post(t, "/user/reset-password", demoKey, `{"data":{"oldPass":"abcdefg","newPass":"123456"}}`)
	assert.Equal(t, http.StatusOK, newWorks.status, "body %s", newWorks.raw)
}

func TestSettingVisibleInProfile(t *testing.T) {
	ts := newTestServer(t)

	saved := ts.post(t, "/user/update-setting", demoKey,
		`{"data":{"userId":"12","website_name":"Call Agent AI","primary_color":"#0019FF","domain_name":"App.Automation.AI"}}`)
	require.Equal(t, http.StatusOK, saved.status, "body %s", saved.raw)

	profile := ts.get(t, "/user/profile", demoKey)
	require.Equal(t, http.StatusOK, profile.status)
	assert.JSONEq(t, `{
		"user": {"name": "test", "email": "test@example.com"},
		"setting": {
			"website_name": "Call Agent AI",
			"website_description": "save time",
			"primary_color": "#0019FF",
			"domain_name": "App.Automation.AI"
		}
	}`, string(profile.raw))
}

func TestSmtpReturnsUserWithoutPassword(t *testing.T) {
	ts := newTestServer(t)
	detail := ts.post(t, "/user/update-detail", demoKey, validDetail)
	require.Equal(t, http.StatusOK, detail.status, "body %s", detail.raw)

	got := ts.post(t, "/user/update-smtp-setting", demoKey, smtpBody(demoUserID))

	require.Equal(t, http.StatusOK, got.status, "body %s", got.raw)
	assert.JSONEq(t, `{"status": true, "user": {
		"userId": "12", "name": "test", "email": "test@example.com", "phone_number": "+1 234 5678910",
		"smtp_host": "gm.co", "smtp_port": "465", "smtp_username": "mailer@gm.co",
		"from_name": "CallFluent Support", "from_email": "support@example.com"
	}}`, string(got.raw))
	assert.NotContains(t, string(got.raw), "smtp-secret")
	assert.Equal(t, "smtp-secret", ts.account(t, demoUserID).SMTP.Password, "the password is stored")
}

func TestDetailStoresAndReturnsAgents(t *testing.T) {
	ts := newTestServer(t)

	got := ts.post(t, "/user/update-detail?agent_id=2", demoKey,
		`{"data":{"phone_number":"+1 234 5678910","address":"1 Main Street"}}`)

	require.Equal(t, http.StatusOK, got.status, "body %s", got.raw)
	assert.JSONEq(t, `{"status": true, "data": [{"id": 1, "name": "Support agent"}, {"id": 2, "name": "Sales agent"}]}`, string(got.raw))
	acc := ts.account(t, demoUserID)
	assert.Equal(t, "+1 234 5678910", acc.PhoneNumber)
	assert.Equal(t, map[string]string{"address": "1 Main Street"}, acc.Custom)
}

func TestDomainNotPointingChangesNothing(t *testing.T) {
	ts := newTestServer(t)
	before := ts.account(t, demoUserID)

	got := ts.post(t, "/user/update-setting", demoKey,
		`{"data":{"userId":"12","website_name":"changed","domain_name":"wrong.example.com"}}`)

	assert.Equal(t, http.StatusBadRequest, got.status)
	assert.JSONEq(t, `{"status": false, "error": "Something is wrong with your domain, please check if A record is added correctly. wrong.example.com doesn't point to 23.29.127.132 correctly"}`, string(got.raw))
	assert.Equal(t, before, ts.account(t, demoUserID))
}

func TestOtherAccountUserIDForbidden(t *testing.T) {
	tests := []struct {
		name string
		path string
		body string
	}{
		{name: "update setting", path: "/user/update-setting", body: `{"data":{"userId":"13","website_name":"hijacked"}}`},
		{name: "update smtp", path: "/user/update-smtp-setting", body: smtpBody(otherUserID)},
		{name: "unknown id", path: "/user/update-setting", body: `{"data":{"userId":"999","website_name":"hijacked"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			own, other := ts.account(t, demoUserID), ts.account(t, otherUserID)

			got := ts.post(t, tt.path, demoKey, tt.body)

			assert.Equal(t, http.StatusForbidden, got.status, "body %s", got.raw)
			assert.Equal(t, own, ts.account(t, demoUserID), "the caller's account is unchanged")
			assert.Equal(t, other, ts.account(t, otherUserID), "the other account is unchanged")
		})
	}
}

func TestAccountsAreIsolated(t *testing.T) {
	ts := newTestServer(t)

	require.Equal(t, http.StatusOK, ts.post(t, "/user/update-setting", demoKey, `{"data":{"userId":"12","website_name":"first only"}}`).status)
	require.Equal(t, http.StatusOK, ts.post(t, "/user/reset-password", demoKey, `{"data":{"oldPass":"123456","newPass":"changed"}}`).status)

	other := ts.get(t, "/user/profile", otherKey)
	assert.Equal(t, "second workspace", other.json["setting"].(map[string]any)["website_name"])
	otherReset := ts.post(t, "/user/reset-password", otherKey, `{"data":{"oldPass":"654321","newPass":"x2"}}`)
	assert.Equal(t, http.StatusOK, otherReset.status, "the second account keeps its own password")
}

func TestReloadFixturesResetsAccounts(t *testing.T) {
	ts := newTestServer(t)
	require.Equal(t, http.StatusOK, ts.post(t, "/user/update-setting", demoKey, validSetting).status)

	fx, err := store.Default()
	require.NoError(t, err)
	fx.Accounts = fx.Accounts[:1]
	ts.ReloadFixtures(fx)

	assert.Equal(t, "callfluent", ts.get(t, "/user/profile", demoKey).json["setting"].(map[string]any)["website_name"])
	assert.Equal(t, http.StatusUnauthorized, ts.get(t, "/user/profile", otherKey).status, "the removed account is gone")
}

func TestReloadFixturesKeepsValidOnes(t *testing.T) {
	ts := newTestServer(t)

	ts.ReloadFixtures(&store.Fixtures{})

	assert.Equal(t, http.StatusOK, ts.get(t, "/user/profile", demoKey).status)
	assert.Contains(t, ts.logs.String(), "reload fixtures ignored")
}

func TestReloadSpecKeepsState(t *testing.T) {
	ts := newTestServer(t)
	require.Equal(t, http.StatusOK, ts.post(t, "/user/update-setting", demoKey, validSetting).status)

	require.NoError(t, ts.ReloadSpec(extendedSpec(t)))

	assert.Equal(t, "Call Agent AI", ts.get(t, "/user/profile", demoKey).json["setting"].(map[string]any)["website_name"])
	assert.Equal(t, http.StatusCreated, ts.get(t, "/user/extra", demoKey).status, "the new operation is served")
}

func TestNewRejectsBadConfig(t *testing.T) {
	sp := extendedSpec(t)
	fx, err := store.Default()
	require.NoError(t, err)

	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "missing spec", cfg: Config{Fixtures: fx}, want: "Config.Spec is required"},
		{name: "missing fixtures", cfg: Config{Spec: sp}, want: "Config.Fixtures is required"},
		{name: "invalid fixtures", cfg: Config{Spec: sp, Fixtures: &store.Fixtures{}}, want: "at least one account is required"},
		{name: "negative body limit", cfg: Config{Spec: sp, Fixtures: fx, BodyLimit: -1}, want: "BodyLimit is -1"},
		{name: "tiny journal bound", cfg: Config{Spec: sp, Fixtures: fx, JournalBytes: 1000}, want: "JournalBytes is 1000; it must be 0 (for 1 MiB) or at least 4096"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := New(tt.cfg)

			assert.Nil(t, srv)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
