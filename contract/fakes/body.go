package fakes

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"sort"
)

// maxBody is the largest request body the fake reads, in bytes.
const maxBody = 1 << 20

// fieldRules describe the members of an operation's data object.
type fieldRules struct {
	required []string
	optional []string
	open     bool                      // other string members are custom fields
	patterns map[string]*regexp.Regexp // formats that a present member must match
}

// readData reads the JSON body and returns its data object as strings, or
// the reply that rejects it.
func (s *Server) readData(r *http.Request, rules fieldRules) (map[string]string, *reply) {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "application/json" {
		denied := failure(http.StatusUnsupportedMediaType, "content type %q is not supported; send application/json", mediaType)
		return nil, &denied
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(raw) > maxBody {
		denied := failure(http.StatusRequestEntityTooLarge, "request body exceeds the limit of %d bytes", maxBody)
		return nil, &denied
	}

	if !json.Valid(raw) {
		denied := failure(http.StatusBadRequest, "request body is not valid JSON")
		if s.opts.Fault == MalformedJSONAs500 {
			denied = failure(http.StatusInternalServerError, "Server error")
		}
		return nil, &denied
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		denied := failure(http.StatusBadRequest, "request body must be a JSON object")
		return nil, &denied
	}

	data, problem := s.checkBody(body, rules)
	if problem != "" {
		denied := failure(http.StatusBadRequest, "request body: %s", problem)
		return nil, &denied
	}
	return data, nil
}

// checkBody returns the data members as strings, or what is wrong.
func (s *Server) checkBody(body map[string]any, rules fieldRules) (map[string]string, string) {
	for key := range body {
		if key != "data" {
			return nil, fmt.Sprintf("member %q is not allowed; send only data", key)
		}
	}
	object, ok := body["data"].(map[string]any)
	if !ok {
		return nil, "data is missing or not an object"
	}

	names := make([]string, 0, len(object))
	for name := range object {
		names = append(names, name)
	}
	sort.Strings(names)

	data := map[string]string{}
	for _, name := range names {
		known := slices.Contains(rules.required, name) || slices.Contains(rules.optional, name)
		if !known && !rules.open {
			return nil, fmt.Sprintf("data.%s is not a field of this operation", name)
		}
		text, isString := object[name].(string)
		if !isString && s.opts.Fault != WrongTypeAccepted {
			return nil, fmt.Sprintf("data.%s must be a string", name)
		}
		if !isString {
			text = fmt.Sprint(object[name])
		}
		if pattern := rules.patterns[name]; pattern != nil && !pattern.MatchString(text) {
			return nil, fmt.Sprintf("data.%s has an invalid format", name)
		}
		data[name] = text
	}

	for _, name := range rules.required {
		if data[name] == "" {
			return nil, fmt.Sprintf("data.%s is missing", name)
		}
	}
	return data, ""
}
