// Package accounts holds who may use Policy Desk: accounts and their roles,
// passwords and the rules they must meet, logins throttled against
// guessing, and the sessions a login opens (a browser cookie or an API
// token). It sits beside drafts and imports nothing of it; storage
// implements the UserStore it declares.
package accounts

import (
	"context"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"policydesk"
)

// Service holds who may log in: accounts, their passwords, sessions and
// the throttle on password guessing.
type Service struct {
	Users UserStore
	Now   func() time.Time

	// BcryptCost is lowered by tests; production keeps the default.
	BcryptCost int
	// LoginLimits throttle password guessing (DefaultLoginLimits).
	LoginLimits LoginLimits
	// InvitationTTL is how long an invitation link works
	// (DefaultInvitationTTL).
	InvitationTTL time.Duration
	// InvitationMail sends the invitation mail; nil when mail is off, and
	// the inviter passes the link on (Invitation.Token).
	InvitationMail InvitationMailer

	dummyOnce sync.Once
	dummyHash []byte
}

// NewService wires the accounts service over its store.
func NewService(users UserStore) *Service {
	return &Service{Users: users, Now: time.Now, BcryptCost: bcrypt.DefaultCost, LoginLimits: DefaultLoginLimits,
		InvitationTTL: DefaultInvitationTTL}
}

// UserStore keeps accounts, sessions and the login throttle, and the audit
// log the account service writes to.
type UserStore interface {
	// CreateUser returns ECONFLICT if the login is taken; sets u.ID.
	CreateUser(ctx context.Context, u *policydesk.User, audit *policydesk.AuditEntry) error
	// UpdateUser writes u. When the role or the password hash changes, or
	// the account is disabled, every session of the user ends in the same
	// transaction.
	UpdateUser(ctx context.Context, u *policydesk.User, audit *policydesk.AuditEntry) error
	// FindUserByID and FindUserByLogin return ENOTFOUND when absent.
	FindUserByID(ctx context.Context, id int64) (*policydesk.User, error)
	// SetUserLanguage writes the user's interface language and nothing
	// else; ENOTFOUND when there is no such user.
	SetUserLanguage(ctx context.Context, id int64, lang string) error
	FindUserByLogin(ctx context.Context, login string) (*policydesk.User, error)
	FindUsers(ctx context.Context) ([]*policydesk.User, error)
	CountUsers(ctx context.Context) (int, error)
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns ENOTFOUND for an unknown or expired token hash.
	FindSession(ctx context.Context, tokenHash string) (*Session, error)
	// FindSessionUser is FindSession and FindUserByID in one query, for the
	// path every authenticated request takes.
	FindSessionUser(ctx context.Context, tokenHash string) (*Session, *policydesk.User, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	// AppendAudit writes an entry on its own, for what changes nothing else
	// (a login, a failed attempt, a logout).
	AppendAudit(ctx context.Context, e *policydesk.AuditEntry) error
	ThrottleStore
	InvitationStore
}

// dummy returns a hash at the service's cost, compared against when a login
// does not exist so that unknown logins take as long as wrong passwords.
func (s *Service) dummy() []byte {
	s.dummyOnce.Do(func() {
		s.dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password of anyone"), s.BcryptCost)
	})
	return s.dummyHash
}

// audit starts an entry whose detail is an English sentence format and its
// values (see policydesk.AuditEntry.Describe).
func (s *Service) audit(ctx context.Context, action, objectType, objectID, format string, args ...any) *policydesk.AuditEntry {
	return policydesk.NewAuditEntry(ctx, s.Now(), action, objectType, objectID, format, args...)
}

func loginOf(u *policydesk.User) string {
	if u == nil {
		return ""
	}
	return u.Login
}
