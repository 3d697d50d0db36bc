package drafts

import (
	"context"

	"policydesk"
)

// Audit returns the audit log (admins only).
func (s *Service) Audit(ctx context.Context, f policydesk.AuditFilter) ([]*policydesk.AuditEntry, int, error) {
	if !policydesk.IsAdmin(policydesk.UserFromContext(ctx)) {
		return nil, 0, policydesk.Errorf(policydesk.EForbidden, "Only an administrator can read the audit log.")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	return s.Docs.FindAudit(ctx, f)
}

func (s *Service) audit(ctx context.Context, action, objectType, objectID, detail string) *policydesk.AuditEntry {
	return policydesk.NewAuditEntry(ctx, s.Now(), action, objectType, objectID, detail)
}

// AuditEntry starts an audit entry for an action by the user in ctx, for
// other domain services that write through their own stores.
func (s *Service) AuditEntry(ctx context.Context, action, objectType, objectID, detail string) *policydesk.AuditEntry {
	return s.audit(ctx, action, objectType, objectID, detail)
}
