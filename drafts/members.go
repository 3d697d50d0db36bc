package drafts

import (
	"context"

	"policydesk"
	"policydesk/drafts/textkit"
)

// UserFinder finds the account a document is shared with; the accounts
// service's store is one.
type UserFinder interface {
	// FindUserByLogin returns ENOTFOUND when absent.
	FindUserByLogin(ctx context.Context, login string) (*policydesk.User, error)
}

// SetMember shares a document with a user in a role.
func (s *Service) SetMember(ctx context.Context, id int64, login, role string) (*Member, error) {
	_, a, err := s.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.Manage {
		return nil, policydesk.Errorf(policydesk.EForbidden, "Only the document's owner, its editors and administrators manage who may see it.")
	}
	if err := textkit.CheckOneOf(policydesk.Say("role"), role, MemberRoles); err != nil {
		return nil, err
	}
	u, err := s.Users.FindUserByLogin(ctx, login)
	if policydesk.ErrorCode(err) == policydesk.ENotFound {
		return nil, policydesk.Errorf(policydesk.EInvalid, "There is no user %q.", login)
	} else if err != nil {
		return nil, err
	}
	if role == "editor" && u.Role != policydesk.RoleEditor && u.Role != policydesk.RoleAdmin {
		return nil, policydesk.Errorf(policydesk.EInvalid, "Only legal experts can be editors of a document; %s is not one.", u.Login)
	}
	m := &Member{DocumentID: id, UserID: u.ID, Login: u.Login, Name: u.Name, Role: role}
	if err := s.Docs.SetMember(ctx, m, s.audit(ctx, "member.set", "document", itoa(id), "%s as %s", u.Login, memberRoleWords[role])); err != nil {
		return nil, err
	}
	return m, nil
}

// MemberAudit is the audit entry of making login a member of document id
// with role, as SetMember writes it, for a store that shares a document
// in the same write as something else (a round's reviewers).
func (s *Service) MemberAudit(ctx context.Context, id int64, login, role string) *policydesk.AuditEntry {
	return s.audit(ctx, "member.set", "document", itoa(id), "%s as %s", login, memberRoleWords[role])
}

// RemoveMember withdraws a user's access to a document.
func (s *Service) RemoveMember(ctx context.Context, id int64, login string) error {
	_, a, err := s.Document(ctx, id)
	if err != nil {
		return err
	}
	if !a.Manage {
		return policydesk.Errorf(policydesk.EForbidden, "You may not manage who sees this document.")
	}
	u, err := s.Users.FindUserByLogin(ctx, login)
	if err != nil {
		return err
	}
	return s.Docs.RemoveMember(ctx, id, u.ID, s.audit(ctx, "member.remove", "document", itoa(id), "%s", u.Login))
}

// Members lists who a document is shared with.
func (s *Service) Members(ctx context.Context, id int64) ([]*Member, error) {
	if _, _, err := s.Document(ctx, id); err != nil {
		return nil, err
	}
	return s.Docs.FindMembers(ctx, id)
}

// memberRoleWords name the roles on a document in sentences.
var memberRoleWords = map[string]policydesk.Words{
	"editor":   policydesk.Say("editor"),
	"reviewer": policydesk.Say("reviewer"),
	"reader":   policydesk.Say("reader"),
}
