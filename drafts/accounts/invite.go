package accounts

import (
	"context"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"policydesk"
	"policydesk/drafts/textkit"
)

// DefaultInvitationTTL is how long an invitation link works.
const DefaultInvitationTTL = 7 * 24 * time.Hour

// Invitation is the one-time link that lets an invited person choose the
// password of the account made for them. Only the SHA-256 of the token is
// stored, as for sessions.
type Invitation struct {
	User      *policydesk.User
	Email     string // lower-cased
	TokenHash string
	InvitedBy string // the inviter's login
	CreatedAt time.Time
	ExpiresAt time.Time
	SpentAt   time.Time // zero while the invitation is pending
	// Token is the secret of the link, known only to the call that made
	// it (Invite, Resend); it is never stored or read back.
	Token string
}

// InviteInput is who to invite. Role "" is reviewer; Language "" leaves
// the choice to the installation (and later the invitee's browser).
type InviteInput struct {
	Email, Name, Organisation, Language, Role string
}

// InvitationMailer sends the mail with the link of inv (its Token) to
// inv.Email, in the invitee's language.
type InvitationMailer interface {
	MailInvitation(ctx context.Context, inv *Invitation) error
}

// InvitationStore keeps invitations with the accounts they make.
type InvitationStore interface {
	// FindUserByEmail returns the account whose e-mail address is email
	// (compared without case); ENOTFOUND when there is none.
	FindUserByEmail(ctx context.Context, email string) (*policydesk.User, error)
	// CreateInvitation makes the account inv.User (invited, with inv.Email
	// as its address; sets its ID) and the invitation, in one transaction.
	// ECONFLICT when the login is taken or the address has a pending
	// invitation.
	CreateInvitation(ctx context.Context, inv *Invitation, audit *policydesk.AuditEntry) error
	// RenewInvitation gives the pending invitation of inv.User.ID the token
	// hash, times and inviter of inv, and sets inv.Email from it; ENOTFOUND
	// when none is pending.
	RenewInvitation(ctx context.Context, inv *Invitation, audit *policydesk.AuditEntry) error
	// FindInvitation returns the invitation with tokenHash, with its
	// account; ENOTFOUND when there is none.
	FindInvitation(ctx context.Context, tokenHash string) (*Invitation, error)
	// FindPendingInvitations lists the invitations not spent, newest first.
	FindPendingInvitations(ctx context.Context) ([]*Invitation, error)
	// AcceptInvitation spends the invitation with tokenHash, gives its
	// account passwordHash, ends its invited state and opens sess for it,
	// in one transaction: ErrInvitationUsed or ErrInvitationExpired (at
	// sess.CreatedAt) when it may no longer be spent, and nothing written.
	AcceptInvitation(ctx context.Context, tokenHash, passwordHash string, sess *Session, audit *policydesk.AuditEntry) (*policydesk.User, error)
}

// The refusals of an invitation link that no longer works.
var (
	ErrInvitationUnknown = policydesk.Errorf(policydesk.ENotFound, "This invitation link is not valid; ask the person who invited you for a new one.")
	ErrInvitationUsed    = policydesk.Errorf(policydesk.EConflict, "This invitation has already been used; log in with the password you chose.")
	ErrInvitationExpired = policydesk.Errorf(policydesk.EForbidden, "This invitation link has expired; ask the person who invited you for a new one.")
)

// mayInvite: administrators and legal experts (editors) invite.
func mayInvite(u *policydesk.User) error {
	if u == nil || u.Disabled || (u.Role != policydesk.RoleAdmin && u.Role != policydesk.RoleEditor) {
		return policydesk.Errorf(policydesk.EForbidden, "Only an administrator or a legal expert can invite people.")
	}
	return nil
}

// Invite makes an invited account for in.Email, which cannot log in until
// its invitee chooses a password through the link, and mails the link when
// mail is on. Only administrators and editors invite, and only an
// administrator gives another role than reviewer. An address already used
// by an account is refused, naming it, unless that account is still
// invited: then its link is replaced by a new one. The returned
// invitation carries the Token.
func (s *Service) Invite(ctx context.Context, in InviteInput) (*Invitation, error) {
	actor := policydesk.UserFromContext(ctx)
	if err := mayInvite(actor); err != nil {
		return nil, err
	}
	in, err := checkInvite(actor, in)
	if err != nil {
		return nil, err
	}
	// A concurrent invitation of the same address or login makes the store
	// refuse (ECONFLICT); looking again then finds what it made.
	for range 5 {
		inv, raced, err := s.inviteOnce(ctx, in)
		if !raced {
			return inv, err
		}
	}
	return nil, policydesk.Errorf(policydesk.EConflict, "Another invitation for %s was made at the same time; try again.", in.Email)
}

// inviteOnce invites or re-invites; raced reports that another invitation
// took the login or the address meanwhile.
func (s *Service) inviteOnce(ctx context.Context, in InviteInput) (inv *Invitation, raced bool, err error) {
	u, err := s.Users.FindUserByEmail(ctx, in.Email)
	if err == nil && !u.Invited {
		return nil, false, policydesk.Errorf(policydesk.EConflict, "The e-mail address %s is already used by the account %s.", in.Email, u.Login).On("email")
	} else if err == nil {
		inv, err = s.renew(ctx, u, in.Email)
		return inv, false, err
	} else if policydesk.ErrorCode(err) != policydesk.ENotFound {
		return nil, false, err
	}
	login, err := s.freeLogin(ctx, in.Email)
	if err != nil {
		return nil, false, err
	}
	u = &policydesk.User{Login: login, Name: in.Name, Organisation: in.Organisation, Role: in.Role,
		Language: in.Language, Invited: true, CreatedAt: s.Now().UTC()}
	inv = s.newInvitation(ctx, u, in.Email)
	audit := s.audit(ctx, "user.invite", "user", login, "role: %s", policydesk.RoleWords(in.Role))
	if err := s.Users.CreateInvitation(ctx, inv, audit); policydesk.ErrorCode(err) == policydesk.EConflict {
		return nil, true, nil
	} else if err != nil {
		return nil, false, err
	}
	return inv, false, s.mail(ctx, inv)
}

// Resend gives the invited account login a new link (the old one stops
// working) and mails it.
func (s *Service) Resend(ctx context.Context, login string) (*Invitation, error) {
	if err := mayInvite(policydesk.UserFromContext(ctx)); err != nil {
		return nil, err
	}
	u, err := s.Users.FindUserByLogin(ctx, login)
	if err != nil {
		return nil, err
	}
	if !u.Invited {
		return nil, policydesk.Errorf(policydesk.EConflict, "The account %s is not waiting for an invitation; it is in use.", u.Login)
	}
	return s.renew(ctx, u, "")
}

// renew replaces the link of u's pending invitation; the store fills the
// address when email is "".
func (s *Service) renew(ctx context.Context, u *policydesk.User, email string) (*Invitation, error) {
	inv := s.newInvitation(ctx, u, email)
	if err := s.Users.RenewInvitation(ctx, inv, s.audit(ctx, "user.reinvite", "user", u.Login, "a new invitation link")); err != nil {
		return nil, err
	}
	return inv, s.mail(ctx, inv)
}

func (s *Service) newInvitation(ctx context.Context, u *policydesk.User, email string) *Invitation {
	token, now := randomToken(), s.Now().UTC()
	return &Invitation{User: u, Email: email, Token: token, TokenHash: HashToken(token), InvitedBy: loginOf(policydesk.UserFromContext(ctx)),
		CreatedAt: now, ExpiresAt: now.Add(s.InvitationTTL)}
}

// mail sends the link when mail is on. The invitation is saved by then: a
// failure says so, and sending again (Resend) makes a new link.
func (s *Service) mail(ctx context.Context, inv *Invitation) error {
	if s.InvitationMail == nil {
		return nil
	}
	if err := s.InvitationMail.MailInvitation(ctx, inv); err != nil {
		return policydesk.Errorf(policydesk.EUnavailable, "The invitation of %s is saved but its mail could not be queued; send it again.", inv.Email)
	}
	return nil
}

// PendingInvitations lists the invitations nobody has accepted yet, for
// administrators and editors.
func (s *Service) PendingInvitations(ctx context.Context) ([]*Invitation, error) {
	if err := mayInvite(policydesk.UserFromContext(ctx)); err != nil {
		return nil, err
	}
	return s.Users.FindPendingInvitations(ctx)
}

// OpenInvitation returns the invitation of an invitation link's token
// while it may be accepted, or the refusal that says why not — with the
// invitation when the link is known but spent or expired, so the refusal
// can be said in the invitee's language.
func (s *Service) OpenInvitation(ctx context.Context, token string) (*Invitation, error) {
	if token == "" || len(token) > 200 {
		return nil, ErrInvitationUnknown
	}
	inv, err := s.Users.FindInvitation(ctx, HashToken(token))
	switch {
	case policydesk.ErrorCode(err) == policydesk.ENotFound:
		return nil, ErrInvitationUnknown
	case err != nil:
		return nil, err
	case !inv.SpentAt.IsZero():
		return inv, ErrInvitationUsed
	case !s.Now().Before(inv.ExpiresAt):
		return inv, ErrInvitationExpired
	}
	return inv, nil
}

// AcceptInvitation sets the password of the invited account (CheckPassword's
// rules), spends the link and logs the invitee in: the session's token is
// returned once. A link unknown, spent or expired is refused and nothing
// is written.
func (s *Service) AcceptInvitation(ctx context.Context, token, password string) (string, *Session, *policydesk.User, error) {
	inv, err := s.OpenInvitation(ctx, token)
	if err != nil {
		return "", nil, nil, err
	}
	if err := CheckPassword(password, inv.User.Login, inv.User.Name); err != nil {
		return "", nil, nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.BcryptCost)
	if err != nil {
		return "", nil, nil, err
	}
	sessToken, now := randomToken(), s.Now().UTC()
	sess := &Session{TokenHash: HashToken(sessToken), UserID: inv.User.ID, CSRF: randomToken(), CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	audit := &policydesk.AuditEntry{At: now, ActorID: inv.User.ID, Actor: inv.User.Login, Action: "user.accept_invitation", ObjectType: "user", ObjectID: inv.User.Login}
	u, err := s.Users.AcceptInvitation(ctx, inv.TokenHash, string(hash), sess, audit)
	if err != nil {
		return "", nil, nil, err
	}
	return sessToken, sess, u, nil
}

// checkInvite validates in and fills its defaults: the address trimmed
// and lower-cased, the name from the address, the role reviewer.
func checkInvite(actor *policydesk.User, in InviteInput) (InviteInput, error) {
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || len(in.Email) > 254 {
		return in, policydesk.Errorf(policydesk.EInvalid, "%q is not an e-mail address.", in.Email).On("email")
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		in.Name = in.Email[:strings.LastIndexByte(in.Email, '@')]
	}
	if in.Role == "" {
		in.Role = policydesk.RoleReviewer
	}
	if err := textkit.CheckOneOf(policydesk.Say("role"), in.Role, policydesk.Roles); err != nil {
		return in, err
	}
	if in.Role != policydesk.RoleReviewer && !policydesk.IsAdmin(actor) {
		return in, policydesk.Errorf(policydesk.EForbidden, "Only an administrator can invite someone with a role other than reviewer.")
	}
	if err := textkit.CheckLabel(policydesk.Say("name"), in.Name, 200); err != nil {
		return in, err
	}
	if err := textkit.CheckLabel(policydesk.Say("organisation"), in.Organisation, 200); err != nil {
		return in, err
	}
	if in.Language != "" {
		if err := checkLanguage(in.Language); err != nil {
			return in, err
		}
	}
	return in, nil
}

// freeLogin derives a login from the address's local part ("Ana.Krasniqi+x@"
// → "ana.krasniqi"), numbered when taken ("ana.krasniqi-2").
func (s *Service) freeLogin(ctx context.Context, email string) (string, error) {
	var b strings.Builder
	for _, r := range email[:strings.LastIndexByte(email, '@')] {
		if r == '+' {
			break
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			b.WriteRune(r)
		}
	}
	base := strings.Trim(b.String(), ".-_")
	if len(base) > 56 {
		base = base[:56]
	}
	if base == "" || base == MeLogin {
		base = "reviewer"
	}
	for n := 1; n <= 100; n++ {
		login := base
		if n > 1 {
			login = base + "-" + strconv.Itoa(n)
		}
		_, err := s.Users.FindUserByLogin(ctx, login)
		if policydesk.ErrorCode(err) == policydesk.ENotFound {
			return login, nil
		} else if err != nil {
			return "", err
		}
	}
	return "", policydesk.Errorf(policydesk.EConflict, "No free login could be made from %s; create the account by hand.", email)
}

// InviteReviewer is the reviewer named by e-mail when a round opens: the
// account that already has the address (no invitation then, inv is nil),
// else a new invited account with its link mailed (see Invite; role
// reviewer whatever in.Role says). An account still invited gets a new
// link. The same rules of who may invite apply.
func (s *Service) InviteReviewer(ctx context.Context, in InviteInput) (*policydesk.User, *Invitation, error) {
	if err := mayInvite(policydesk.UserFromContext(ctx)); err != nil {
		return nil, nil, err
	}
	in.Role = policydesk.RoleReviewer
	email := strings.ToLower(strings.TrimSpace(in.Email))
	if u, err := s.Users.FindUserByEmail(ctx, email); err == nil && !u.Invited {
		return u, nil, nil
	} else if err != nil && policydesk.ErrorCode(err) != policydesk.ENotFound {
		return nil, nil, err
	}
	inv, err := s.Invite(ctx, in)
	if inv == nil {
		return nil, nil, err
	}
	return inv.User, inv, err
}
