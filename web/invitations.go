package web

import (
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/drafts/accounts"
)

// invitationRoutes: inviting people by e-mail (administrators and legal
// experts) and the invitee's page behind the link.
func (s *Server) invitationRoutes(api, pages *mux.Router) {
	api.HandleFunc("/invitations", s.api(s.apiInvite)).Methods(http.MethodPost)
	api.HandleFunc("/invitations", s.api(s.apiInvitations)).Methods(http.MethodGet)
	pages.HandleFunc("/invitations", s.page(s.pageInvitations)).Methods(http.MethodGet)
	pages.HandleFunc("/invitations", s.form(s.pageInvite)).Methods(http.MethodPost)
	pages.HandleFunc("/invitations/{login}/resend", s.form(s.pageResend)).Methods(http.MethodPost)
	pages.HandleFunc("/invite/{token}", s.pageInvitation).Methods(http.MethodGet)
	pages.HandleFunc("/invite/{token}", s.pageAcceptInvitation).Methods(http.MethodPost)
}

// invitationJSON is an invitation as the API shows it; Link only when mail
// is off, for the inviter to pass on.
type invitationJSON struct {
	User      userJSON  `json:"user"`
	Email     string    `json:"email"`
	InvitedBy string    `json:"invited_by"`
	ExpiresAt time.Time `json:"expires_at"`
	Link      string    `json:"link,omitempty"`
}

func toInvitationJSON(inv *accounts.Invitation) invitationJSON {
	return invitationJSON{User: toUserJSON(inv.User), Email: inv.Email, InvitedBy: inv.InvitedBy, ExpiresAt: inv.ExpiresAt.UTC()}
}

// apiInvite answers POST /invitations {"email","name","organisation",
// "language","role"}: 201 with the invited account and the link's expiry.
func (s *Server) apiInvite(r *http.Request) (int, any, error) {
	var in struct{ Email, Name, Organisation, Language, Role string }
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	inv, err := s.Accounts.Invite(r.Context(), accounts.InviteInput(in))
	if err != nil {
		return 0, nil, err
	}
	out := toInvitationJSON(inv)
	out.Link = s.invitationLink(r, inv)
	return http.StatusCreated, out, nil
}

// apiInvitations answers GET /invitations: the pending ones.
func (s *Server) apiInvitations(r *http.Request) (int, any, error) {
	pending, err := s.Accounts.PendingInvitations(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := make([]invitationJSON, len(pending))
	for i, inv := range pending {
		out[i] = toInvitationJSON(inv)
	}
	return http.StatusOK, map[string]any{"invitations": out}, nil
}

// invitationLink is the link to show the inviter: only when mail is off,
// since otherwise only the invitee's mailbox should hold it.
func (s *Server) invitationLink(r *http.Request, inv *accounts.Invitation) string {
	if s.Accounts.InvitationMail != nil || inv.Token == "" {
		return ""
	}
	base := s.BaseURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil || s.SecureCookies {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + "/invite/" + inv.Token
}

// invitationsData is the invitations page: the form and the pending list.
func (s *Server) invitationsData(r *http.Request, data map[string]any) (map[string]any, error) {
	pending, err := s.Accounts.PendingInvitations(r.Context())
	if err != nil {
		return nil, err
	}
	u := policydesk.UserFromContext(r.Context())
	data["Title"], data["Pending"], data["Now"] = s.tr(r, "invite.title"), pending, time.Now()
	data["MayChooseRole"], data["MailOn"], data["Languages"] = policydesk.IsAdmin(u), s.Accounts.InvitationMail != nil, accounts.Languages
	return data, nil
}

func (s *Server) pageInvitations(r *http.Request) (reply, error) {
	data, err := s.invitationsData(r, map[string]any{})
	return show("invitations", data), err
}

// pageInvite invites from the form; the page comes back with what was done
// (and the link when mail is off) or why it was refused.
func (s *Server) pageInvite(r *http.Request) (reply, error) {
	in := accounts.InviteInput{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Organisation: r.PostFormValue("organisation"),
		Language: r.PostFormValue("language"), Role: r.PostFormValue("role")}
	inv, err := s.Accounts.Invite(r.Context(), in)
	return s.invitedPage(r, inv, err, in)
}

// pageResend gives an invited account a new link.
func (s *Server) pageResend(r *http.Request) (reply, error) {
	inv, err := s.Accounts.Resend(r.Context(), mux.Vars(r)["login"])
	return s.invitedPage(r, inv, err, accounts.InviteInput{})
}

func (s *Server) invitedPage(r *http.Request, inv *accounts.Invitation, err error, in accounts.InviteInput) (reply, error) {
	code := policydesk.ErrorCode(err)
	if err != nil && code != policydesk.EInvalid && code != policydesk.EConflict && code != policydesk.EUnavailable {
		return reply{}, err
	}
	data := map[string]any{}
	if err != nil {
		data["Form"] = in
	} else {
		data["Notice"] = s.tr(r, "invite.sent", "Email", inv.Email)
		if link := s.invitationLink(r, inv); link != "" {
			data["Notice"], data["Link"] = s.tr(r, "invite.link_notice", "Email", inv.Email), link
		}
	}
	data, lerr := s.invitationsData(r, data)
	if lerr != nil {
		return reply{}, lerr
	}
	if err != nil {
		return showAgain("invitations", data, err), nil
	}
	return show("invitations", data), nil
}
