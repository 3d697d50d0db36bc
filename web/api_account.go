package web

import (
	"net/http"

	"policydesk"
)

// requireAPIUser answers 401 to a call without credentials, so an anonymous
// caller learns to log in rather than getting the 403 meant for a role.
// Logging in is the one call that needs no session.
func (s *Server) requireAPIUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if policydesk.UserFromContext(r.Context()) == nil && !(r.Method == http.MethodPost && r.URL.Path == "/api/v1/sessions") {
			s.apiError(w, r, policydesk.Errorf(policydesk.EUnauthorized, "Log in first: send Authorization: Bearer <token>."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) apiLogin(r *http.Request) (int, any, error) {
	var in struct{ Login, Password string }
	// decodeJSON insists on application/json, which no cross-site form can
	// send; a page of another site is refused by its Origin as well.
	if err := checkOrigin(r); err != nil {
		return 0, nil, err
	}
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	token, _, u, err := s.Accounts.Login(r.Context(), in.Login, in.Password)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, map[string]any{"token": token, "user": toUserJSON(u)}, nil
}

func (s *Server) apiLogout(r *http.Request) (int, any, error) {
	rs := sessionFrom(r.Context())
	if rs == nil {
		return 0, nil, policydesk.Errorf(policydesk.EUnauthorized, "Log in first.")
	}
	return http.StatusNoContent, nil, s.Accounts.Logout(r.Context(), rs.Token)
}

func (s *Server) apiMe(r *http.Request) (int, any, error) {
	u := policydesk.UserFromContext(r.Context())
	if u == nil {
		return 0, nil, policydesk.Errorf(policydesk.EUnauthorized, "Log in first.")
	}
	return http.StatusOK, toUserJSON(u), nil
}

// apiUpdateMe changes the caller's own account: the interface language
// ({"language":"sq|sr|en"}) or the password ({"old_password","password"}).
// A new password ends every session of the account; the answer carries a
// new token for a bearer client, or sets a new cookie for a browser.
func (s *Server) apiUpdateMe(w http.ResponseWriter, r *http.Request) {
	var in struct {
		OldPassword string  `json:"old_password"`
		Password    string  `json:"password"`
		Language    *string `json:"language"`
		Mail        *string `json:"mail"`
		Email       *string `json:"email"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	if (in.Mail != nil || in.Email != nil) && (in.Language != nil || in.Password != "" || in.OldPassword != "") {
		s.apiError(w, r, policydesk.Errorf(policydesk.EInvalid, "Change the mail setting in a request of its own."))
		return
	}
	if in.Mail != nil || in.Email != nil {
		s.api(func(r *http.Request) (int, any, error) { return s.apiSetMail(r, in.Mail, in.Email) })(w, r)
		return
	}
	if in.Language != nil && in.Password == "" && in.OldPassword == "" {
		u, err := s.Accounts.SetLanguage(r.Context(), *in.Language)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"user": toUserJSON(u)})
		return
	}
	if in.Language != nil {
		s.apiError(w, r, policydesk.Errorf(policydesk.EInvalid, "Change the language and the password in two requests."))
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
