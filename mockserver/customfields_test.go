package mockserver

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/store"
)

// detailBody returns an update-detail body with phone and the custom fields
// of members, a JSON fragment such as `"a":"1","b":"2"`.
func detailBody(phone, members string) string {
	if members == "" {
		return `{"data":{"phone_number":"` + phone + `"}}`
	}
	return `{"data":{"phone_number":"` + phone + `",` + members + `}}`
}

// customFields returns n members named prefix0, prefix1 and so on.
func customFields(prefix string, n int) string {
	members := make([]string, n)
	for i := range members {
		members[i] = fmt.Sprintf(`"%s%d":"v"`, prefix, i)
	}
	return strings.Join(members, ",")
}

func TestUpdateDetailCustomFieldLimits(t *testing.T) {
	longName := strings.Repeat("n", store.MaxCustomFieldName+1)
	tests := []struct {
		name       string
		stored     string // custom fields sent first, and accepted
		members    string
		wantStatus int
		wantError  string
		wantField  string
	}{
		{name: "fields at the limit", members: customFields("f", store.MaxCustomFields), wantStatus: http.StatusOK},
		{name: "value at the limit", members: `"note":"` + strings.Repeat("x", store.MaxCustomFieldValue) + `"`, wantStatus: http.StatusOK},
		{
			name:       "too many fields",
			members:    customFields("f", store.MaxCustomFields+1),
			wantStatus: http.StatusBadRequest,
			wantError:  "request body: data: the request sends 101 custom fields; the limit is 100 per account",
			wantField:  "data",
		},
		{
			name:       "too many with stored ones",
			stored:     customFields("old", store.MaxCustomFields),
			members:    customFields("new", 1),
			wantStatus: http.StatusBadRequest,
			wantError:  "request body: data: the account would hold 101 custom fields; the limit is 100 per account",
			wantField:  "data",
		},
		{
			name:       "value too long",
			members:    `"note":"` + strings.Repeat("x", store.MaxCustomFieldValue+1) + `"`,
			wantStatus: http.StatusBadRequest,
			wantError:  "request body: data.note: the value has 4097 bytes; the limit is 4096",
			wantField:  "data.note",
		},
		{
			name:       "name too long",
			members:    `"` + longName + `":"v"`,
			wantStatus: http.StatusBadRequest,
			wantError:  "request body: data." + longName[:maxQuotedValue] + "...: the name has 129 bytes; the limit is 128",
			wantField:  "data." + longName[:maxQuotedValue] + "...",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			require.Equal(t, http.StatusOK, ts.post(t, "/user/update-detail?agent_id=1", demoKey, detailBody("+1 555 0100", tt.stored)).status)
			before := ts.account(t, demoUserID)

			got := ts.post(t, "/user/update-detail", demoKey, detailBody("+1 555 0199", tt.members))

			require.Equal(t, tt.wantStatus, got.status, "body %.300s", got.raw)
			if tt.wantStatus == http.StatusOK {
				return
			}
			assert.Equal(t, false, got.json["status"])
			assert.Equal(t, tt.wantError, got.json["error"])
			assert.Equal(t, []string{tt.wantField}, violationFields(got.json))
			assert.Equal(t, before, ts.account(t, demoUserID), "a rejected update changes nothing")
		})
	}
}
