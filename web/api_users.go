package web

import (
	"net/http"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/drafts/accounts"
)

type userJSON struct {
	ID           int64  `json:"id"`
	Login        string `json:"login"`
	Name         string `json:"name"`
	Organisation string `json:"organisation,omitempty"`
	Role         string `json:"role"`
	Disabled     bool   `json:"disabled,omitempty"`
	// Invited: made by an invitation not yet accepted; cannot log in.
	Invited bool `json:"invited,omitempty"`
	// Language is the interface language the user chose; "" when none.
	Language string `json:"language,omitempty"`
}

func toUserJSON(u *policydesk.User) userJSON {
	return userJSON{ID: u.ID, Login: u.Login, Name: u.Name, Organisation: u.Organisation, Role: u.Role, Disabled: u.Disabled, Invited: u.Invited, Language: u.Language}
}

func (s *Server) apiUsers(r *http.Request) (int, any, error) {
	users, err := s.Accounts.ListUsers(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := make([]userJSON, len(users))
	for i, u := range users {
		out[i] = toUserJSON(u)
	}
	return http.StatusOK, map[string]any{"users": out}, nil
}

func (s *Server) apiCreateUser(r *http.Request) (int, any, error) {
	var in struct{ Login, Name, Organisation, Password, Role, Language string }
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	u, err := s.Accounts.CreateUser(r.Context(), accounts.NewUser(in))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toUserJSON(u), nil
}

func (s *Server) apiUpdateUser(r *http.Request) (int, any, error) {
	var in struct {
		Name, Organisation, Role, Password *string
		Disabled                           *bool
	}
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	u, err := s.Accounts.UpdateUserByLogin(r.Context(), mux.Vars(r)["login"], accounts.UserPatch(in))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toUserJSON(u), nil
}
