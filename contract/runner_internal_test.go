package contract

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/contract/fakes"
	"github.com/callfluent/usermock/spec"
)

// newTestSession returns a session against a conforming fake, with the
// snapshots taken as Run takes them.
func newTestSession(t *testing.T) *session {
	t.Helper()
	server := httptest.NewServer(fakes.New(fakes.Options{}))
	t.Cleanup(server.Close)
	sp, err := spec.Default()
	require.NoError(t, err)

	s := newSession(Config{BaseURL: server.URL, APIKey: "demo-api-key", UserID: "12", Password: "123456",
		APIKey2: "demo-api-key-2", UserID2: "13"}, sp)
	s.takeSnapshots(context.Background())
	require.Len(t, s.snapshots, 2)
	return s
}

func TestPanickingCheckStillRestores(t *testing.T) {
	s := newTestSession(t)
	op, ok := s.spec.Operation(opUpdateSetting)
	require.True(t, ok)
	check := Check{
		OperationID: opResetPassword, Name: "panics midway", Provenance: Documented, Mutates: true,
		run: func(ctx context.Context, s *session) error {
			require.True(t, s.resetPassword(ctx, "123456", s.secrets.newPasswords[0]).accepted())
			body, err := s.uniqueSettingBody(op, s.primary.userID)
			require.NoError(t, err)
			require.True(t, s.do(ctx, call{operationID: op.ID, authorization: s.primary.authorization(), body: body}).accepted())
			panic("boom")
		},
	}

	result := s.runCheck(context.Background(), check)

	assert.Equal(t, Fail, result.Outcome)
	assert.Contains(t, result.Reason, "check panicked: boom")
	assert.NotContains(t, result.Reason, "restore")
	assert.True(t, s.password.known)
	assert.Equal(t, "123456", s.password.current)
	assert.Empty(t, s.dirty, "branding was restored")
	assert.True(t, s.resetPassword(context.Background(), "123456", "123456").accepted(), "the original password works")
}

func TestFailedRestoreFailsTheCheck(t *testing.T) {
	s := newTestSession(t)
	check := Check{
		OperationID: opResetPassword, Name: "loses the password", Provenance: Documented, Mutates: true,
		run: func(ctx context.Context, s *session) error {
			require.True(t, s.resetPassword(ctx, "123456", "untracked-password").accepted())
			// Make the tracker forget the value, so no known password
			// restores it.
			s.password.current, s.password.candidates = "forgotten-password", nil
			return nil
		},
	}

	result := s.runCheck(context.Background(), check)

	assert.Equal(t, Fail, result.Outcome)
	assert.Contains(t, result.Reason, "restore after the check failed")
	assert.NotEmpty(t, result.Request, "the failure shows the last restore request")
	require.NotEmpty(t, s.notes)
	assert.Contains(t, s.notes[0], "could not be restored")

	// The lost password is reported once, not again after every check.
	later := s.runCheck(context.Background(), Check{OperationID: opGetProfile, Name: "changes nothing",
		Provenance: Documented, run: func(context.Context, *session) error { return nil }})
	assert.Equal(t, Pass, later.Outcome, later.Reason)
}

func TestWrongTypePasswordIsRestored(t *testing.T) {
	server := httptest.NewServer(fakes.New(fakes.Options{Fault: fakes.WrongTypeAccepted}))
	t.Cleanup(server.Close)
	sp, err := spec.Default()
	require.NoError(t, err)
	s := newSession(Config{BaseURL: server.URL, APIKey: "demo-api-key", UserID: "12", Password: "123456"}, sp)
	body, err := s.resetBody("123456", "")
	require.NoError(t, err)
	dataOf(body)[fieldNewPass] = nil

	ex := s.do(context.Background(), call{operationID: opResetPassword, authorization: s.primary.authorization(), body: body})
	require.True(t, ex.accepted(), "the faulty fake stores null as a string")
	require.False(t, s.password.known)

	require.NoError(t, s.restorePassword(context.Background()))
	assert.True(t, s.resetPassword(context.Background(), "123456", "123456").accepted())
}
