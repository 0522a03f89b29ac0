package contract_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/contract"
	"github.com/callfluent/usermock/contract/fakes"
)

func TestProbeReachableTarget(t *testing.T) {
	_, server := startFake(t, fakes.Options{})

	assert.NoError(t, contract.Probe(context.Background(), server.URL, nil, time.Second))
}

func TestProbeClosedPortFails(t *testing.T) {
	server := httptest.NewServer(fakes.New(fakes.Options{}))
	url := server.URL
	server.Close()

	err := contract.Probe(context.Background(), url, nil, time.Second)

	require.Error(t, err)
	assert.Contains(t, err.Error(), "probe GET /user/profile")
}

func TestProbeSilentTargetTimesOut(t *testing.T) {
	release := make(chan struct{})
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(server.Close)
	t.Cleanup(func() { close(release) })

	start := time.Now()
	err := contract.Probe(context.Background(), server.URL, nil, 200*time.Millisecond)

	require.Error(t, err)
	assert.Less(t, time.Since(start), 5*time.Second)
}
