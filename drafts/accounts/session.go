package accounts

import (
	"context"
	"time"

	"policydesk"
)

// Session is a login: a browser cookie or an API bearer token. Only the
// SHA-256 of the secret token is stored.
type Session struct {
	TokenHash string
	UserID    int64
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
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
}
