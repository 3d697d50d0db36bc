package policydesk

// Access is what one user may do with one document. It is computed in one
// place, Policy, so that every route asks the same question the same way.
type Access struct {
	Read    bool // see metadata, versions, rendered text, attachments
	Edit    bool // save versions, change title and status, decide on comments
	Manage  bool // members and visibility
	Comment bool // comment on versions in a review round
}

// Scope is the set of documents a user may read, said in terms that a
// store's list query and a search index evaluate without knowing roles: a
// document is in it if any clause holds.
type Scope struct {
	All      bool // every document
	Internal bool // every internal document
	Owner    bool // the documents UserID created
	// UserID is the user whose memberships (any role) count, and whose
	// documents count with Owner; 0 (nobody) makes only All and Internal count.
	UserID int64
}

// ReadScope is the one rule of who reads what; Policy's Read, the library
// listing (DocumentFilter.Read) and search (search.Query's access fields)
// are all derived from it, from the user's role as it is now.
//
//   - admin: everything.
//   - editor (legal expert): internal documents, and restricted ones they
//     created or are a member of.
//   - staff: internal documents and those they are a member of.
//   - reviewer (external): only the documents shared with them.
//
// Having created a document grants nothing by itself: an editor later made
// staff or reviewer no longer reads the restricted documents they wrote
// unless they are a member. A disabled account reads nothing.
func ReadScope(u *User) Scope {
	if u == nil || u.Disabled {
		return Scope{}
	}
	switch u.Role {
	case RoleAdmin:
		return Scope{All: true, UserID: u.ID}
	case RoleEditor:
		return Scope{Internal: true, Owner: true, UserID: u.ID}
	case RoleStaff:
		return Scope{Internal: true, UserID: u.ID}
	case RoleReviewer:
		return Scope{UserID: u.ID}
	}
	return Scope{}
}

// Shared is a document as the Policy sees it: how it is shared and who
// created it.
type Shared interface {
	Sharing() (visibility string, createdBy int64)
}

// Allows tells whether doc is in the scope, for a user whose membership
// role on it is memberRole ("" if none).
func (s Scope) Allows(doc Shared, memberRole string) bool {
	visibility, createdBy := doc.Sharing()
	switch {
	case s.All, s.Internal && visibility == "internal":
		return true
	case s.UserID == 0:
		return false
	}
	return memberRole != "" || s.Owner && createdBy == s.UserID
}

// Policy decides access from the user's global role, the document's
// visibility and ownership, and the user's membership role on it ("" if none).
// Read is ReadScope's; beyond reading:
//
//   - admin: everything.
//   - editor (legal expert): edits what they read unless their membership
//     says reader or reviewer; manages documents they own or edit as member.
//   - staff: only reads.
//   - reviewer (external): comments on documents shared with them as
//     reviewer or editor.
func Policy(u *User, doc Shared, memberRole string) Access {
	read := ReadScope(u).Allows(doc, memberRole)
	if !read {
		return Access{}
	}
	if u.Role == RoleAdmin {
		return Access{Read: true, Edit: true, Manage: true, Comment: true}
	}
	visibility, createdBy := doc.Sharing()
	owner := createdBy == u.ID
	a := Access{Read: true}
	switch u.Role {
	case RoleEditor:
		a.Edit = owner || memberRole == "editor" || (memberRole == "" && visibility == "internal")
		a.Manage = owner || memberRole == "editor"
		a.Comment = true
	case RoleReviewer:
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
