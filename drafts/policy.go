package drafts

// Access is what one user may do with one document. It is computed in one
// place, Policy, so that every route asks the same question the same way.
type Access struct {
	Read    bool // see metadata, versions, rendered text, attachments
	Edit    bool // save versions, change title and status, decide on comments
	Manage  bool // members and visibility
	Comment bool // comment on versions in a review round
}

// Policy decides access from the user's global role, the document's
// visibility and ownership, and the user's membership role on it ("" if none).
//
//   - admin: everything.
//   - editor (legal expert): reads internal documents and restricted ones they
//     own or are a member of; edits what they read unless their membership
//     says reader or reviewer; manages documents they own or edit as member.
//   - staff: reads internal documents and restricted ones they are a member of.
//   - reviewer (external): reads and comments only on documents shared with them.
func Policy(u *User, doc *Document, memberRole string) Access {
	if u == nil || u.Disabled {
		return Access{}
	}
	if u.Role == RoleAdmin {
		return Access{Read: true, Edit: true, Manage: true, Comment: true}
	}
	owner := doc.CreatedBy == u.ID
	var a Access
	switch u.Role {
	case RoleEditor:
		a.Read = owner || memberRole != "" || doc.Visibility == "internal"
		a.Edit = a.Read && (owner || memberRole == "editor" || (memberRole == "" && doc.Visibility == "internal"))
		a.Manage = owner || memberRole == "editor"
		a.Comment = a.Read
	case RoleStaff:
		a.Read = memberRole != "" || doc.Visibility == "internal"
	case RoleReviewer:
		a.Read = memberRole != ""
		a.Comment = memberRole == "reviewer" || memberRole == "editor"
	}
	return a
}

// CanCreateDocuments tells whether the user may start new documents.
func CanCreateDocuments(u *User) bool {
	return u != nil && !u.Disabled && (u.Role == RoleAdmin || u.Role == RoleEditor)
}

// IsAdmin tells whether the user manages accounts and reads the audit log.
func IsAdmin(u *User) bool { return u != nil && !u.Disabled && u.Role == RoleAdmin }

// documentFilterFor narrows a listing to what Policy lets u read.
func documentFilterFor(u *User, f DocumentFilter) DocumentFilter {
	f.All, f.Internal, f.MemberID = false, false, u.ID
	switch u.Role {
	case RoleAdmin:
		f.All = true
	case RoleEditor, RoleStaff:
		f.Internal = true
	}
	return f
}
