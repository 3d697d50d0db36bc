package web

import (
	"net/http"
)

// apiDiff answers the redline between ?from= and ?to= (by default the head
// against the version before it) as JSON, or with ?format=html as the
// inline view's HTML, or with ?format=docx as Word (docx_diff.go).
func (s *Server) apiDiff(r *http.Request, id int64) (int, any, error) {
	if r.URL.Query().Get("format") == "docx" {
		return s.apiDiffDocx(r, id)
	}
	from, to, err := s.diffRange(r, id)
	if err != nil {
		return 0, nil, err
	}
	red, _, _, err := s.Review.Diff(r.Context(), id, from, to)
	if err != nil {
		return 0, nil, err
	}
	if r.URL.Query().Get("format") == "html" {
		arts, err := newRedlineView(r.Context(), s.Drafts.Renderer, nil).inlineArticles(red)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, writeBody(func(w http.ResponseWriter) {
			s.renderFragment(w, r, "redline-inline", arts)
		}), nil
	}
	return http.StatusOK, map[string]any{"from": from, "to": to, "stats": red.Stats, "bounded": red.Bounded, "articles": red.Articles}, nil
}
