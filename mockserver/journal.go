package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
	"unicode/utf8"
)

// Journal sizes.
const (
	// maxJournalBody is the maximum number of bytes of one body kept in an entry.
	maxJournalBody = 16 << 10

	// entryOverhead estimates the bytes of an entry beyond its strings.
	entryOverhead = 256

	// maxShrunkField is the longest method, path or query kept in an entry
	// that had to shrink to fit the journal's byte bound.
	maxShrunkField = 256
)

// journalEntry is one request as GET /__mock/requests returns it, secrets
// redacted.
type journalEntry struct {
	ID             string              `json:"id"`
	Time           time.Time           `json:"time"`
	Method         string              `json:"method"`
	Path           string              `json:"path"`
	Query          string              `json:"query,omitempty"`
	Status         int                 `json:"status"`
	DurationMS     float64             `json:"duration_ms"`
	Account        string              `json:"account,omitempty"`
	RequestHeaders map[string][]string `json:"request_headers"`
	RequestBody    any                 `json:"request_body,omitempty"`
	ResponseBody   any                 `json:"response_body,omitempty"`

	// Note gives the reason why the headers and bodies are missing from an
	// entry that alone exceeded the journal's byte bound.
	Note string `json:"note,omitempty"`
}

// journalRecord is one request as the journal keeps it. Redaction runs
// when the journal is read, so serving a request only keeps references to
// data that it already holds. Until then the secrets stay in memory, and
// no output contains them.
type journalRecord struct {
	id           string
	time         time.Time
	method       string
	path         string
	rawQuery     string
	status       int
	elapsed      time.Duration
	account      string
	header       http.Header // never modified after the request
	requestBody  keptBody
	responseBody keptBody
	note         string
	size         int

	// secrets are those of the contract that served the request.
	secrets *secrets
}

// keptBody is a body as sent, or its rendered form when it was too large
// to keep whole.
type keptBody struct {
	raw      []byte
	rendered any
}

func (b keptBody) size() int {
	switch rendered := b.rendered.(type) {
	case string:
		return len(rendered)
	case json.RawMessage:
		// A body that shrank under maxBody when compacted and redacted.
		return len(rendered)
	}
	return len(b.raw)
}

// journal keeps the latest requests, bounded in entries and in estimated
// bytes (see recordSize), and drops the oldest entries first. A record that
// alone exceeds the byte bound loses its headers and bodies, and when even
// that does not fit, it is not kept. It is safe for concurrent use.
type journal struct {
	maxEntries int
	maxBytes   int
	maxBody    int

	mu      sync.Mutex
	records []journalRecord // oldest first; guarded by mu
	bytes   int             // estimated size of records; guarded by mu
}

func newJournal(maxEntries, maxBytes int) *journal {
	return &journal{
		maxEntries: maxEntries,
		maxBytes:   maxBytes,
		maxBody:    min(maxJournalBody, maxBytes/8),
	}
}

// add records the exchange.
func (j *journal) add(ex *exchange, r *http.Request, status int, elapsed time.Duration) {
	rec := journalRecord{
		id:           ex.id,
		time:         ex.start.UTC(),
		method:       r.Method,
		path:         r.URL.EscapedPath(),
		rawQuery:     r.URL.RawQuery,
		status:       status,
		elapsed:      elapsed,
		account:      ex.account,
		header:       ex.header,
		requestBody:  j.keepBody(ex.requestBody, ex.secrets),
		responseBody: j.keepBody(ex.responseBody, ex.secrets),
		secrets:      ex.secrets,
	}
	rec.size = recordSize(&rec)
	if rec.size > j.maxBytes {
		shrink(&rec, j.maxBytes)
		if rec.size > j.maxBytes {
			return
		}
	}

	j.mu.Lock()
	defer j.mu.Unlock()
	drop := 0
	for drop < len(j.records) && (len(j.records)-drop >= j.maxEntries || j.bytes+rec.size > j.maxBytes) {
		j.bytes -= j.records[drop].size
		j.records[drop] = journalRecord{}
		drop++
	}
	// Slicing off the front leaves the dropped slots in the array until
	// append moves the records to a new one, so the memory stays bounded.
	j.records = append(j.records[drop:], rec)
	j.bytes += rec.size
}

// shrink drops the headers and bodies of rec and cuts its method, path and
// query to maxShrunkField bytes, for a record larger than maxBytes.
func shrink(rec *journalRecord, maxBytes int) {
	rec.note = fmt.Sprintf("headers and bodies not recorded: the entry of %d bytes exceeds the journal's limit of %d bytes", rec.size, maxBytes)
	rec.header = nil
	rec.requestBody = keptBody{}
	rec.responseBody = keptBody{}
	rec.method = cutString(rec.method, maxShrunkField)
	rec.path = cutString(rec.path, maxShrunkField)
	rec.rawQuery = cutString(rec.rawQuery, maxShrunkField)
	rec.size = recordSize(rec)
}

// cutString returns s cut to at most limit bytes at a rune boundary.
func cutString(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// keepBody keeps body when it fits maxBody, and otherwise only its
// redacted and truncated form, so that no record holds more than about
// maxBody bytes of one body.
func (j *journal) keepBody(body []byte, secrets *secrets) keptBody {
	if len(body) <= j.maxBody {
		return keptBody{raw: body}
	}
	return keptBody{rendered: j.renderBody(body, secrets)}
}

// render returns the body as an entry shows it.
func (j *journal) render(b keptBody, secrets *secrets) any {
	if b.rendered != nil {
		return b.rendered
	}
	return j.renderBody(b.raw, secrets)
}

// entries returns the journal, oldest first, with secrets redacted.
func (j *journal) entries() []journalEntry {
	j.mu.Lock()
	records := slices.Clone(j.records)
	j.mu.Unlock()

	out := make([]journalEntry, 0, len(records))
	for _, rec := range records {
		out = append(out, journalEntry{
			ID:             rec.id,
			Time:           rec.time,
			Method:         rec.method,
			Path:           rec.path,
			Query:          rec.secrets.redactQuery(rec.rawQuery),
			Status:         rec.status,
			DurationMS:     float64(rec.elapsed.Microseconds()) / 1000,
			Account:        rec.account,
			RequestHeaders: rec.secrets.redactHeaders(rec.header),
			RequestBody:    j.render(rec.requestBody, rec.secrets),
			ResponseBody:   j.render(rec.responseBody, rec.secrets),
			Note:           rec.note,
		})
	}
	return out
}

// renderBody returns the body with secrets redacted, as JSON when it is
// JSON and fits maxBody, and otherwise as a string cut at maxBody. A body
// that is not JSON cannot be searched for secrets, so only its size is
// shown.
func (j *journal) renderBody(body []byte, secrets *secrets) any {
	if len(body) == 0 {
		return nil
	}
	clean, err := secrets.redactJSON(body)
	if err != nil {
		return fmt.Sprintf("[body of %d bytes not recorded: it is not valid JSON]", len(body))
	}
	if len(clean) <= j.maxBody {
		return json.RawMessage(clean)
	}
	cut := j.maxBody
	for cut > 0 && !utf8.RuneStart(clean[cut]) {
		cut--
	}
	return fmt.Sprintf("%s...[truncated; %d bytes in all]", clean[:cut], len(clean))
}

func recordSize(rec *journalRecord) int {
	size := entryOverhead + len(rec.id) + len(rec.method) + len(rec.path) + len(rec.rawQuery) + len(rec.account) + len(rec.note)
	for name, values := range rec.header {
		size += len(name)
		for _, v := range values {
			size += len(v)
		}
	}
	return size + rec.requestBody.size() + rec.responseBody.size()
}
