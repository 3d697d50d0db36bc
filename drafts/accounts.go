package drafts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// SessionTTL is how long a login lasts without a new login.
const SessionTTL = 12 * time.Hour

// MinPasswordLength is the shortest password accepted for a new account.
const MinPasswordLength = 10

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

func (s *Service) audit(ctx context.Context, action, objectType, objectID, detail string) *AuditEntry {
	e := &AuditEntry{At: s.Now().UTC(), Action: action, ObjectType: objectType, ObjectID: objectID, Detail: detail}
	if u := UserFromContext(ctx); u != nil {
		e.ActorID, e.Actor = u.ID, u.Login
	}
	return e
}

func validateNewUser(in NewUser) error {
	if err := checkLogin(in.Login); err != nil {
		return err
	}
	if err := checkLabel("name", in.Name, 200); err != nil {
		return err
	}
	if err := checkLabel("organisation", in.Organisation, 200); err != nil {
		return err
	}
	if err := checkOneOf("role", in.Role, Roles); err != nil {
		return err
	}
	return checkPassword(in.Password)
}

func checkPassword(p string) error {
	if err := checkText("password", p, 200, false); err != nil {
		return err
	}
	if len([]rune(p)) < MinPasswordLength {
		return Errorf(EInvalid, "A password has at least %d characters.", MinPasswordLength)
	}
	if len(p) > 72 { // bcrypt's limit; refuse rather than silently truncate
		return Errorf(EInvalid, "A password is at most 72 bytes.")
	}
	return nil
}

// CreateUser makes an account. Only admins may, except through Bootstrap.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (*User, error) {
	if !IsAdmin(UserFromContext(ctx)) {
		return nil, Errorf(EForbidden, "Only an administrator can create accounts.")
	}
	return s.createUser(ctx, in)
}

func (s *Service) createUser(ctx context.Context, in NewUser) (*User, error) {
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
	u := &User{Login: in.Login, Name: in.Name, Organisation: in.Organisation, Role: in.Role,
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
	_, err = s.createUser(ctx, NewUser{Login: "admin", Name: "Administrator", Password: password, Role: RoleAdmin})
	return err == nil, err
}

// AddUserOffline creates an account from the command line, which has the
// machine and so needs no admin session.
func (s *Service) AddUserOffline(ctx context.Context, in NewUser) (*User, error) {
	return s.createUser(ctx, in)
}

// UserPatch changes an account; nil fields stay as they are.
type UserPatch struct {
	Name, Organisation, Role, Password *string
	Disabled                           *bool
}

// UpdateUser changes an account (admins only).
func (s *Service) UpdateUser(ctx context.Context, id int64, p UserPatch) (*User, error) {
	actor := UserFromContext(ctx)
	if !IsAdmin(actor) {
		return nil, Errorf(EForbidden, "Only an administrator can change accounts.")
	}
	u, err := s.Users.FindUserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	var changed []string
	if p.Name != nil {
		if err := checkLabel("name", *p.Name, 200); err != nil {
			return nil, err
		}
		u.Name, changed = *p.Name, append(changed, "name")
	}
	if p.Organisation != nil {
		if err := checkLabel("organisation", *p.Organisation, 200); err != nil {
			return nil, err
		}
		u.Organisation, changed = *p.Organisation, append(changed, "organisation")
	}
	if p.Role != nil {
		if err := checkOneOf("role", *p.Role, Roles); err != nil {
			return nil, err
		}
		if u.ID == actor.ID && *p.Role != RoleAdmin {
			return nil, Errorf(EInvalid, "You cannot remove your own administrator role.")
		}
		u.Role, changed = *p.Role, append(changed, "role "+*p.Role)
	}
	if p.Disabled != nil {
		if u.ID == actor.ID && *p.Disabled {
			return nil, Errorf(EInvalid, "You cannot disable your own account.")
		}
		u.Disabled, changed = *p.Disabled, append(changed, "disabled")
	}
	if p.Password != nil {
		if err := checkPassword(*p.Password); err != nil {
			return nil, err
		}
		hash, err := bcrypt.GenerateFromPassword([]byte(*p.Password), s.BcryptCost)
		if err != nil {
			return nil, err
		}
		u.PasswordHash, changed = string(hash), append(changed, "password")
	}
	if err := s.Users.UpdateUser(ctx, u, s.audit(ctx, "user.update", "user", u.Login, strings.Join(changed, ", "))); err != nil {
		return nil, err
	}
	return u, nil
}

// Users lists accounts (admins only).
func (s *Service) ListUsers(ctx context.Context) ([]*User, error) {
	if !IsAdmin(UserFromContext(ctx)) {
		return nil, Errorf(EForbidden, "Only an administrator can list accounts.")
	}
	return s.Users.FindUsers(ctx)
}

// Login checks a password and opens a session. The token is returned once;
// only its hash is stored. Bad login and bad password answer alike.
func (s *Service) Login(ctx context.Context, login, password string) (token string, sess *Session, u *User, err error) {
	bad := Errorf(EUnauthorized, "Wrong login or password.")
	u, err = s.Users.FindUserByLogin(ctx, strings.TrimSpace(login))
	if ErrorCode(err) == ENotFound {
		// Spend the same time as a real check so logins cannot be probed by timing.
		bcrypt.CompareHashAndPassword(s.dummy(), []byte(password))
		return "", nil, nil, bad
	} else if err != nil {
		return "", nil, nil, err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil || u.Disabled {
		return "", nil, nil, bad
	}
	token = randomToken()
	now := s.Now().UTC()
	sess = &Session{TokenHash: HashToken(token), UserID: u.ID, CSRF: randomToken(), CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	if err := s.Users.CreateSession(ctx, sess); err != nil {
		return "", nil, nil, err
	}
	s.Docs.AppendAudit(ctx, &AuditEntry{At: now, ActorID: u.ID, Actor: u.Login, Action: "session.create", ObjectType: "user", ObjectID: u.Login})
	return token, sess, u, nil
}

// Authenticate resolves a session token to its live session and user.
func (s *Service) Authenticate(ctx context.Context, token string) (*Session, *User, error) {
	unauth := Errorf(EUnauthorized, "Your session has ended; log in again.")
	if token == "" || len(token) > 200 {
		return nil, nil, unauth
	}
	sess, u, err := s.Users.FindSessionUser(ctx, HashToken(token))
	if ErrorCode(err) == ENotFound {
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
	if err := s.Users.DeleteSession(ctx, HashToken(token)); err != nil {
		return err
	}
	return s.Docs.AppendAudit(ctx, s.audit(ctx, "session.delete", "user", loginOf(UserFromContext(ctx)), ""))
}

func loginOf(u *User) string {
	if u == nil {
		return ""
	}
	return u.Login
}

// AuditEntry starts an audit entry for an action by the user in ctx, for
// other domain services that write through their own stores.
func (s *Service) AuditEntry(ctx context.Context, action, objectType, objectID, detail string) *AuditEntry {
	return s.audit(ctx, action, objectType, objectID, detail)
}
