package contract

import (
	"context"
	"errors"
	"net/http"
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

// profileExchanges returns a send function that requests the profile
// without a key, which the target rejects, then calls cancel and requests
// it again with the key, which the cancellation cuts short.
func profileExchanges(t *testing.T, cancel func()) sendFunc {
	return func(ctx context.Context, s *session) ([]*exchange, error) {
		rejected := s.do(ctx, call{operationID: opGetProfile})
		cancel()
		cut := s.do(ctx, call{operationID: opGetProfile, authorization: s.primary.authorization()})
		assert.ErrorIs(t, cut.Err, context.Cause(ctx), "the second request was cut short")
		return []*exchange{rejected, cut}, nil
	}
}

func TestCancelledCheckOutcome(t *testing.T) {
	cases := []struct {
		name       string
		cause      error // cause of the cancellation, or nil for context.Canceled
		run        func(t *testing.T, cancel func()) func(context.Context, *session) error
		want       Outcome
		wantReason string
	}{
		{
			name: "failure before the cut request",
			run: func(t *testing.T, cancel func()) func(context.Context, *session) error {
				return func(ctx context.Context, s *session) error {
					return eachExchange(ctx, s, profileExchanges(t, cancel), func(ex *exchange) error {
						return s.expectStatus(ex, http.StatusOK)
					})
				}
			},
			want: Fail, wantReason: "status 401, want 200",
		},
		{
			name: "failure of the cut request",
			run: func(t *testing.T, cancel func()) func(context.Context, *session) error {
				return func(ctx context.Context, s *session) error {
					exchanges, err := profileExchanges(t, cancel)(ctx, s)
					require.NoError(t, err)
					return s.expectStatus(exchanges[1], http.StatusOK)
				}
			},
			want: Skip, wantReason: "the run was cancelled during this check: context canceled",
		},
		{
			name:  "cut request with a cause",
			cause: errors.New("operator stopped the run"),
			run: func(t *testing.T, cancel func()) func(context.Context, *session) error {
				return func(ctx context.Context, s *session) error {
					exchanges, err := profileExchanges(t, cancel)(ctx, s)
					require.NoError(t, err)
					return s.expectStatus(exchanges[1], http.StatusOK)
				}
			},
			want: Skip, wantReason: "the run was cancelled during this check: operator stopped the run",
		},
		{
			name: "pass despite the cancellation",
			run: func(t *testing.T, cancel func()) func(context.Context, *session) error {
				return func(ctx context.Context, s *session) error {
					_, err := profileExchanges(t, cancel)(ctx, s)
					return err
				}
			},
			want: Pass,
		},
		{
			name: "panic after the cancellation",
			run: func(t *testing.T, cancel func()) func(context.Context, *session) error {
				return func(context.Context, *session) error {
					cancel()
					panic("boom")
				}
			},
			want: Fail, wantReason: "check panicked: boom",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newTestSession(t)
			ctx, cancelCause := context.WithCancelCause(context.Background())
			t.Cleanup(func() { cancelCause(nil) })
			cancel := func() { cancelCause(c.cause) }
			check := Check{OperationID: opGetProfile, Name: c.name, Provenance: Documented, run: c.run(t, cancel)}

			result := s.runCheck(ctx, check)

			assert.Equal(t, c.want, result.Outcome, result.Reason)
			assert.Contains(t, result.Reason, c.wantReason)
		})
	}
}
