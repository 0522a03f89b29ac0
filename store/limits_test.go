package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/store"
)

// fields returns n custom fields named prefix0, prefix1 and so on.
func fields(prefix string, n int) map[string]string {
	out := make(map[string]string, n)
	for i := range n {
		out[fmt.Sprintf("%s%d", prefix, i)] = "v"
	}
	return out
}

func TestUpdateDetailLimitsCustomFields(t *testing.T) {
	tests := []struct {
		name      string
		stored    map[string]string // sent first, and accepted
		update    map[string]string
		wantField string
		wantError string // empty when the update is accepted
	}{
		{name: "fields at the limit", update: fields("f", store.MaxCustomFields)},
		{name: "value at the limit", update: map[string]string{"note": strings.Repeat("x", store.MaxCustomFieldValue)}},
		{name: "name at the limit", update: map[string]string{strings.Repeat("n", store.MaxCustomFieldName): "v"}},
		{name: "stored fields replaced", stored: fields("f", store.MaxCustomFields), update: fields("f", store.MaxCustomFields)},
		{
			name:      "too many in one request",
			update:    fields("f", store.MaxCustomFields+1),
			wantError: "custom fields: the request sends 101 custom fields; the limit is 100 per account",
		},
		{
			name:      "too many with stored ones",
			stored:    fields("old", store.MaxCustomFields-1),
			update:    fields("new", 2),
			wantError: "custom fields: the account would hold 101 custom fields; the limit is 100 per account",
		},
		{
			name:      "value too long",
			update:    map[string]string{"a": "v", "note": strings.Repeat("x", store.MaxCustomFieldValue+1)},
			wantField: "note",
			wantError: `custom field "note": the value has 4097 bytes; the limit is 4096`,
		},
		{
			name:      "name too long",
			update:    map[string]string{strings.Repeat("n", store.MaxCustomFieldName+1): "v"},
			wantField: strings.Repeat("n", store.MaxCustomFieldName+1),
			wantError: fmt.Sprintf("custom field %q: the name has 129 bytes; the limit is 128", strings.Repeat("n", store.MaxCustomFieldName+1)),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			_, err := s.UpdateDetail("12", 0, "+1 111 1111111", tt.stored)
			require.NoError(t, err)
			before, err := s.Account("12")
			require.NoError(t, err)

			_, err = s.UpdateDetail("12", 0, "+1 222 2222222", tt.update)

			after, accErr := s.Account("12")
			require.NoError(t, accErr)
			if tt.wantError == "" {
				require.NoError(t, err)
				assert.Equal(t, "+1 222 2222222", after.PhoneNumber)
				assert.LessOrEqual(t, len(after.Custom), store.MaxCustomFields)
				return
			}
			var limitErr *store.CustomFieldLimitError
			require.True(t, errors.As(err, &limitErr), "got %v", err)
			assert.EqualError(t, err, tt.wantError)
			assert.Equal(t, tt.wantField, limitErr.Field)
			assert.Equal(t, before, after, "a rejected update changes nothing")
		})
	}
}
