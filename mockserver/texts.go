package mockserver

import (
	"net/http"
	"net/netip"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/callfluent/usermock/spec"
)

// errorTexts are error messages that the contract documents as examples.
// Each falls back to the published wording when the contract lacks its
// example.
type errorTexts struct {
	// serverError is the error of every 500 that the mock sends for its own
	// failure: the example named serverError of a 500 response.
	serverError string

	// domain is the update-setting error for a custom domain without the
	// required A record: the example named domainNotPointing of its 400
	// response.
	domain domainTemplate
}

// fallbackServerError is the published server error message.
const fallbackServerError = "Server error"

// fallbackDomain is the published domain error, for app.automation.ai and
// the address 23.29.127.132.
var fallbackDomain = domainTemplate{
	text:    "Something is wrong with your domain, please check if A record is added correctly. app.automation.ai doesn't point to 23.29.127.132 correctly",
	domain:  "app.automation.ai",
	address: "23.29.127.132",
}

// newErrorTexts reads the messages of sp's examples.
func newErrorTexts(sp *spec.Spec) errorTexts {
	texts := errorTexts{serverError: fallbackServerError, domain: fallbackDomain}
	if op, ok := sp.Operation("updateUserSetting"); ok {
		text, _ := exampleText(op.Operation, http.StatusBadRequest, "domainNotPointing", "error")
		if template, ok := newDomainTemplate(text); ok {
			texts.domain = template
		}
	}
	for _, op := range sp.Operations() {
		if text, ok := exampleText(op.Operation, http.StatusInternalServerError, "serverError", "error"); ok {
			texts.serverError = text
			break
		}
	}
	return texts
}

// exampleText returns the non-empty string member of the example called
// name of op's response with status, in the media type that the mock sends.
func exampleText(op *openapi3.Operation, status int, name, member string) (string, bool) {
	resp := op.Responses.Status(status)
	if resp == nil || resp.Value == nil {
		return "", false
	}
	_, media := pickMediaType(resp.Value.Content)
	if media == nil || media.Examples[name] == nil || media.Examples[name].Value == nil {
		return "", false
	}
	value, _ := media.Examples[name].Value.Value.(map[string]any)
	text, _ := value[member].(string)
	return text, text != ""
}

// domainTemplate is the text of a domain error for one example domain and
// address, which message replaces.
type domainTemplate struct {
	text    string
	domain  string
	address string
}

// newDomainTemplate finds the domain name and the IPv4 address in text. It
// reports false unless text holds exactly one of each, apart from repeats.
func newDomainTemplate(text string) (domainTemplate, bool) {
	template := domainTemplate{text: text}
	for _, word := range strings.Fields(text) {
		word = strings.Trim(word, `.,;:!?"'()`)
		var found *string
		switch {
		case isIPv4(word):
			found = &template.address
		case isDomainName(word):
			found = &template.domain
		default:
			continue
		}
		if *found != "" && *found != word {
			return domainTemplate{}, false
		}
		*found = word
	}
	return template, template.domain != "" && template.address != ""
}

// message returns the error for domain and the required address.
func (t domainTemplate) message(domain, address string) string {
	return strings.NewReplacer(t.domain, domain, t.address, address).Replace(t.text)
}

func isIPv4(s string) bool {
	addr, err := netip.ParseAddr(s)
	return err == nil && addr.Is4()
}

// isDomainName reports whether s is two or more dot-separated labels of
// letters, digits and hyphens, the last of them letters only.
func isDomainName(s string) bool {
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, label := range labels {
		if label == "" || strings.Trim(label, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
			return false
		}
	}
	top := labels[len(labels)-1]
	return strings.Trim(top, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
}
