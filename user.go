package policydesk

import "time"

// Global roles.
const (
	RoleAdmin    = "admin"
	RoleEditor   = "editor"
	RoleReviewer = "reviewer"
	RoleStaff    = "staff"
)

// Roles lists the global roles in the order the pages show them.
var Roles = []string{RoleAdmin, RoleEditor, RoleReviewer, RoleStaff}

// User is an account. PasswordHash is never serialised.
type User struct {
	ID           int64  `json:"id"`
	Login        string `json:"login"`
	Name         string `json:"name"`
	Organisation string `json:"organisation,omitempty"`
	Role         string `json:"role"`
	PasswordHash string `json:"-"`
	Disabled     bool   `json:"disabled,omitempty"`
	// Invited is an account made by an invitation whose invitee has not
	// chosen a password yet; it cannot log in.
	Invited bool `json:"invited,omitempty"`
	// Language is the interface language the user chose (sq, sr, en); ""
	// when they chose none and the browser's language decides.
	Language  string    `json:"language,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// roleWords name the roles in sentences ("role: legal expert").
var roleWords = map[string]Words{
	RoleAdmin:    Say("admin"),
	RoleEditor:   Say("editor"),
	RoleReviewer: Say("reviewer"),
	RoleStaff:    Say("staff"),
}

// RoleWords names role in a sentence; an unknown role is said as it is.
func RoleWords(role string) Words {
	if w, ok := roleWords[role]; ok {
		return w
	}
	return Words{role}
}
