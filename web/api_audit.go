package web

import (
	"net/http"
	"strconv"

	"policydesk"
)

func (s *Server) apiAudit(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	f := policydesk.AuditFilter{ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id")}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	entries, total, err := s.Drafts.Audit(r.Context(), f)
	return http.StatusOK, map[string]any{"entries": entries, "total": total}, err
}
