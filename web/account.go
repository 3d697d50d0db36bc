package web

import (
	"net/http"

	"policydesk"
	"policydesk/drafts/accounts"
)

// pageAccountPassword shows the form to change one's own password.
func (s *Server) pageAccountPassword(r *http.Request) (reply, error) {
	mail, err := s.mailSettingData(r)
	if err != nil {
		return reply{}, err
	}
	return show("password", s.accountData(map[string]any{"Title": s.tr(r, "password.heading"),
		"Changed": r.URL.Query().Get("changed") == "1", "MailSaved": r.URL.Query().Get("mail") == "1", "MailSetting": mail})), nil
}

// accountData adds what every state of the account page shows.
func (s *Server) accountData(data map[string]any) map[string]any {
	data["MinLength"] = accounts.MinPasswordLength
	return data
}

// pageChangePassword changes the password, ends every other session and
// gives this browser a new session cookie.
func (s *Server) pageChangePassword(r *http.Request) (reply, error) {
	current, next := r.PostFormValue("current_password"), r.PostFormValue("new_password")
	var err error
	if next != r.PostFormValue("repeat_password") {
		err = policydesk.Errorf(policydesk.EInvalid, "%s", s.tr(r, "password.differ"))
	}
	var token string
	var sess *accounts.Session
	if err == nil {
		token, sess, err = s.Accounts.ChangePassword(r.Context(), current, next)
	}
	switch code := policydesk.ErrorCode(err); {
	case err == nil:
		rep := seeOther("/account/password?changed=1")
		rep.cookie = s.newSessionCookie(token, sess.ExpiresAt)
		return rep, nil
	case code == policydesk.EInvalid || code == policydesk.ETooManyRequests:
		return showAgain("password", map[string]any{"Title": s.tr(r, "password.heading"), "MinLength": accounts.MinPasswordLength}, err), nil
	}
	return reply{}, err
}
