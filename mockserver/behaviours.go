package mockserver

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/callfluent/usermock/store"
)

// call is the input of a behaviour: the validated request and the account.
type call struct {
	r       *http.Request
	account string         // the API key's account; empty for an unsecured operation
	data    map[string]any // the body's "data" object; nil when absent
	store   *store.Store
}

// behaviour serves one operation from the store. The body and parameters
// have passed validation against the contract, so a behaviour may rely on
// the documented types. A returned error goes through errorResponse.
type behaviour func(c *call) (response, error)

// defaultBehaviours maps each documented operationId to its behaviour.
// Operations of the contract without one are answered from their examples.
func defaultBehaviours() map[string]behaviour {
	return map[string]behaviour{
		"getUserProfile":    getUserProfile,
		"updateUserDetail":  updateUserDetail,
		"resetUserPassword": resetUserPassword,
		"updateUserSetting": updateUserSetting,
		"updateSmtpSetting": updateSmtpSetting,
	}
}

func getUserProfile(c *call) (response, error) {
	profile, err := c.store.Profile(c.account)
	if err != nil {
		return response{}, err
	}
	return jsonResponse(http.StatusOK, map[string]any{
		"user":    map[string]any{"name": profile.Name, "email": profile.Email},
		"setting": profile.Setting,
	})
}

func updateUserDetail(c *call) (response, error) {
	agentID, err := agentIDParam(c.r)
	if err != nil {
		return response{}, err
	}

	custom := map[string]string{}
	for name, value := range c.data {
		if name == "phone_number" {
			continue
		}
		custom[name] = stringValue(value)
	}

	agents, err := c.store.UpdateDetail(c.account, agentID, stringValue(c.data["phone_number"]), custom)
	if err != nil {
		return response{}, err
	}
	list := make([]map[string]any, 0, len(agents))
	for _, agent := range agents {
		list = append(list, map[string]any{"id": agent.ID, "name": agent.Name})
	}
	return jsonResponse(http.StatusOK, map[string]any{"status": true, "data": list})
}

// agentIDParam returns the agent_id query parameter, or 0 when absent.
func agentIDParam(r *http.Request) (int, error) {
	raw := r.URL.Query().Get("agent_id")
	if raw == "" {
		return 0, nil
	}
	id, err := strconv.Atoi(raw)
	if err != nil {
		// Validation has accepted the value as an integer, so only an
		// integer beyond the range of int gets here.
		return 0, errBadQuery("agent_id", fmt.Sprintf("%q is not a usable agent id", raw))
	}
	return id, nil
}

func resetUserPassword(c *call) (response, error) {
	err := c.store.ResetPassword(c.account, stringValue(c.data["oldPass"]), stringValue(c.data["newPass"]))
	if err != nil {
		return response{}, err
	}
	return jsonResponse(http.StatusOK, map[string]any{"status": true})
}

func updateUserSetting(c *call) (response, error) {
	if err := c.checkOwnUserID(); err != nil {
		return response{}, err
	}

	fields := map[string]string{}
	for name, value := range c.data {
		if name != "userId" {
			fields[name] = stringValue(value)
		}
	}
	if err := c.store.UpdateSetting(c.account, fields); err != nil {
		return response{}, err
	}
	return jsonResponse(http.StatusOK, map[string]any{"status": true})
}

func updateSmtpSetting(c *call) (response, error) {
	if err := c.checkOwnUserID(); err != nil {
		return response{}, err
	}

	user, err := c.store.UpdateSMTP(c.account, store.SMTPSettings{
		Host:      stringValue(c.data["smtp_host"]),
		Port:      stringValue(c.data["smtp_port"]),
		Username:  stringValue(c.data["smtp_username"]),
		Password:  stringValue(c.data["smtp_password"]),
		FromName:  stringValue(c.data["from_name"]),
		FromEmail: stringValue(c.data["from_email"]),
	})
	if err != nil {
		return response{}, err
	}
	return jsonResponse(http.StatusOK, map[string]any{"status": true, "user": smtpUserBody(user)})
}

// smtpUserBody is the UpdatedUser body: no password field exists to send.
func smtpUserBody(user store.SMTPUser) map[string]any {
	body := map[string]any{
		"userId":        user.UserID,
		"name":          user.Name,
		"email":         user.Email,
		"smtp_host":     user.SMTPHost,
		"smtp_port":     user.SMTPPort,
		"smtp_username": user.SMTPUsername,
		"from_name":     user.FromName,
		"from_email":    user.FromEmail,
	}
	if user.PhoneNumber != "" {
		body["phone_number"] = user.PhoneNumber
	}
	return body
}

// checkOwnUserID rejects a data.userId other than the API key's account,
// including an id that no account has, so the response does not reveal
// which ids exist.
func (c *call) checkOwnUserID() error {
	userID := stringValue(c.data["userId"])
	if userID != c.account {
		return errForbidden(userID)
	}
	return nil
}

// stringValue returns v when it is a string and "" otherwise; the contract
// declares every field that the behaviours read as a string.
func stringValue(v any) string {
	s, _ := v.(string)
	return s
}
