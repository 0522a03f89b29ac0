package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// excerptLimit is the size in bytes of a request or response excerpt in a
// report.
const excerptLimit = 300

// exchange is one request the suite sent and the response it received.
type exchange struct {
	OperationID    string
	Method         string
	Path           string // the spec path plus any query, without the base URL
	RequestURI     string // the path and query as sent, with the base URL's path prefix; empty when not sent
	RequestHeader  http.Header
	RequestBody    []byte
	Status         int
	ResponseHeader http.Header
	ResponseBody   []byte
	Err            error  // transport failure; Status is 0 when set
	label          string // names the variant among several requests of one check
}

// accepted reports whether the target served the request: a 2xx status
// whose body, if a JSON object, does not carry "status": false.
func (ex *exchange) accepted() bool {
	if ex.Err != nil || ex.Status < 200 || ex.Status > 299 {
		return false
	}
	return !ex.statusFalse()
}

// statusFalse reports whether the body is a JSON object with "status": false.
func (ex *exchange) statusFalse() bool {
	var body struct {
		Status *bool `json:"status"`
	}
	if json.Unmarshal(ex.ResponseBody, &body) != nil || body.Status == nil {
		return false
	}
	return !*body.Status
}

// jsonBody decodes the response body.
func (ex *exchange) jsonBody() (any, error) {
	var value any
	decoder := json.NewDecoder(bytes.NewReader(ex.ResponseBody))
	decoder.UseNumber()
	if err := decoder.Decode(&value); err != nil {
		return nil, fmt.Errorf("response body is not JSON: %w", err)
	}
	return value, nil
}

// jsonObject decodes the response body as a JSON object.
func (ex *exchange) jsonObject() (map[string]any, error) {
	value, err := ex.jsonBody()
	if err != nil {
		return nil, err
	}
	object, ok := value.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("response body is JSON but not an object")
	}
	return object, nil
}

// hasJSONContentType reports whether the response's Content-Type is
// application/json or a +json media type.
func (ex *exchange) hasJSONContentType() bool {
	mediaType, _, err := mime.ParseMediaType(ex.ResponseHeader.Get("Content-Type"))
	if err != nil {
		return false
	}
	return mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")
}

// requestExcerpt returns the request line, the headers the suite set and
// the start of the body, cut to excerptLimit bytes after redaction. The
// request line shows the path as sent, with the base URL's path prefix,
// and leaves out the host.
func (ex *exchange) requestExcerpt(r *Redactor) string {
	target := ex.RequestURI
	if target == "" {
		target = ex.Path
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", ex.Method, target)
	writeHeaders(&b, ex.RequestHeader)
	if len(ex.RequestBody) > 0 {
		b.WriteString("\n")
		b.Write(ex.RequestBody)
	}
	return trimExcerpt(r.Redact(strings.TrimRight(b.String(), "\n")))
}

// responseExcerpt returns the status, the Content-Type and the start of the
// body, or the transport error, cut to excerptLimit bytes after redaction.
func (ex *exchange) responseExcerpt(r *Redactor) string {
	if ex.Err != nil {
		return trimExcerpt(r.Redact("no response: " + ex.Err.Error()))
	}

	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d %s\n", ex.Status, http.StatusText(ex.Status))
	subset := http.Header{}
	for _, name := range []string{"Content-Type", "Www-Authenticate", "Allow"} {
		if value := ex.ResponseHeader.Get(name); value != "" {
			subset.Set(name, value)
		}
	}
	writeHeaders(&b, subset)
	if len(ex.ResponseBody) > 0 {
		b.WriteString("\n")
		b.Write(ex.ResponseBody)
	}
	return trimExcerpt(r.Redact(strings.TrimRight(b.String(), "\n")))
}

func writeHeaders(b *strings.Builder, header http.Header) {
	for _, name := range slices.Sorted(maps.Keys(header)) {
		for _, value := range header[name] {
			fmt.Fprintf(b, "%s: %s\n", name, value)
		}
	}
}

// trimExcerpt cuts text to excerptLimit bytes on a UTF-8 boundary and
// appends the number of bytes cut.
func trimExcerpt(text string) string {
	if len(text) <= excerptLimit {
		return text
	}
	cut := excerptLimit
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d more bytes)", text[:cut], len(text)-cut)
}
