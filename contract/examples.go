package contract

import (
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/callfluent/usermock/spec"
)

// errorStatusCodes returns the response codes of op that are not 2xx, such
// as "400" and "default", in string order.
func errorStatusCodes(op spec.Operation) []string {
	var codes []string
	for _, code := range slices.Sorted(maps.Keys(op.Operation.Responses.Map())) {
		if !strings.HasPrefix(code, "2") {
			codes = append(codes, code)
		}
	}
	return codes
}

// errorExamples returns the object examples of op's non-2xx JSON
// responses, ordered by status and then by their order in the document.
func errorExamples(op spec.Operation) []map[string]any {
	responses := op.Operation.Responses.Map()
	var examples []map[string]any
	for _, code := range errorStatusCodes(op) {
		ref := responses[code]
		if ref == nil || ref.Value == nil {
			continue
		}
		media := ref.Value.Content.Get(jsonMediaType)
		if media == nil {
			continue
		}
		for _, name := range spec.OrderedExamples(media.Examples) {
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

// uniqueValue returns a variant of an example string that the target is
// unlikely to hold already, so a write that is not stored shows. It
// returns the first variant that satisfies property, the field's schema
// (nil accepts any string), or false when none does. The variants are the
// URL with a query parameter added, the text with the marker appended, and
// the text with each hexadecimal digit replaced by one of the marker's,
// in lower and then in upper case. The last two keep the shape of a value
// such as a #RRGGBB colour.
func uniqueValue(example, marker string, property *openapi3.Schema) (string, bool) {
	var variants []string
	if strings.HasPrefix(example, "http://") || strings.HasPrefix(example, "https://") {
		separator := "?"
		if strings.Contains(example, "?") {
			separator = "&"
		}
		variants = append(variants, example+separator+"contract-check="+marker)
	}
	swapped := swapHexDigits(example, marker)
	variants = append(variants, example+" "+marker, swapped, strings.ToUpper(swapped))

	for _, variant := range variants {
		if variant == example {
			continue
		}
		if property == nil || property.VisitJSON(variant, spec.SchemaOptions()...) == nil {
			return variant, true
		}
	}
	return "", false
}

// swapHexDigits replaces each hexadecimal digit of text with the next
// character of marker, a string of lower-case hexadecimal digits, cycling
// through it.
func swapHexDigits(text, marker string) string {
	if marker == "" {
		return text
	}
	var b strings.Builder
	next := 0
	for _, r := range text {
		if strings.ContainsRune("0123456789abcdefABCDEF", r) {
			b.WriteByte(marker[next%len(marker)])
			next++
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
