package spec_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callfluent/usermock/spec"
)

// secretsDoc declares every kind of security scheme and writeOnly
// properties at several depths of a request body.
const secretsDoc = `
openapi: 3.0.3
info: {title: secrets, version: "1"}
paths:
  /login:
    post:
      operationId: login
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                pin: {type: string, writeOnly: true}
                profile:
                  allOf:
                    - type: object
                      properties:
                        recovery_email: {type: string, writeOnly: true}
                devices:
                  type: array
                  items:
                    type: object
                    properties:
                      device_secret: {type: string, writeOnly: true}
                      label: {type: string}
              additionalProperties:
                type: object
                properties:
                  otp: {type: string, writeOnly: true}
      responses:
        "204": {description: done}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    headerKey: {type: apiKey, in: header, name: x-api-token}
    queryKey: {type: apiKey, in: query, name: access_key}
    cookieKey: {type: apiKey, in: cookie, name: session}
    oauth:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: "https://auth.example.com/token", scopes: {}}
`

func TestCredentialsNameEverySecretPlace(t *testing.T) {
	s, err := spec.Load([]byte(secretsDoc))
	require.NoError(t, err)

	assert.Equal(t, []spec.Credential{
		{Scheme: "bearer", In: "header", Name: "Authorization"},
		{Scheme: "cookieKey", In: "cookie", Name: "session"},
		{Scheme: "headerKey", In: "header", Name: "X-Api-Token"},
		{Scheme: "queryKey", In: "query", Name: "access_key"},
	}, s.Credentials())
}

func TestCredentialsOfDefaultSpec(t *testing.T) {
	assert.Equal(t, []spec.Credential{{Scheme: "bearerAuth", In: "header", Name: "Authorization"}}, loadDefault(t).Credentials())
}

func TestWriteOnlyNamesAtEveryDepth(t *testing.T) {
	s, err := spec.Load([]byte(secretsDoc))
	require.NoError(t, err)

	assert.Equal(t, []string{"device_secret", "otp", "pin", "recovery_email"}, s.WriteOnlyNames())
}

func TestWriteOnlyNamesOfDefaultSpec(t *testing.T) {
	assert.Equal(t, []string{"newPass", "oldPass", "smtp_password"}, loadDefault(t).WriteOnlyNames())
}

func TestValidateEmail(t *testing.T) {
	tests := []struct {
		value   string
		wantErr string
	}{
		{value: "a@example.com"},
		{value: "first.last+tag@mail.example.org"},
		{value: "not-an-email", wantErr: `"not-an-email" is not an email address`},
		{value: "Ann <a@example.com>", wantErr: `"Ann <a@example.com>" is not an email address`},
		{value: "<a@example.com>", wantErr: `"<a@example.com>" is not an email address`},
		{value: "a@localhost", wantErr: `"a@localhost" is not an email address: the domain has no dot`},
		{value: "", wantErr: `"" is not an email address`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			err := spec.ValidateEmail(tt.value)

			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tt.wantErr)
		})
	}
}

func TestIsSecretName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"smtp_password", true},
		{"OLD_PASSWD", true},
		{"pwd", true},
		{"client_secret", true},
		{"refresh_token", true},
		{"X-ApiKey", true},
		{"api_key", true},
		{"Api-Key", true},
		{"passport", false},
		{"smtp_username", false},
		{"website_name", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, spec.IsSecretName(tt.name))
		})
	}
}
