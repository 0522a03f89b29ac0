package contract

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/callfluent/usermock/spec"
)

// Probe sends one GET without credentials to the path of the spec's first
// GET operation (the base URL itself when it has none) and returns an error
// when no HTTP response arrives within timeout. Any status counts as
// reachable. A nil sp means spec.Default().
func Probe(ctx context.Context, baseURL string, sp *spec.Spec, timeout time.Duration) error {
	if sp == nil {
		loaded, err := spec.Default()
		if err != nil {
			return fmt.Errorf("load embedded spec: %w", err)
		}
		sp = loaded
	}
	path := ""
	for _, op := range sp.Operations() {
		if op.Method == http.MethodGet {
			path = op.Path
			break
		}
	}

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	target := strings.TrimRight(baseURL, "/") + path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("build probe request for %q: %w", redactURL(baseURL), err)
	}

	resp, err := defaultClient(timeout).Do(req)
	if err != nil {
		return fmt.Errorf("probe GET %s: %w", path, err)
	}
	resp.Body.Close()
	return nil
}
