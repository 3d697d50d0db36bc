package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"policydesk"
	"policydesk/drafts/textkit"
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

	dummyOnce sync.Once
	dummyHash []byte
}

// NewService wires the accounts service over its store.
func NewService(users UserStore) *Service {
	return &Service{Users: users, Now: time.Now, BcryptCost: bcrypt.DefaultCost, LoginLimits: DefaultLoginLimits}
}

// dummy returns a hash at the service's cost, compared against when a login
// does not exist so that unknown logins take as long as wrong passwords.
func (s *Service) dummy() []byte {
	s.dummyOnce.Do(func() {
		s.dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password of anyone"), s.BcryptCost)
	})
	return s.dummyHash
}

func (s *Service) audit(ctx context.Context, action, objectType, objectID, detail string) *policydesk.AuditEntry {
	return policydesk.NewAuditEntry(ctx, s.Now(), action, objectType, objectID, detail)
}

// SessionTTL is how long a login lasts without a new login.
const SessionTTL = 12 * time.Hour

// NewUser is what an admin sends to create an account.
type NewUser struct {
	Login, Name, Organisation, Password, Role string
}

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

func validateNewUser(in NewUser) error {
	if err := checkLogin(in.Login); err != nil {
		return err
	}
	if in.Login == MeLogin {
		return policydesk.Errorf(policydesk.EInvalid, "The login %q is reserved; choose another.", MeLogin)
	}
	if err := textkit.CheckLabel("name", in.Name, 200); err != nil {
		return err
	}
	if err := textkit.CheckLabel("organisation", in.Organisation, 200); err != nil {
		return err
	}
	if err := textkit.CheckOneOf("role", in.Role, policydesk.Roles); err != nil {
		return err
	}
	return CheckPassword(in.Password, in.Login, in.Name)
}

// MeLogin names the caller's own account in the API (/api/v1/users/me), so
// no account may have it as its login.
const MeLogin = "me"

// CreateUser makes an account. Only admins may, except through Bootstrap.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (*policydesk.User, error) {
	if !policydesk.IsAdmin(policydesk.UserFromContext(ctx)) {
		return nil, policydesk.Errorf(policydesk.EForbidden, "Only an administrator can create accounts.")
	}
	return s.createUser(ctx, in)
}

func (s *Service) createUser(ctx context.Context, in NewUser) (*policydesk.User, error) {
	in.Login = strings.TrimSpace(in.Login)
	if in.Name == "" {
		in.Name = in.Login
	}
	if err := validateNewUser(in); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), s.BcryptCost)
	if err != nil {
		return nil, err
	}
	u := &policydesk.User{Login: in.Login, Name: in.Name, Organisation: in.Organisation, Role: in.Role,
		PasswordHash: string(hash), CreatedAt: s.Now().UTC()}
	if err := s.Users.CreateUser(ctx, u, s.audit(ctx, "user.create", "user", in.Login, "role "+in.Role)); err != nil {
		return nil, err
	}
	return u, nil
}

// Bootstrap creates user "admin" with the password when no account exists
// yet. It reports whether it created one.
func (s *Service) Bootstrap(ctx context.Context, password string) (bool, error) {
	n, err := s.Users.CountUsers(ctx)
	if err != nil || n > 0 || password == "" {
		return false, err
	}
	_, err = s.createUser(ctx, NewUser{Login: "admin", Name: "Administrator", Password: password, Role: policydesk.RoleAdmin})
	return err == nil, err
}

// AddUserOffline creates an account from the command line, which has the
// machine and so needs no admin session.
func (s *Service) AddUserOffline(ctx context.Context, in NewUser) (*policydesk.User, error) {
	return s.createUser(ctx, in)
}

// EnsureUserOffline returns the account with in.Login, creating it from in
// when there is none, for the command line (the demo library), which needs
// no admin session.
func (s *Service) EnsureUserOffline(ctx context.Context, in NewUser) (*policydesk.User, error) {
	u, err := s.Users.FindUserByLogin(ctx, in.Login)
	if policydesk.ErrorCode(err) == policydesk.ENotFound {
		return s.createUser(ctx, in)
	}
	return u, err
}

// HasUsers reports whether any account exists, so that the server can warn
// when nobody could log in.
func (s *Service) HasUsers(ctx context.Context) (bool, error) {
	n, err := s.Users.CountUsers(ctx)
	return n > 0, err
}

// UserPatch changes an account; nil fields stay as they are.
type UserPatch struct {
	Name, Organisation, Role, Password *string
	Disabled                           *bool
}

// UpdateUser changes an account (admins only). A new password, a new role
// or disabling the account ends every session of the user (the store does
// it in the same transaction), so a reset locks out whoever held the old
// password and a demoted user acts with the new role from the next request.
func (s *Service) UpdateUser(ctx context.Context, id int64, p UserPatch) (*policydesk.User, error) {
	if !policydesk.IsAdmin(policydesk.UserFromContext(ctx)) {
		return nil, errChangeAccounts
	}
	u, err := s.Users.FindUserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.updateUser(ctx, u, p)
}

// UpdateUserByLogin is UpdateUser for the account with this login (the
// API's and the users page's way of naming one). Only an administrator
// learns whether the login exists.
func (s *Service) UpdateUserByLogin(ctx context.Context, login string, p UserPatch) (*policydesk.User, error) {
	if !policydesk.IsAdmin(policydesk.UserFromContext(ctx)) {
		return nil, errChangeAccounts
	}
	u, err := s.Users.FindUserByLogin(ctx, login)
	if err != nil {
		return nil, err
	}
	return s.updateUser(ctx, u, p)
}

var errChangeAccounts = policydesk.Errorf(policydesk.EForbidden, "Only an administrator can change accounts.")

// updateUser applies p to u, found for an administrator, and writes it.
func (s *Service) updateUser(ctx context.Context, u *policydesk.User, p UserPatch) (*policydesk.User, error) {
	changed, endsSessions, err := s.applyPatch(policydesk.UserFromContext(ctx), u, p)
	if err != nil {
		return nil, err
	}
	if endsSessions {
		changed = append(changed, "every session ended")
	}
	if err := s.Users.UpdateUser(ctx, u, s.audit(ctx, "user.update", "user", u.Login, strings.Join(changed, ", "))); err != nil {
		return nil, err
	}
	return u, nil
}

// applyPatch changes u as p says and tells what changed and whether the
// change ends the user's sessions. An administrator (actor) may neither
// disable their own account nor give up their own administrator role.
func (s *Service) applyPatch(actor, u *policydesk.User, p UserPatch) (changed []string, endsSessions bool, err error) {
	if p.Name != nil {
		if err := textkit.CheckLabel("name", *p.Name, 200); err != nil {
			return nil, false, err
		}
		u.Name, changed = *p.Name, append(changed, "name")
	}
	if p.Organisation != nil {
		if err := textkit.CheckLabel("organisation", *p.Organisation, 200); err != nil {
			return nil, false, err
		}
		u.Organisation, changed = *p.Organisation, append(changed, "organisation")
	}
	if p.Role != nil && *p.Role != u.Role {
		if err := textkit.CheckOneOf("role", *p.Role, policydesk.Roles); err != nil {
			return nil, false, err
		}
		if u.ID == actor.ID && *p.Role != policydesk.RoleAdmin {
			return nil, false, policydesk.Errorf(policydesk.EInvalid, "You cannot remove your own administrator role.")
		}
		u.Role, changed, endsSessions = *p.Role, append(changed, "role "+*p.Role), true
	}
	if p.Disabled != nil && *p.Disabled != u.Disabled {
		if u.ID == actor.ID && *p.Disabled {
			return nil, false, policydesk.Errorf(policydesk.EInvalid, "You cannot disable your own account.")
		}
		u.Disabled = *p.Disabled
		if u.Disabled {
			changed, endsSessions = append(changed, "disabled"), true
		} else {
			changed = append(changed, "enabled")
		}
	}
	if p.Password != nil {
		if err := CheckPassword(*p.Password, u.Login, u.Name); err != nil {
			return nil, false, err
		}
		hash, err := bcrypt.GenerateFromPassword([]byte(*p.Password), s.BcryptCost)
		if err != nil {
			return nil, false, err
		}
		u.PasswordHash, changed, endsSessions = string(hash), append(changed, "password reset"), true
	}
	return changed, endsSessions, nil
}

// ListUsers lists accounts (admins only).
func (s *Service) ListUsers(ctx context.Context) ([]*policydesk.User, error) {
	if !policydesk.IsAdmin(policydesk.UserFromContext(ctx)) {
		return nil, policydesk.Errorf(policydesk.EForbidden, "Only an administrator can list accounts.")
	}
	return s.Users.FindUsers(ctx)
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
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil || u.Disabled {
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
	detail := ""
	if c := ClientFromContext(ctx); c != "" {
		detail = "from " + cleanForLog(c, 64)
	}
	s.Users.AppendAudit(ctx, &policydesk.AuditEntry{At: now, ActorID: u.ID, Actor: u.Login, Action: action, ObjectType: "user", ObjectID: u.Login, Detail: detail})
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
	if !s.Now().Before(sess.ExpiresAt) || u.Disabled {
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

func (s *Service) endSession(ctx context.Context, token, action, detail string) error {
	if err := s.Users.DeleteSession(ctx, HashToken(token)); err != nil {
		return err
	}
	return s.Users.AppendAudit(ctx, s.audit(ctx, action, "user", loginOf(policydesk.UserFromContext(ctx)), detail))
}

func loginOf(u *policydesk.User) string {
	if u == nil {
		return ""
	}
	return u.Login
}

func checkLogin(login string) error {
	if login == "" || len(login) > 64 {
		return policydesk.Errorf(policydesk.EInvalid, "A login is 1 to 64 characters.")
	}
	for _, r := range login {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return policydesk.Errorf(policydesk.EInvalid, "A login uses only lower-case letters a-z, digits, '.', '_' and '-'.")
		}
	}
	return nil
}
