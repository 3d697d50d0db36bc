package web

import (
	"net/http"
	"net/url"
	"strconv"

	"policydesk/drafts"
)

// pageLibrary lists the documents the user may read, filtered by kind,
// status and language, 50 to a page.
func (s *Server) pageLibrary(r *http.Request) (reply, error) {
	q := r.URL.Query()
	f := drafts.DocumentFilter{Kind: q.Get("kind"), Status: q.Get("status"), Language: q.Get("language"), Limit: 50}
	page := pageNumber(r)
	f.Offset = (page - 1) * f.Limit
	docs, total, err := s.Drafts.Documents(r.Context(), f)
	if err != nil {
		return reply{}, err
	}
	next := ""
	if f.Offset+len(docs) < total {
		more := url.Values{"kind": {f.Kind}, "status": {f.Status}, "language": {f.Language}, "page": {strconv.Itoa(page + 1)}}
		next = "/documents?" + more.Encode()
	}
	return show("library", map[string]any{"Title": s.tr(r, "library.heading"), "Documents": docs, "Total": total, "Filter": f, "NextPage": next}), nil
}
