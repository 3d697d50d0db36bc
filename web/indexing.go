package web

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/search"
)

// registerIndexing mounts what admins see and do about indexing: documents
// not indexed and attachments whose text was not extracted, with the
// reason, and a retry for each.
func (s *Server) registerIndexing(api, pages *mux.Router) {
	api.HandleFunc("/admin/indexing", s.api(s.apiIndexing)).Methods(http.MethodGet)
	api.HandleFunc("/admin/indexing/{kind:documents|attachments}/{id}/retry", s.api(s.apiRetryIndexing)).Methods(http.MethodPost)
	pages.HandleFunc("/admin/indexing", s.pageIndexing).Methods(http.MethodGet)
	pages.HandleFunc("/admin/indexing/{kind:documents|attachments}/{id}/retry", s.form(s.pageRetryIndexing)).Methods(http.MethodPost)
}

func (s *Server) indexing(r *http.Request) (*search.Indexing, error) {
	if s.Search == nil {
		return nil, policydesk.Errorf(policydesk.EUnavailable, "Search is not configured on this server.")
	}
	return s.Search.Indexing(r.Context())
}

func (s *Server) retryIndexing(r *http.Request) error {
	if s.Search == nil {
		return policydesk.Errorf(policydesk.EUnavailable, "Search is not configured on this server.")
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if mux.Vars(r)["kind"] == "documents" {
		return s.Search.RetryDocument(r.Context(), id)
	}
	return s.Search.RetryAttachment(r.Context(), id)
}

func (s *Server) apiIndexing(r *http.Request) (int, any, error) {
	st, err := s.indexing(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, st, nil
}

func (s *Server) apiRetryIndexing(r *http.Request) (int, any, error) {
	return http.StatusNoContent, nil, s.retryIndexing(r)
}

func (s *Server) pageIndexing(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	st, err := s.indexing(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	var setAside, retrying []search.Problem
	for _, p := range st.Problems {
		if p.SetAside {
			setAside = append(setAside, p)
		} else {
			retrying = append(retrying, p)
		}
	}
	s.render(w, r, http.StatusOK, "indexing", map[string]any{"Title": "Indexing", "Status": st,
		"SetAside": setAside, "Retrying": retrying, "Notice": notice(r, 0)})
}

func (s *Server) pageRetryIndexing(r *http.Request) (string, error) {
	if err := s.retryIndexing(r); err != nil {
		return "", err
	}
	return noticeURL("/admin/indexing", noticeIndexingRetried, "", 0), nil
}

// problemRetryURL is where a problem's retry form posts.
func problemRetryURL(p search.Problem) string {
	if p.AttachmentID != 0 {
		return "/admin/indexing/attachments/" + strconv.FormatInt(p.AttachmentID, 10) + "/retry"
	}
	return "/admin/indexing/documents/" + strconv.FormatInt(p.DocumentID, 10) + "/retry"
}
