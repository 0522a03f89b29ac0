package browser

import (
	"context"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/mockserver"
	"github.com/callfluent/usermock/mocktest"
)

// browserTimeout bounds the whole test, browser start included.
const browserTimeout = 60 * time.Second

// pageTemplate is a client page that reads the profile, renames the
// website and reads the profile again, each by fetch from its own origin,
// and shows each response as "STATUS BODY". #status becomes "done", or
// "error: ..." when a fetch fails, for example on a CORS rejection.
var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>mock client</title></head>
<body>
<pre id="before"></pre><pre id="update"></pre><pre id="after"></pre>
<p id="status">running</p>
<script>
const mockURL = {{.MockURL}};
const apiKey = {{.APIKey}};
const userId = {{.UserID}};

async function call(method, path, body) {
  const init = {method, headers: {"Authorization": "Bearer " + apiKey}};
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(mockURL + path, init);
  return response.status + " " + await response.text();
}

async function main() {
  const show = (id, text) => { document.getElementById(id).textContent = text; };
  show("before", await call("GET", "/user/profile"));
  show("update", await call("POST", "/user/update-setting", {data: {userId, website_name: "renamed in browser"}}));
  show("after", await call("GET", "/user/profile"));
  show("status", "done");
}
main().catch(err => { document.getElementById("status").textContent = "error: " + err; });
</script>
</body></html>
`))

type pageData struct{ MockURL, APIKey, UserID string }

// pageServer returns an unstarted server for the client page. It listens
// on 127.0.0.1 on a port of its own, so the page's origin differs from the
// mock's, and its origin is known before the mock starts.
func pageServer(t *testing.T, data *pageData) (*httptest.Server, string) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := pageTemplate.Execute(w, data); err != nil {
			t.Errorf("render page: %v", err)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, "http://" + srv.Listener.Addr().String()
}

// chromiumPath returns Debian's Chromium. It skips the test when Chromium is
// missing, unless CI=true, where a missing browser fails the test.
func chromiumPath(t *testing.T) string {
	path, err := exec.LookPath("chromium")
	if err == nil {
		return path
	}
	message := "chromium not found in PATH: install Debian's package with apt-get install -y chromium"
	if os.Getenv("CI") == "true" {
		t.Fatal(message)
	}
	t.Skip(message)
	return ""
}

// newBrowser starts headless Chromium with a fresh profile and with every
// background connection turned off, because the machines that run this
// test may have no network beyond loopback.
func newBrowser(t *testing.T, ctx context.Context) context.Context {
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
	)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	// Cleanups run last in, first out: the browser stops, and the
	// allocator waits for its process, before t.TempDir is removed.
	t.Cleanup(cancelAlloc)
	t.Cleanup(cancelBrowser)
	return browserCtx
}

// runPage opens url in a new tab and returns the texts of #status,
// #before, #update and #after once the script has finished.
func runPage(t *testing.T, browser context.Context, url string) map[string]string {
	tab, cancel := chromedp.NewContext(browser)
	defer cancel()

	require.NoError(t, chromedp.Do(tab,
		chromedp.Navigate(url),
		chromedp.Poll[chromedp.Void](`document.getElementById("status").textContent !== "running"`),
	))
	texts := map[string]string{}
	for _, id := range []string{"status", "before", "update", "after"} {
		text, err := chromedp.Run(tab, chromedp.TextContent(chromedp.CSS("#"+id)))
		require.NoError(t, err)
		texts[id] = text
	}
	return texts
}

func TestBrowserUpdatesSettingCrossOrigin(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	defer cancel()
	browser := newBrowser(t, ctx)

	data := &pageData{}
	allowed, allowedOrigin := pageServer(t, data)
	rejected, _ := pageServer(t, data)
	mock := mocktest.New(t, mocktest.WithConfig(func(cfg *mockserver.Config) {
		cfg.CORSOrigins = []string{allowedOrigin}
	}))
	*data = pageData{MockURL: mock.URL, APIKey: mock.Primary().APIKey, UserID: mock.Primary().UserID}
	allowed.Start()
	rejected.Start()

	t.Run("allowed origin", func(t *testing.T) {
		texts := runPage(t, browser, allowed.URL)

		assert.Equal(t, "done", texts["status"])
		assert.Contains(t, texts["before"], `200 {`)
		assert.Contains(t, texts["before"], `"website_name":"callfluent"`)
		assert.Equal(t, `200 {"status":true}`, texts["update"])
		assert.Contains(t, texts["after"], `"website_name":"renamed in browser"`)
	})

	t.Run("other origin rejected", func(t *testing.T) {
		texts := runPage(t, browser, rejected.URL)

		assert.Equal(t, "error: TypeError: Failed to fetch", texts["status"])
		assert.Empty(t, texts["before"], "no response should reach the page")
	})
}
