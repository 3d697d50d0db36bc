package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"policydesk"
	"policydesk/drafts/accounts"
)

// loginCookie carries the login form's CSRF token before there is a session
// (double submit): another site can neither read it nor set the form field
// to match, so it cannot log a victim's browser in to the attacker's account.
const loginCookie = "pd_login"

var errForeignOrigin = policydesk.Errorf(policydesk.EForbidden, "The login did not come from a Policy Desk page; open the login page and try again.")

func (s *Server) pageLogin(w http.ResponseWriter, r *http.Request) {
	if policydesk.UserFromContext(r.Context()) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, map[string]any{"Next": r.URL.Query().Get("next")})
}

// renderLogin shows the login form with a token matching the browser's
// login cookie, setting one if the browser has none.
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, data map[string]any) {
	data["Title"] = s.tr(r, "login.title")
	data["LoginCSRF"] = s.loginToken(w, r)
	s.render(w, r, status, "login", data)
}

func (s *Server) loginToken(w http.ResponseWriter, r *http.Request) string {
	return s.preSessionToken(w, r, loginCookie, "/login")
}

// preSessionToken is the CSRF token of a form sent before there is a
// session (double submit), kept in the cookie name on path.
func (s *Server) preSessionToken(w http.ResponseWriter, r *http.Request, name, path string) string {
	if c, err := r.Cookie(name); err == nil && validLoginToken(c.Value) {
		return c.Value
	}
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: name, Value: token, Path: path, MaxAge: int(accounts.SessionTTL.Seconds()),
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
	return token
}

func validLoginToken(t string) bool {
	if len(t) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(t)
	return err == nil
}

func (s *Server) pageLoginSubmit(w http.ResponseWriter, r *http.Request) {
	if err := formError(r); err != nil {
		s.pageError(w, r, err)
		return
	}
	login, next := r.PostFormValue("login"), r.PostFormValue("next")
	form := map[string]any{"Login": login, "Next": next}
	if err := checkLoginForm(r); err != nil {
		form["Error"] = s.errorMessage(r, err)
		s.renderLogin(w, r, statusOf(err), form)
		return
	}
	token, sess, _, err := s.Accounts.Login(r.Context(), login, r.PostFormValue("password"))
	if err != nil {
		if policydesk.ErrorCode(err) == policydesk.EInternal || policydesk.ErrorCode(err) == policydesk.EUnavailable {
			s.pageError(w, r, err)
			return
		}
		setRetryAfter(w, err)
		form["Error"] = s.errorMessage(r, err)
		s.renderLogin(w, r, statusOf(err), form)
		return
	}
	// A fresh token at every login: a session id planted before login is useless.
	if rs := sessionFrom(r.Context()); rs != nil {
		if err := s.Accounts.ReplaceSession(r.Context(), rs.Token); err != nil {
			s.Logger.Warn("login: the session it replaces did not end", "err", err)
		}
	}
	s.setSessionCookie(w, token, sess.ExpiresAt)
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

// checkLoginForm refuses a login form that another site made the browser
// send: the Origin (or, without one, the Referer) must name this host, and
// the form's token must match the login cookie.
func checkLoginForm(r *http.Request) error { return checkPreSessionForm(r, loginCookie) }

// checkPreSessionForm is checkLoginForm for the form whose token is in
// the cookie name.
func checkPreSessionForm(r *http.Request, name string) error {
	if err := checkOrigin(r); err != nil {
		return err
	}
	c, err := r.Cookie(name)
	if err != nil || !constantTimeEqual(r.PostFormValue("csrf_token"), c.Value) {
		return errCSRF
	}
	return nil
}

// checkOrigin refuses a request whose Origin, or Referer when there is no
// Origin, names another host than the one the request was sent to. A
// request with neither (a script, not a browser) passes.
func checkOrigin(r *http.Request) error {
	if o := r.Header.Get("Origin"); o != "" {
		if !sameHost(o, r.Host) {
			return errForeignOrigin
		}
		return nil
	}
	if ref := r.Header.Get("Referer"); ref != "" && !sameHost(ref, r.Host) {
		return errForeignOrigin
	}
	return nil
}

func sameHost(raw, host string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && strings.EqualFold(u.Host, host)
}

// safeNext keeps post-login redirects on this site: only a printable ASCII
// path that starts with one slash, with no scheme or host once parsed, and
// no backslash, control character or leading "//" even after
// percent-decoding. Browsers drop tabs and newlines from URLs and read "\"
// as "/", so "/\t/evil.example" would otherwise leave the site.
func safeNext(next string) string {
	const home = "/documents"
	if next == "" || len(next) > 2048 || next[0] != '/' {
		return home
	}
	for i := 0; i < len(next); i++ {
		if c := next[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return home
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || strings.HasPrefix(next, "//") {
		return home
	}
	decoded, err := url.PathUnescape(next)
	if err != nil || strings.HasPrefix(decoded, "//") || strings.HasPrefix(u.Path, "//") {
		return home
	}
	for i := 0; i < len(decoded); i++ {
		if c := decoded[i]; c < ' ' || c == 0x7f || c == '\\' {
			return home
		}
	}
	return next
}

// pageLogout ends the browser's session.
func (s *Server) pageLogout(w http.ResponseWriter, r *http.Request) {
	if rs := sessionFrom(r.Context()); rs != nil {
		if err := s.Accounts.Logout(r.Context(), rs.Token); err != nil {
			s.pageError(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
