package web

import (
	"net/http"
	"strconv"

	"policydesk/drafts"
)

// apiAudit answers the audit log (admins only), filtered by object_type,
// object_id, user, action and from/to days; with ?format=csv it is the same
// CSV download as the page's.
func (s *Server) apiAudit(r *http.Request) (int, any, error) {
	if err := drafts.CanReadAudit(r.Context()); err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	f, err := s.auditFilter(q)
	if err != nil {
		return 0, nil, err
	}
	f.ObjectType, f.ObjectID = q.Get("object_type"), q.Get("object_id")
	if q.Get("format") == "csv" {
		csv, err := s.auditCSV(r.Context(), s.localizer(r), f)
		return http.StatusOK, csv, err
	}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	entries, total, err := s.auditEntries(r.Context(), s.localizer(r).Lang(), f)
	return http.StatusOK, map[string]any{"entries": entries, "total": total}, err
}
