package accounts

import (
	"context"
	"slices"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"policydesk"
	"policydesk/drafts/textkit"
)

// NewUser is what an admin sends to create an account. Language, the
// interface language, may be "" (the browser's language decides).
type NewUser struct {
	Login, Name, Organisation, Password, Role string
	Language                                  string
}

// Languages are the languages of the interface a user may choose: Albanian,
// Serbian (Latin script) and English.
var Languages = []string{"sq", "sr", "sr-Cyrl", "en"}

func checkLanguage(lang string) error {
	if !slices.Contains(Languages, lang) {
		return policydesk.Errorf(policydesk.EInvalid, "The language must be sq (Albanian), sr (Serbian), sr-Cyrl (Serbian in Cyrillic) or en (English), not %q.", lang).On("language")
	}
	return nil
}

// MeLogin names the caller's own account in the API (/api/v1/users/me), so
// no account may have it as its login.
const MeLogin = "me"

func validateNewUser(in NewUser) error {
	if err := checkLogin(in.Login); err != nil {
		return err
	}
	if in.Login == MeLogin {
		return policydesk.Errorf(policydesk.EInvalid, "The login %q is reserved; choose another.", MeLogin)
	}
	if err := textkit.CheckLabel(policydesk.Say("name"), in.Name, 200); err != nil {
		return err
	}
	if err := textkit.CheckLabel(policydesk.Say("organisation"), in.Organisation, 200); err != nil {
		return err
	}
	if err := textkit.CheckOneOf(policydesk.Say("role"), in.Role, policydesk.Roles); err != nil {
		return err
	}
	if in.Language != "" {
		if err := checkLanguage(in.Language); err != nil {
			return err
		}
	}
	return CheckPassword(in.Password, in.Login, in.Name)
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
		PasswordHash: string(hash), CreatedAt: s.Now().UTC(), Language: in.Language}
	if err := s.Users.CreateUser(ctx, u, s.audit(ctx, "user.create", "user", in.Login, "role: %s", policydesk.RoleWords(in.Role))); err != nil {
		return nil, err
	}
	return u, nil
}

// Bootstrap creates user "admin" with the password when no account exists
// yet. It reports whether it created one. Replicas starting together on an
// empty database all try; the ones that find admin created meanwhile have
// nothing to do.
func (s *Service) Bootstrap(ctx context.Context, password string) (bool, error) {
	n, err := s.Users.CountUsers(ctx)
	if err != nil || n > 0 || password == "" {
		return false, err
	}
	_, err = s.createUser(ctx, NewUser{Login: "admin", Name: "Administrator", Password: password, Role: policydesk.RoleAdmin})
	if policydesk.ErrorCode(err) == policydesk.EConflict {
		return false, nil
	}
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

// SetLanguage saves the interface language the signed-in user chose (one
// of Languages) and returns the account with it. Anything else is EINVALID
// and changes nothing.
func (s *Service) SetLanguage(ctx context.Context, lang string) (*policydesk.User, error) {
	u := policydesk.UserFromContext(ctx)
	if u == nil {
		return nil, policydesk.Errorf(policydesk.EUnauthorized, "Log in first.")
	}
	if err := checkLanguage(lang); err != nil {
		return nil, err
	}
	if err := s.Users.SetUserLanguage(ctx, u.ID, lang); err != nil {
		return nil, err
	}
	c := *u
	c.Language = lang
	return &c, nil
}

// SetLanguageOffline gives the account with login an interface language
// when it has none yet, for the command line (the demo users), which needs
// no session; a language the user chose is kept.
func (s *Service) SetLanguageOffline(ctx context.Context, login, lang string) error {
	if err := checkLanguage(lang); err != nil {
		return err
	}
	u, err := s.Users.FindUserByLogin(ctx, login)
	if err != nil || u.Language != "" {
		return err
	}
	return s.Users.SetUserLanguage(ctx, u.ID, lang)
}

// HasUsers reports whether any account exists, so that the server can warn
// when nobody could log in.
func (s *Service) HasUsers(ctx context.Context) (bool, error) {
	n, err := s.Users.CountUsers(ctx)
	return n > 0, err
}

// ListUsers lists accounts (admins only).
func (s *Service) ListUsers(ctx context.Context) ([]*policydesk.User, error) {
	if !policydesk.IsAdmin(policydesk.UserFromContext(ctx)) {
		return nil, policydesk.Errorf(policydesk.EForbidden, "Only an administrator can list accounts.")
	}
	return s.Users.FindUsers(ctx)
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
	return s.updateUser(ctx, p, func() (*policydesk.User, error) { return s.Users.FindUserByID(ctx, id) })
}

// UpdateUserByLogin is UpdateUser for the account with this login (the
// API's and the users page's way of naming one). Only an administrator
// learns whether the login exists.
func (s *Service) UpdateUserByLogin(ctx context.Context, login string, p UserPatch) (*policydesk.User, error) {
	return s.updateUser(ctx, p, func() (*policydesk.User, error) { return s.Users.FindUserByLogin(ctx, login) })
}

// updateUser applies p to the account find returns, once the caller is
// known to be an administrator, and writes it.
func (s *Service) updateUser(ctx context.Context, p UserPatch, find func() (*policydesk.User, error)) (*policydesk.User, error) {
	actor := policydesk.UserFromContext(ctx)
	if !policydesk.IsAdmin(actor) {
		return nil, policydesk.Errorf(policydesk.EForbidden, "Only an administrator can change accounts.")
	}
	u, err := find()
	if err != nil {
		return nil, err
	}
	changed, endsSessions, err := s.applyPatch(actor, u, p)
	if err != nil {
		return nil, err
	}
	if endsSessions {
		changed = append(changed, policydesk.Say("every session ended"))
	}
	audit := s.audit(ctx, "user.update", "user", u.Login, "changed: %s", changed)
	if p.Role != nil && slices.Contains(changed, policydesk.Say("role")) {
		audit = s.audit(ctx, "user.update", "user", u.Login, "changed: %s; role: %s", changed, policydesk.RoleWords(u.Role))
	}
	if err := s.Users.UpdateUser(ctx, u, audit); err != nil {
		return nil, err
	}
	return u, nil
}

// applyPatch changes u as p says and tells what changed and whether the
// change ends the user's sessions. An administrator (actor) may neither
// disable their own account nor give up their own administrator role.
func (s *Service) applyPatch(actor, u *policydesk.User, p UserPatch) (changed policydesk.WordList, endsSessions bool, err error) {
	if p.Name != nil {
		if err := textkit.CheckLabel(policydesk.Say("name"), *p.Name, 200); err != nil {
			return nil, false, err
		}
		u.Name, changed = *p.Name, append(changed, policydesk.Say("name"))
	}
	if p.Organisation != nil {
		if err := textkit.CheckLabel(policydesk.Say("organisation"), *p.Organisation, 200); err != nil {
			return nil, false, err
		}
		u.Organisation, changed = *p.Organisation, append(changed, policydesk.Say("organisation"))
	}
	if p.Role != nil && *p.Role != u.Role {
		if err := textkit.CheckOneOf(policydesk.Say("role"), *p.Role, policydesk.Roles); err != nil {
			return nil, false, err
		}
		if u.ID == actor.ID && *p.Role != policydesk.RoleAdmin {
			return nil, false, policydesk.Errorf(policydesk.EInvalid, "You cannot remove your own administrator role.")
		}
		u.Role, changed, endsSessions = *p.Role, append(changed, policydesk.Say("role")), true
	}
	if p.Disabled != nil && *p.Disabled != u.Disabled {
		if u.ID == actor.ID && *p.Disabled {
			return nil, false, policydesk.Errorf(policydesk.EInvalid, "You cannot disable your own account.")
		}
		u.Disabled = *p.Disabled
		if u.Disabled {
			changed, endsSessions = append(changed, policydesk.Say("disabled")), true
		} else {
			changed = append(changed, policydesk.Say("enabled"))
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
		u.PasswordHash, changed, endsSessions = string(hash), append(changed, policydesk.Say("password reset")), true
	}
	return changed, endsSessions, nil
}
