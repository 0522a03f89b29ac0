package contract

import (
	"regexp"
	"sort"
	"strings"

	"github.com/callfluent/usermock/spec"
)

// errorExamples returns the object examples of op's non-2xx JSON
// responses, ordered by status and then by example name.
func errorExamples(op spec.Operation) []map[string]any {
	responses := op.Operation.Responses.Map()
	codes := make([]string, 0, len(responses))
	for code := range responses {
		if !strings.HasPrefix(code, "2") {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)

	var examples []map[string]any
	for _, code := range codes {
		ref := responses[code]
		if ref == nil || ref.Value == nil {
			continue
		}
		media := ref.Value.Content.Get(jsonMediaType)
		if media == nil {
			continue
		}
		names := make([]string, 0, len(media.Examples))
		for name := range media.Examples {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			example := media.Examples[name]
			if example == nil || example.Value == nil {
				continue
			}
			if object, ok := example.Value.Value.(map[string]any); ok {
				examples = append(examples, object)
			}
		}
	}
	return examples
}

// domainErrorLead returns the lead phrase of the documented domain error of
// update-setting: the error example that names the request example's
// domain_name, up to its first comma. It returns "" when the spec has no
// such example.
func domainErrorLead(op spec.Operation) string {
	example, err := rawExampleBody(op, "0", "")
	if err != nil {
		return ""
	}
	domain, _ := dataOf(example)[fieldDomainName].(string)
	if domain == "" {
		return ""
	}
	for _, object := range errorExamples(op) {
		text, _ := object["error"].(string)
		if !strings.Contains(text, domain) {
			continue
		}
		lead, _, _ := strings.Cut(text, ",")
		return strings.TrimSpace(lead)
	}
	return ""
}

// hexColor matches a #RRGGBB colour.
var hexColor = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// uniqueValue returns a variant of an example string that the target is
// unlikely to hold already, so a write that is not stored shows: URLs get
// a query parameter, colours a random value, other text a suffix.
func uniqueValue(example, marker string) string {
	switch {
	case strings.HasPrefix(example, "http://") || strings.HasPrefix(example, "https://"):
		separator := "?"
		if strings.Contains(example, "?") {
			separator = "&"
		}
		return example + separator + "contract-check=" + marker
	case hexColor.MatchString(example):
		return "#" + strings.ToUpper(marker[:6])
	default:
		return example + " " + marker
	}
}
