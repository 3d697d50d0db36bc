package drafts

import (
	"context"
	"strconv"

	"policydesk"
)

// Audit returns the audit log (admins only).
func (s *Service) Audit(ctx context.Context, f policydesk.AuditFilter) ([]*policydesk.AuditEntry, int, error) {
	if err := CanReadAudit(ctx); err != nil {
		return nil, 0, err
	}
	f.Offset = max(f.Offset, 0)
	if f.Limit <= 0 || f.Limit > MaxAuditPage {
		f.Limit = 100
	}
	if len(f.Actor) > 200 || len(f.Action) > 200 {
		return nil, 0, policydesk.Errorf(policydesk.EInvalid, "A user or action to filter by is at most 200 characters long.")
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return nil, 0, policydesk.Errorf(policydesk.EInvalid, "The end date is before the start date.").On("to")
	}
	entries, total, err := s.Docs.FindAudit(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	return entries, total, s.titleAudit(ctx, entries)
}

// CanReadAudit refuses everyone but administrators, who read the audit log.
func CanReadAudit(ctx context.Context) error {
	if !policydesk.IsAdmin(policydesk.UserFromContext(ctx)) {
		return policydesk.Errorf(policydesk.EForbidden, "Only an administrator can read the audit log.")
	}
	return nil
}

// MaxAuditPage is the most entries Audit returns at once.
const MaxAuditPage = 500

// titleAudit fills in the titles of the documents entries are about, looked
// up in one query.
func (s *Service) titleAudit(ctx context.Context, entries []*policydesk.AuditEntry) error {
	var ids []int64
	seen := map[int64]bool{}
	for _, e := range entries {
		if id, err := strconv.ParseInt(e.ObjectID, 10, 64); e.ObjectType == "document" && err == nil && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	titles, err := s.Docs.DocumentTitles(ctx, ids)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if id, err := strconv.ParseInt(e.ObjectID, 10, 64); e.ObjectType == "document" && err == nil {
			e.ObjectTitle = titles[id]
		}
	}
	return nil
}

// audit starts an entry whose detail is an English sentence format and its
// values (see policydesk.AuditEntry.Describe).
func (s *Service) audit(ctx context.Context, action, objectType, objectID, format string, args ...any) *policydesk.AuditEntry {
	return policydesk.NewAuditEntry(ctx, s.Now(), action, objectType, objectID, format, args...)
}

// AuditEntry starts an audit entry for an action by the user in ctx, for
// other domain services that write through their own stores.
func (s *Service) AuditEntry(ctx context.Context, action, objectType, objectID, format string, args ...any) *policydesk.AuditEntry {
	return s.audit(ctx, action, objectType, objectID, format, args...)
}
