package web

import (
	"net/http"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/drafts/accounts"
)

// pageUsers lists the accounts for admins (the service refuses anyone
// else) with the form for a new one.
func (s *Server) pageUsers(r *http.Request) (reply, error) {
	users, err := s.Accounts.ListUsers(r.Context())
	if err != nil {
		return reply{}, err
	}
	return show("users", map[string]any{"Title": s.tr(r, "users.title"), "Users": users, "Notice": s.notice(r, 0)}), nil
}

// pageCreateUser adds an account; a refused one comes back in the form,
// without the password.
func (s *Server) pageCreateUser(r *http.Request) (reply, error) {
	in := accounts.NewUser{Login: r.PostFormValue("login"), Name: r.PostFormValue("name"), Organisation: r.PostFormValue("organisation"),
		Password: r.PostFormValue("password"), Role: r.PostFormValue("role")}
	_, err := s.Accounts.CreateUser(r.Context(), in)
	if code := policydesk.ErrorCode(err); code == policydesk.EInvalid || code == policydesk.EConflict {
		users, _ := s.Accounts.ListUsers(r.Context())
		in.Password = ""
		return showAgain("users", map[string]any{"Title": s.tr(r, "users.title"), "Users": users, "Form": in}, err), nil
	} else if err != nil {
		return reply{}, err
	}
	return seeOther(noticeURL("/users", noticeUserCreated, "", 0)), nil
}

// pageUpdateUser changes an account's role, password or disabled state:
// only the fields the form filled in.
func (s *Server) pageUpdateUser(r *http.Request) (reply, error) {
	var p accounts.UserPatch
	if role := r.PostFormValue("role"); role != "" {
		p.Role = &role
	}
	if pw := r.PostFormValue("password"); pw != "" {
		p.Password = &pw
	}
	if d := r.PostFormValue("disabled"); d != "" {
		disabled := d == "1"
		p.Disabled = &disabled
	}
	_, err := s.Accounts.UpdateUserByLogin(r.Context(), mux.Vars(r)["login"], p)
	return seeOther(noticeURL("/users", noticeUserUpdated, "", 0)), err
}
