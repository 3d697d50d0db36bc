package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"golang.org/x/crypto/bcrypt"

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

// SessionTTL is how long a login lasts without a new login.
const SessionTTL = 12 * time.Hour

// HashToken returns the stored form of a session token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails on Go ≥ 1.24
	return base64.RawURLEncoding.EncodeToString(b)
}

// Login checks a password and opens a session. The token is returned once;
// only its hash is stored. Bad login and bad password answer alike, in the
// same time. Attempts are throttled per login and per client address (from
// ctx, see NewContextWithClient): after a few failures *ThrottledError
// (ETooManyRequests) answers until the wait is over, even for the right
// password. Failures and successes go to the audit log.
func (s *Service) Login(ctx context.Context, login, password string) (token string, sess *Session, u *policydesk.User, err error) {
	bad := policydesk.Errorf(policydesk.EUnauthorized, "Wrong login or password.")
	if len(login) > 1024 || len(password) > 1024 {
		return "", nil, nil, bad // nobody has such a login or password; spare the hashing
	}
	a := newAttempt(login, ClientFromContext(ctx))
	failures, err := s.begin(ctx, a)
	if err != nil {
		return "", nil, nil, err
	}
	u, err = s.checkPassword(ctx, normaliseLogin(login), password)
	if policydesk.ErrorCode(err) == policydesk.EUnauthorized {
		s.failed(ctx, "login.failed", login, failures)
		return "", nil, nil, bad
	} else if err != nil {
		return "", nil, nil, err
	}
	if err := s.succeed(ctx, a); err != nil {
		return "", nil, nil, err
	}
	token, sess, err = s.openSession(ctx, u, "login.ok")
	if err != nil {
		return "", nil, nil, err
	}
	return token, sess, u, nil
}

// checkPassword finds the account and compares the password; an unknown
// login is compared against a dummy hash so that it takes as long.
func (s *Service) checkPassword(ctx context.Context, login, password string) (*policydesk.User, error) {
	bad := policydesk.Errorf(policydesk.EUnauthorized, "Wrong login or password.")
	u, err := s.Users.FindUserByLogin(ctx, login)
	if policydesk.ErrorCode(err) == policydesk.ENotFound {
		bcrypt.CompareHashAndPassword(s.dummy(), []byte(password))
		return nil, bad
	} else if err != nil {
		return nil, err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil || u.Disabled || u.Invited {
		return nil, bad
	}
	return u, nil
}

// openSession stores a new session for u and audits it as action.
func (s *Service) openSession(ctx context.Context, u *policydesk.User, action string) (string, *Session, error) {
	token := randomToken()
	now := s.Now().UTC()
	sess := &Session{TokenHash: HashToken(token), UserID: u.ID, CSRF: randomToken(), CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	if err := s.Users.CreateSession(ctx, sess); err != nil {
		return "", nil, err
	}
	e := &policydesk.AuditEntry{At: now, ActorID: u.ID, Actor: u.Login, Action: action, ObjectType: "user", ObjectID: u.Login}
	if c := ClientFromContext(ctx); c != "" {
		e.Describe("from %s", cleanForLog(c, 64))
	}
	s.Users.AppendAudit(ctx, e)
	return token, sess, nil
}

// ChangePassword sets the caller's own password. The current one is
// required and checked under the same throttle as a login. Every session
// of the account ends, the caller's too; the caller gets a new session,
// whose token is returned.
func (s *Service) ChangePassword(ctx context.Context, current, next string) (string, *Session, error) {
	me := policydesk.UserFromContext(ctx)
	if me == nil || me.Disabled {
		return "", nil, policydesk.Errorf(policydesk.EUnauthorized, "Log in first.")
	}
	if current == next {
		return "", nil, policydesk.Errorf(policydesk.EInvalid, "The new password is the same as the current one.")
	}
	if err := CheckPassword(next, me.Login, me.Name); err != nil {
		return "", nil, err
	}
	if len(current) > 1024 {
		return "", nil, policydesk.Errorf(policydesk.EInvalid, "The current password is not right.")
	}
	a := newAttempt(me.Login, ClientFromContext(ctx))
	failures, err := s.begin(ctx, a)
	if err != nil {
		return "", nil, err
	}
	u, err := s.checkPassword(ctx, me.Login, current)
	if policydesk.ErrorCode(err) == policydesk.EUnauthorized {
		s.failed(ctx, "password.change.failed", me.Login, failures)
		return "", nil, policydesk.Errorf(policydesk.EInvalid, "The current password is not right.")
	} else if err != nil {
		return "", nil, err
	}
	if err := s.succeed(ctx, a); err != nil {
		return "", nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(next), s.BcryptCost)
	if err != nil {
		return "", nil, err
	}
	u.PasswordHash = string(hash)
	if err := s.Users.UpdateUser(ctx, u, s.audit(ctx, "password.change", "user", u.Login, "every session ended")); err != nil {
		return "", nil, err
	}
	return s.openSession(ctx, u, "session.renew")
}

// Authenticate resolves a session token to its live session and user.
func (s *Service) Authenticate(ctx context.Context, token string) (*Session, *policydesk.User, error) {
	unauth := policydesk.Errorf(policydesk.EUnauthorized, "Your session has ended; log in again.")
	if token == "" || len(token) > 200 {
		return nil, nil, unauth
	}
	sess, u, err := s.Users.FindSessionUser(ctx, HashToken(token))
	if policydesk.ErrorCode(err) == policydesk.ENotFound {
		return nil, nil, unauth
	} else if err != nil {
		return nil, nil, err
	}
	if !s.Now().Before(sess.ExpiresAt) || u.Disabled || u.Invited {
		return nil, nil, unauth
	}
	return sess, u, nil
}

// Logout ends the session so its token no longer works.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.endSession(ctx, token, "session.delete", "")
}

// ReplaceSession ends the session a browser held when it logged in again:
// every login gets a fresh token, so a session id planted before the login
// is useless. The audit log records it for the session's user (in ctx).
func (s *Service) ReplaceSession(ctx context.Context, token string) error {
	return s.endSession(ctx, token, "session.replace", "by a new login")
}

// endSession ends the session of token, the audit entry's detail a
// sentence format and its values.
func (s *Service) endSession(ctx context.Context, token, action, format string, args ...any) error {
	if err := s.Users.DeleteSession(ctx, HashToken(token)); err != nil {
		return err
	}
	return s.Users.AppendAudit(ctx, s.audit(ctx, action, "user", loginOf(policydesk.UserFromContext(ctx)), format, args...))
}
