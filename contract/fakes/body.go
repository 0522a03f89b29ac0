package fakes

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"regexp"
	"slices"
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

// requestBody is a request's body as read before routing, or the error
// that ended the read.
type requestBody struct {
	raw []byte
	err error
}

// readBody reads at most maxBody bytes of the request body.
func readBody(w http.ResponseWriter, r *http.Request) requestBody {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	return requestBody{raw: raw, err: err}
}

// readData decodes the JSON body and returns its data object as strings,
// or the reply that rejects it: 413 for a body over maxBody, 400 for a
// body that could not be read, such as one cut short.
func (s *Server) readData(r *http.Request, body requestBody, rules fieldRules) (map[string]string, *reply) {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "application/json" {
		denied := failure(http.StatusUnsupportedMediaType, "content type %q is not supported; send application/json", mediaType)
		return nil, &denied
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(body.err, &tooLarge):
		denied := failure(http.StatusRequestEntityTooLarge, "request body exceeds the limit of %d bytes", maxBody)
		return nil, &denied
	case body.err != nil:
		denied := failure(http.StatusBadRequest, "read request body: %v", body.err)
		return nil, &denied
	}
	raw := body.raw

	if !json.Valid(raw) {
		denied := failure(http.StatusBadRequest, "request body is not valid JSON")
		if s.opts.Fault == MalformedJSONAs500 {
			denied = failure(http.StatusInternalServerError, "Server error")
		}
		return nil, &denied
	}
	var object map[string]any
	if err := json.Unmarshal(raw, &object); err != nil {
		denied := failure(http.StatusBadRequest, "request body must be a JSON object")
		return nil, &denied
	}

	data, problem := s.checkBody(object, rules)
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

	data := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(object)) {
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
