package web

import (
	"net/http"

	"policydesk"
	"policydesk/drafts/accounts"
)

// pageAccountPassword shows the form to change one's own password.
func (s *Server) pageAccountPassword(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	s.render(w, r, http.StatusOK, "password", map[string]any{"Title": "Change your password",
		"Changed": r.URL.Query().Get("changed") == "1", "MinLength": accounts.MinPasswordLength})
}

// pageChangePassword changes the password, ends every other session and
// gives this browser a new session cookie.
func (s *Server) pageChangePassword(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	if err := formError(r); err != nil {
		s.pageError(w, r, err)
		return
	}
	current, next := r.PostFormValue("current_password"), r.PostFormValue("new_password")
	var err error
	if next != r.PostFormValue("repeat_password") {
		err = policydesk.Errorf(policydesk.EInvalid, "The two new passwords differ; type the same one twice.")
	}
	var token string
	var sess *accounts.Session
	if err == nil {
		token, sess, err = s.Accounts.ChangePassword(r.Context(), current, next)
	}
	switch code := policydesk.ErrorCode(err); {
	case err == nil:
		s.setSessionCookie(w, token, sess.ExpiresAt)
		http.Redirect(w, r, "/account/password?changed=1", http.StatusSeeOther)
	case code == policydesk.EInvalid || code == policydesk.ETooManyRequests:
		setRetryAfter(w, err)
		s.render(w, r, statusOf(err), "password", map[string]any{"Title": "Change your password",
			"Error": policydesk.ErrorMessage(err), "MinLength": accounts.MinPasswordLength})
	default:
		s.pageError(w, r, err)
	}
}

func (s *Server) apiMe(r *http.Request) (int, any, error) {
	u := policydesk.UserFromContext(r.Context())
	if u == nil {
		return 0, nil, policydesk.Errorf(policydesk.EUnauthorized, "Log in first.")
	}
	return http.StatusOK, toUserJSON(u), nil
}

// apiUpdateMe changes the caller's own password: {"old_password","password"}.
// Every session of the account ends; the answer carries a new token for a
// bearer client, or sets a new cookie for a browser.
func (s *Server) apiUpdateMe(w http.ResponseWriter, r *http.Request) {
	var in struct {
		OldPassword string `json:"old_password"`
		Password    string `json:"password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	if in.Password == "" || in.OldPassword == "" {
		s.apiError(w, r, policydesk.Errorf(policydesk.EInvalid, "Send the new password in \"password\" and the current one in \"old_password\"."))
		return
	}
	token, sess, err := s.Accounts.ChangePassword(r.Context(), in.OldPassword, in.Password)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	u := policydesk.UserFromContext(r.Context())
	out := map[string]any{"user": toUserJSON(u)}
	if rs := sessionFrom(r.Context()); rs != nil && rs.Cookie {
		s.setSessionCookie(w, token, sess.ExpiresAt)
	} else {
		out["token"] = token
	}
	writeJSON(w, http.StatusOK, out)
}
