package web

import (
	"net/http"
	"strconv"

	"policydesk"
)

// pageAudit shows the audit log to admins (the service refuses anyone
// else), 100 entries to a page.
func (s *Server) pageAudit(r *http.Request) (reply, error) {
	page := pageNumber(r)
	f := policydesk.AuditFilter{Limit: 100, Offset: (page - 1) * 100}
	entries, total, err := s.Drafts.Audit(r.Context(), f)
	if err != nil {
		return reply{}, err
	}
	next := ""
	if f.Offset+len(entries) < total {
		next = "/audit?page=" + strconv.Itoa(page+1)
	}
	return show("audit", map[string]any{"Title": "Audit log", "Entries": entries, "Total": total, "NextPage": next}), nil
}
