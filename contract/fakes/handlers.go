package fakes

import (
	"net/http"
	"net/mail"
	"regexp"
	"strconv"
)

// route is one operation of the API.
type route struct {
	method string
	fields func(Fault) fieldRules // nil for an operation without a body
	handle func(s *Server, caller *accountState, data map[string]string, r *http.Request) reply
}

var routes = map[string]route{
	"/user/profile":             {method: http.MethodGet, handle: (*Server).profile},
	"/user/update-detail":       {method: http.MethodPost, fields: detailFields, handle: (*Server).updateDetail},
	"/user/reset-password":      {method: http.MethodPost, fields: passwordFields, handle: (*Server).resetPassword},
	"/user/update-setting":      {method: http.MethodPost, fields: settingFields, handle: (*Server).updateSetting},
	"/user/update-smtp-setting": {method: http.MethodPost, fields: smtpFields, handle: (*Server).updateSMTP},
}

// requiredARecord is the address a custom domain must point to, and
// aRecords the fake's offline DNS.
const requiredARecord = "23.29.127.132"

var aRecords = map[string]string{
	"app.automation.ai": requiredARecord,
	"wrong.example.com": "192.0.2.10",
}

var (
	digits    = regexp.MustCompile(`^[0-9]+$`)
	phone     = regexp.MustCompile(`^\+?[0-9][0-9 ().-]{4,30}$`)
	color     = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)
	link      = regexp.MustCompile(`^https?://\S+$`)
	image     = regexp.MustCompile(`^(https?://\S+|data:image/[A-Za-z0-9.+-]+;base64,[A-Za-z0-9+/]+={0,2})$`)
	domain    = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$`)
	tcpPort   = regexp.MustCompile(`^[1-9][0-9]{0,4}$`)
	settingRe = map[string]*regexp.Regexp{
		"userId": digits, "domain_name": domain, "website_logo": image, "website_icon": image,
		"support_desk_url": link, "primary_color": color,
	}
)

func detailFields(f Fault) fieldRules {
	rules := fieldRules{required: []string{"phone_number"}, open: true,
		patterns: map[string]*regexp.Regexp{"phone_number": phone}}
	if f == RequiredFieldNotEnforced {
		rules.required = nil
	}
	return rules
}

func passwordFields(Fault) fieldRules {
	return fieldRules{required: []string{"oldPass", "newPass"}}
}

func settingFields(Fault) fieldRules {
	return fieldRules{
		required: []string{"userId"},
		optional: []string{"domain_name", "website_logo", "website_icon", "support_desk_url",
			"website_name", "website_description", "primary_color"},
		patterns: settingRe,
	}
}

func smtpFields(Fault) fieldRules {
	return fieldRules{
		required: []string{"userId", "smtp_host", "smtp_port", "smtp_username", "smtp_password", "from_name", "from_email"},
		patterns: map[string]*regexp.Regexp{"userId": digits, "smtp_port": tcpPort},
	}
}

func (s *Server) profile(caller *accountState, _ map[string]string, _ *http.Request) reply {
	user := map[string]any{"name": caller.Name, "email": caller.Email}
	if s.opts.Fault == ProfileWithoutEmail {
		delete(user, "email")
	}
	setting := map[string]any{}
	for name, value := range caller.Setting {
		setting[name] = value
	}
	return success(map[string]any{"user": user, "setting": setting})
}

func (s *Server) updateDetail(caller *accountState, data map[string]string, r *http.Request) reply {
	if raw := r.URL.Query().Get("agent_id"); raw != "" {
		id, err := strconv.Atoi(raw)
		if err != nil || id < 1 {
			return failure(http.StatusBadRequest, "agent_id %q must be a positive integer", raw)
		}
		if !hasAgent(caller, id) {
			return failure(http.StatusNotFound, "agent %d not found", id)
		}
	}
	for name, value := range data {
		caller.details[name] = value
	}
	return success(map[string]any{"status": true, "data": caller.Agents})
}

func hasAgent(a *accountState, id int) bool {
	for _, agent := range a.Agents {
		if agent.ID == id {
			return true
		}
	}
	return false
}

func (s *Server) resetPassword(caller *accountState, data map[string]string, _ *http.Request) reply {
	oldPass := data["oldPass"]
	accepted := oldPass == caller.Password
	if s.opts.Fault == OldPasswordAccepted {
		for _, former := range caller.formerPasswords {
			accepted = accepted || oldPass == former
		}
	}
	if !accepted {
		return reply{status: http.StatusBadRequest, errText: "Please input correct current password", passwordError: true}
	}
	if s.opts.Fault != PasswordNotChanged {
		caller.formerPasswords = append(caller.formerPasswords, caller.Password)
		caller.Password = data["newPass"]
	}
	return success(map[string]any{"status": true})
}

// target returns the account a write with data.userId applies to, or the
// reply that rejects a userId of another account.
func (s *Server) target(caller *accountState, userID string) (*accountState, *reply) {
	if userID == caller.UserID {
		return caller, nil
	}
	other := s.byUserID(userID)
	switch {
	case s.opts.Fault == ForeignUserIDAccepted:
		return caller, nil
	case s.opts.Fault == ForeignSettingsChanged && other != nil:
		return other, nil
	}
	denied := failure(http.StatusForbidden, "data.userId %q does not belong to the API key's account", userID)
	return nil, &denied
}

func (s *Server) updateSetting(caller *accountState, data map[string]string, _ *http.Request) reply {
	account, denied := s.target(caller, data["userId"])
	if denied != nil {
		return *denied
	}
	if name := data["domain_name"]; name != "" && s.opts.Fault != DomainNotChecked && aRecords[name] != requiredARecord {
		return failure(http.StatusBadRequest, "Something is wrong with your domain, please check if A record is "+
			"added correctly. %s doesn't point to %s correctly", name, requiredARecord)
	}
	if s.opts.Fault != SettingsNotSaved {
		for name, value := range data {
			if name != "userId" {
				account.Setting[name] = value
			}
		}
	}
	return success(map[string]any{"status": true})
}

func (s *Server) updateSMTP(caller *accountState, data map[string]string, _ *http.Request) reply {
	if address, err := mail.ParseAddress(data["from_email"]); err != nil || address.Address != data["from_email"] {
		return failure(http.StatusBadRequest, "request body: data.from_email is not an email address")
	}
	if port, err := strconv.Atoi(data["smtp_port"]); err != nil || port > 65535 {
		return failure(http.StatusBadRequest, "request body: data.smtp_port must be a TCP port from 1 to 65535")
	}
	account, denied := s.target(caller, data["userId"])
	if denied != nil {
		return *denied
	}
	for name, value := range data {
		if name != "userId" {
			account.smtp[name] = value
		}
	}

	user := map[string]any{"userId": account.UserID, "name": account.Name, "email": account.Email}
	for _, name := range []string{"smtp_host", "smtp_port", "smtp_username", "from_name", "from_email"} {
		user[name] = account.smtp[name]
	}
	if phoneNumber := account.details["phone_number"]; phoneNumber != "" {
		user["phone_number"] = phoneNumber
	}
	if s.opts.Fault == SMTPPasswordEchoed {
		user["smtp_password"] = account.smtp["smtp_password"]
	}
	return success(map[string]any{"status": true, "user": user})
}
