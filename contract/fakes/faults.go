package fakes

// Fault is one realistic defect that a fake server has on top of the
// conforming behaviour.
type Fault int

const (
	// None is the conforming server.
	None Fault = iota
	// ProfileWithoutEmail leaves user.email out of the profile.
	ProfileWithoutEmail
	// StatusAsString sends "status": "true" (a string) in success bodies.
	StatusAsString
	// AuthNotEnforced serves a request with a missing, malformed or unknown
	// key as the first account.
	AuthNotEnforced
	// UnknownKeyServed serves a well-formed Bearer header with an unknown
	// key as the first account.
	UnknownKeyServed
	// AnySchemeAccepted reads the key after any scheme, such as "Basic".
	AnySchemeAccepted
	// PasswordNotChanged returns success from reset-password but keeps the
	// old password.
	PasswordNotChanged
	// OldPasswordAccepted changes the password but keeps accepting every
	// earlier one as oldPass.
	OldPasswordAccepted
	// SettingsNotSaved returns success from update-setting but stores nothing.
	SettingsNotSaved
	// MessageKeyInErrors names the error text "message" instead of "error".
	MessageKeyInErrors
	// PasswordErrorUsesError names the wrong-current-password text "error"
	// instead of the documented "msg".
	PasswordErrorUsesError
	// PlainTextErrors sends error bodies as text/plain.
	PlainTextErrors
	// ErrorsAs500 sends every error with status 500.
	ErrorsAs500
	// UnauthorizedAs403 sends authentication failures with 403, not 401.
	UnauthorizedAs403
	// SMTPPasswordEchoed returns smtp_password in the updated user.
	SMTPPasswordEchoed
	// ForeignSettingsChanged applies update-setting and update-smtp-setting
	// to the account that data.userId names, not to the caller's.
	ForeignSettingsChanged
	// ForeignUserIDAccepted accepts another account's userId and applies the
	// write to the caller.
	ForeignUserIDAccepted
	// RequiredFieldNotEnforced accepts update-detail without phone_number.
	RequiredFieldNotEnforced
	// WrongTypeAccepted stores a non-string value of a string field as its
	// Go string form.
	WrongTypeAccepted
	// MalformedJSONAs500 sends 500 for a body that is not JSON.
	MalformedJSONAs500
	// TextContentTypeOnSuccess sends success bodies as text/plain.
	TextContentTypeOnSuccess
	// DomainNotChecked stores any domain_name without checking its A record.
	DomainNotChecked
	faultCount
)

var faultNames = [...]string{
	None:                     "None",
	ProfileWithoutEmail:      "ProfileWithoutEmail",
	StatusAsString:           "StatusAsString",
	AuthNotEnforced:          "AuthNotEnforced",
	UnknownKeyServed:         "UnknownKeyServed",
	AnySchemeAccepted:        "AnySchemeAccepted",
	PasswordNotChanged:       "PasswordNotChanged",
	OldPasswordAccepted:      "OldPasswordAccepted",
	SettingsNotSaved:         "SettingsNotSaved",
	MessageKeyInErrors:       "MessageKeyInErrors",
	PasswordErrorUsesError:   "PasswordErrorUsesError",
	PlainTextErrors:          "PlainTextErrors",
	ErrorsAs500:              "ErrorsAs500",
	UnauthorizedAs403:        "UnauthorizedAs403",
	SMTPPasswordEchoed:       "SMTPPasswordEchoed",
	ForeignSettingsChanged:   "ForeignSettingsChanged",
	ForeignUserIDAccepted:    "ForeignUserIDAccepted",
	RequiredFieldNotEnforced: "RequiredFieldNotEnforced",
	WrongTypeAccepted:        "WrongTypeAccepted",
	MalformedJSONAs500:       "MalformedJSONAs500",
	TextContentTypeOnSuccess: "TextContentTypeOnSuccess",
	DomainNotChecked:         "DomainNotChecked",
}

// String returns the fault's constant name.
func (f Fault) String() string {
	if f < 0 || f >= faultCount {
		return "Fault(invalid)"
	}
	return faultNames[f]
}

// Faults returns every fault except None.
func Faults() []Fault {
	faults := make([]Fault, 0, faultCount-1)
	for f := None + 1; f < faultCount; f++ {
		faults = append(faults, f)
	}
	return faults
}
