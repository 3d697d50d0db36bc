package web

import (
	"net/http"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/drafts/accounts"
	"policydesk/web/i18n"
)

// inviteCookie carries the invitation form's CSRF token (double submit,
// as the login form's), on the invitation pages only.
const inviteCookie = "pd_invite"

// inInviteeLanguage puts the invitee's language, when they have one, in
// r's context: the page speaks it whoever opens the link.
func (s *Server) inInviteeLanguage(w http.ResponseWriter, r *http.Request, inv *accounts.Invitation) *http.Request {
	if inv == nil || !i18n.Supported(inv.User.Language) {
		return r
	}
	w.Header().Set("Content-Language", inv.User.Language)
	return r.WithContext(i18n.NewContext(r.Context(), s.catalog.For(inv.User.Language)))
}

// pageInvitation is the page behind the link: the invitee's name and a
// form to choose the password; a link no longer valid says why.
func (s *Server) pageInvitation(w http.ResponseWriter, r *http.Request) {
	inv, err := s.Accounts.OpenInvitation(r.Context(), mux.Vars(r)["token"])
	r = s.inInviteeLanguage(w, r, inv)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.renderInvitation(w, r, http.StatusOK, inv, map[string]any{})
}

func (s *Server) renderInvitation(w http.ResponseWriter, r *http.Request, status int, inv *accounts.Invitation, data map[string]any) {
	data["Title"], data["Invitee"] = s.tr(r, "invite.accept_title"), inv.User
	data["InviteCSRF"] = s.preSessionToken(w, r, inviteCookie, "/invite/")
	s.render(w, r, status, "invite", data)
}

// pageAcceptInvitation sets the password, spends the link and logs the
// invitee in, then sends them to their inbox.
func (s *Server) pageAcceptInvitation(w http.ResponseWriter, r *http.Request) {
	if err := formError(r); err != nil {
		s.pageError(w, r, err)
		return
	}
	token := mux.Vars(r)["token"]
	inv, err := s.Accounts.OpenInvitation(r.Context(), token)
	r = s.inInviteeLanguage(w, r, inv)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if err := checkPreSessionForm(r, inviteCookie); err != nil {
		s.renderInvitation(w, r, statusOf(err), inv, map[string]any{"Error": s.errorMessage(r, err)})
		return
	}
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("password2") {
		s.renderInvitation(w, r, http.StatusUnprocessableEntity, inv, map[string]any{"Error": s.tr(r, "invite.mismatch")})
		return
	}
	sessToken, sess, _, err := s.Accounts.AcceptInvitation(r.Context(), token, pw)
	if code := policydesk.ErrorCode(err); code == policydesk.EInvalid {
		s.renderInvitation(w, r, statusOf(err), inv, map[string]any{"Error": s.errorMessage(r, err)})
		return
	} else if err != nil {
		s.pageError(w, r, err)
		return
	}
	if rs := sessionFrom(r.Context()); rs != nil {
		if err := s.Accounts.ReplaceSession(r.Context(), rs.Token); err != nil {
			s.Logger.Warn("invitation: the session it replaces did not end", "err", err)
		}
	}
	s.setSessionCookie(w, sessToken, sess.ExpiresAt)
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
}
