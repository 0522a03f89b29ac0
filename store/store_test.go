package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/store"
)

func newStore(t *testing.T) *store.Store {
	t.Helper()
	fx, err := store.Default()
	require.NoError(t, err)
	return store.New(fx)
}

func TestAuthenticateMatchesKeys(t *testing.T) {
	s := newStore(t)

	tests := []struct {
		key    string
		wantID string
		wantOK bool
	}{
		{key: "demo-api-key", wantID: "12", wantOK: true},
		{key: "demo-api-key-2", wantID: "13", wantOK: true},
		{key: "demo-api-key-3", wantOK: false},
		{key: "DEMO-API-KEY", wantOK: false},
		{key: "", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("key %q", tt.key), func(t *testing.T) {
			id, ok := s.Authenticate(tt.key)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.wantID, id)
		})
	}
}

func TestProfileReturnsCopy(t *testing.T) {
	s := newStore(t)

	p, err := s.Profile("12")
	require.NoError(t, err)
	assert.Equal(t, "test", p.Name)
	assert.Equal(t, "test@example.com", p.Email)
	assert.Equal(t, "callfluent", p.Setting["website_name"])

	p.Setting["website_name"] = "changed by caller"
	again, err := s.Profile("12")
	require.NoError(t, err)
	assert.Equal(t, "callfluent", again.Setting["website_name"])

	_, err = s.Profile("99")
	var accErr *store.AccountError
	assert.True(t, errors.As(err, &accErr))
}

func TestResetPasswordChecksOld(t *testing.T) {
	s := newStore(t)

	err := s.ResetPassword("12", "wrong", "new-pass")
	assert.ErrorIs(t, err, store.ErrWrongPassword)

	require.NoError(t, s.ResetPassword("12", "123456", "new-pass"))
	assert.ErrorIs(t, s.ResetPassword("12", "123456", "other"), store.ErrWrongPassword)
	assert.NoError(t, s.ResetPassword("12", "new-pass", "123456"))
}

func TestUpdateDetailChecksAgent(t *testing.T) {
	s := newStore(t)

	agents, err := s.UpdateDetail("12", 2, "+1 234 5678910", map[string]string{"address": "1 Main Street"})
	require.NoError(t, err)
	assert.Equal(t, []store.Agent{{ID: 1, Name: "Support agent"}, {ID: 2, Name: "Sales agent"}}, agents)

	acc, err := s.Account("12")
	require.NoError(t, err)
	assert.Equal(t, "+1 234 5678910", acc.PhoneNumber)
	assert.Equal(t, "1 Main Street", acc.Custom["address"])

	_, err = s.UpdateDetail("12", 3, "+1 999 9999999", nil)
	var agentErr *store.AgentNotFoundError
	require.True(t, errors.As(err, &agentErr), "agent 3 belongs to another account")
	assert.Equal(t, 3, agentErr.AgentID)

	acc, err = s.Account("12")
	require.NoError(t, err)
	assert.Equal(t, "+1 234 5678910", acc.PhoneNumber, "a rejected update changes nothing")
}

func TestUpdateSettingChecksDomain(t *testing.T) {
	s := newStore(t)

	err := s.UpdateSetting("12", map[string]string{"website_name": "new name", "domain_name": "wrong.example.com"})
	var domainErr *store.DomainError
	require.True(t, errors.As(err, &domainErr))
	assert.Equal(t, "wrong.example.com", domainErr.Domain)
	assert.Equal(t, "23.29.127.132", domainErr.Required)

	p, err := s.Profile("12")
	require.NoError(t, err)
	assert.Equal(t, "callfluent", p.Setting["website_name"], "a rejected update changes nothing")

	err = s.UpdateSetting("12", map[string]string{"website_name": "new name", "domain_name": "APP.Automation.ai"})
	require.NoError(t, err)
	p, err = s.Profile("12")
	require.NoError(t, err)
	assert.Equal(t, "new name", p.Setting["website_name"])
	assert.Equal(t, "save time", p.Setting["website_description"], "fields not sent stay")
	assert.Equal(t, "APP.Automation.ai", p.Setting["domain_name"])

	err = s.UpdateSetting("12", map[string]string{"domain_name": "unknown.example.com"})
	assert.True(t, errors.As(err, &domainErr), "a domain without A records is rejected")
}

func TestUpdateSMTPOmitsPassword(t *testing.T) {
	s := newStore(t)
	_, err := s.UpdateDetail("12", 0, "+1 234 5678910", nil)
	require.NoError(t, err)

	smtp := store.SMTPSettings{Host: "gm.co", Port: "465", Username: "mailer@gm.co", Password: "smtp-secret", FromName: "Support", FromEmail: "support@example.com"}
	user, err := s.UpdateSMTP("12", smtp)
	require.NoError(t, err)

	assert.Equal(t, store.SMTPUser{
		UserID: "12", Name: "test", Email: "test@example.com", PhoneNumber: "+1 234 5678910",
		SMTPHost: "gm.co", SMTPPort: "465", SMTPUsername: "mailer@gm.co", FromName: "Support", FromEmail: "support@example.com",
	}, user)
	acc, err := s.Account("12")
	require.NoError(t, err)
	assert.Equal(t, smtp, acc.SMTP)
}

func TestResetRestoresFixtures(t *testing.T) {
	s := newStore(t)
	require.NoError(t, s.ResetPassword("12", "123456", "changed"))
	require.NoError(t, s.UpdateSetting("12", map[string]string{"website_name": "changed"}))

	s.Reset()

	acc, err := s.Account("12")
	require.NoError(t, err)
	assert.Equal(t, "123456", acc.Password)
	assert.Equal(t, "callfluent", acc.Setting["website_name"])
}

func TestAccountsAreIsolated(t *testing.T) {
	s := newStore(t)

	require.NoError(t, s.UpdateSetting("12", map[string]string{"website_name": "only twelve"}))

	other, err := s.Profile("13")
	require.NoError(t, err)
	assert.Equal(t, "second workspace", other.Setting["website_name"])
}

func TestConcurrentUpdatesStayWhole(t *testing.T) {
	s := newStore(t)
	const writers, rounds = 4, 200
	require.NoError(t, s.UpdateSetting("12", map[string]string{"website_name": "start", "website_description": "start"}))

	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range rounds {
				value := fmt.Sprintf("w%d-%d", w, i)
				_ = s.UpdateSetting("12", map[string]string{"website_name": value, "website_description": value})
			}
		})
	}
	wg.Go(func() {
		for range rounds * writers {
			p, err := s.Profile("12")
			if !assert.NoError(t, err) {
				return
			}
			assert.Equal(t, p.Setting["website_name"], p.Setting["website_description"], "a reader sees a whole update")
		}
	})
	wg.Wait()
}
