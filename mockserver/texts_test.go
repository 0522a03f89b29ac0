package mockserver

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// domainExample is the error of the domainNotPointing example as
// openapi.yaml writes it.
const domainExample = `                    error: >-
                      Something is wrong with your domain, please check if A
                      record is added correctly. app.automation.ai doesn't
                      point to 23.29.127.132 correctly
`

// serverErrorExample is the error of the first serverError example.
const serverErrorExample = `              summary: The documented server error
              value:
                status: false
                error: Server error
`

func TestErrorTextsComeFromSpec(t *testing.T) {
	sp := editedSpec(t,
		domainExample, "                    error: \"Domain shop.example.org must have an A record for 10.0.0.9 (see the help page).\"\n",
		serverErrorExample, "              summary: The documented server error\n              value:\n                status: false\n                error: Internal failure, try later\n")
	ts := newTestServer(t, func(c *Config) { c.Spec = sp })
	ts.behaviours["getUserProfile"] = func(*call) (response, error) { panic("behaviour exploded") }

	domain := ts.post(t, "/user/update-setting", demoKey, `{"data":{"userId":"12","domain_name":"wrong.example.com"}}`)
	failure := ts.get(t, "/user/profile", demoKey)

	require.Equal(t, http.StatusBadRequest, domain.status, "body %s", domain.raw)
	assert.Equal(t, "Domain wrong.example.com must have an A record for 23.29.127.132 (see the help page).", domain.json["error"])
	require.Equal(t, http.StatusInternalServerError, failure.status)
	assert.Equal(t, "Internal failure, try later", failure.json["error"])
}

func TestErrorTextsFallBack(t *testing.T) {
	tests := []struct {
		name  string
		edits []string
	}{
		{name: "examples missing", edits: []string{
			"                domainNotPointing:\n", "                domainRenamed:\n",
			"            serverError:\n", "            failure:\n",
			"            serverError:\n", "            failure:\n",
		}},
		{name: "domain example without address", edits: []string{domainExample, "                    error: No address in this text\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			texts := newErrorTexts(editedSpec(t, tt.edits...))

			assert.Equal(t, fallbackDomain, texts.domain)
			assert.Equal(t, "Server error", texts.serverError)
			assert.Equal(t, "Something is wrong with your domain, please check if A record is added correctly. x.example.com doesn't point to 1.2.3.4 correctly",
				texts.domain.message("x.example.com", "1.2.3.4"))
		})
	}
}

func TestNewDomainTemplate(t *testing.T) {
	tests := []struct {
		name        string
		text        string
		wantDomain  string
		wantAddress string
		wantOK      bool
	}{
		{name: "published text", text: fallbackDomain.text, wantDomain: "app.automation.ai", wantAddress: "23.29.127.132", wantOK: true},
		{name: "quoted tokens", text: `Domain "a.example.com" must point to "1.2.3.4".`, wantDomain: "a.example.com", wantAddress: "1.2.3.4", wantOK: true},
		{name: "repeated domain", text: "a.example.com: a.example.com must point to 1.2.3.4", wantDomain: "a.example.com", wantAddress: "1.2.3.4", wantOK: true},
		{name: "no address", text: "a.example.com is wrong"},
		{name: "no domain", text: "must point to 1.2.3.4"},
		{name: "two domains", text: "a.example.com or b.example.com must point to 1.2.3.4"},
		{name: "two addresses", text: "a.example.com must point to 1.2.3.4 or 5.6.7.8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := newDomainTemplate(tt.text)

			assert.Equal(t, tt.wantOK, ok)
			if tt.wantOK {
				assert.Equal(t, tt.wantDomain, got.domain)
				assert.Equal(t, tt.wantAddress, got.address)
			}
		})
	}
}
