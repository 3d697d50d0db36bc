package web

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"policydesk"
	"policydesk/drafts/accounts"
)

const sessionCookie = "pd_session"

type sessionKey struct{}

// requestSession is how the request was authenticated.
type requestSession struct {
	Token   string
	Session *accounts.Session
	Cookie  bool // browser session: state changes need the CSRF token
	// CSRFChecked is true once the request's CSRF token was verified.
	CSRFChecked bool
}

func sessionFrom(ctx context.Context) *requestSession {
	rs, _ := ctx.Value(sessionKey{}).(*requestSession)
	return rs
}

// authenticate resolves a bearer token or session cookie to a user and puts
// both on the context. A request without credentials goes on anonymous; the
// handlers' service calls refuse it. Cookie sessions must send the CSRF token
// on every state-changing request.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(accounts.NewContextWithClient(r.Context(), s.clientAddress(r)))
		token, cookie := bearerToken(r), false
		if token == "" {
			if c, err := r.Cookie(sessionCookie); err == nil {
				token, cookie = c.Value, true
			}
		}
		if token == "" {
			next.ServeHTTP(w, r)
			return
		}
		sess, u, err := s.Accounts.Authenticate(r.Context(), token)
		if err != nil {
			if policydesk.ErrorCode(err) != policydesk.EUnauthorized {
				s.fail(w, r, err, 0)
				return
			}
			if cookie {
				s.clearSessionCookie(w)
				next.ServeHTTP(w, r) // continue anonymous: login page, redirects
				return
			}
			s.fail(w, r, err, 0)
			return
		}
		// The login form carries its own token, bound to the login cookie
		// (it is shown to anonymous browsers; see checkLoginForm); a login
		// from a browser that still holds a session must work, and replaces
		// that session rather than acting with it.
		// An upload form carries its token inside the streamed body; the
		// upload handler checks it before storing a byte of the file.
		checked := false
		if cookie && !safeMethod(r.Method) && !(r.Method == http.MethodPost && r.URL.Path == "/login") &&
			!(isUpload(r) && r.Header.Get("X-CSRF-Token") == "") {
			if err := checkCSRF(r, sess.CSRF); err != nil {
				s.fail(w, r, err, 0)
				return
			}
			checked = true
		}
		ctx := policydesk.NewContextWithUser(r.Context(), u)
		ctx = context.WithValue(ctx, sessionKey{}, &requestSession{Token: token, Session: sess, Cookie: cookie, CSRFChecked: checked})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// checkCSRF compares the token sent in the header (scripts) or the form field
// (pages) with the session's, in constant time. Multipart bodies (uploads)
// must send the header, so a large upload is never parsed just to find it.
func checkCSRF(r *http.Request, want string) error {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" && !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseForm(); err != nil {
			return bodyReadError(err)
		}
		got = r.PostFormValue("csrf_token")
	}
	if !constantTimeEqual(got, want) {
		return errCSRF
	}
	return nil
}

var errCSRF = policydesk.Errorf(policydesk.EForbidden, "The form has expired or did not come from Policy Desk; reload the page and try again.")

func constantTimeEqual(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, s.newSessionCookie(token, expires))
}

// newSessionCookie carries a browser's session token.
func (s *Server) newSessionCookie(token string, expires time.Time) *http.Cookie {
	return &http.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode}
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
}
