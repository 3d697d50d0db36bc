package web

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/search"
)

// The indexing page shows admins documents not indexed and attachments
// whose text was not extracted, with the reason, and a retry for each; the
// search service refuses anyone else.

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

func (s *Server) pageIndexing(r *http.Request) (reply, error) {
	st, err := s.indexing(r)
	if err != nil {
		return reply{}, err
	}
	var setAside, retrying []search.Problem
	for _, p := range st.Problems {
		if p.SetAside {
			setAside = append(setAside, p)
		} else {
			retrying = append(retrying, p)
		}
	}
	return show("indexing", map[string]any{"Title": s.tr(r, "indexing.title"), "Status": st,
		"SetAside": setAside, "Retrying": retrying, "Notice": s.notice(r, 0)}), nil
}

func (s *Server) pageRetryIndexing(r *http.Request) (reply, error) {
	if err := s.retryIndexing(r); err != nil {
		return reply{}, err
	}
	return seeOther(noticeURL("/admin/indexing", noticeIndexingRetried, "", 0)), nil
}

// problemRetryURL is where a problem's retry form posts.
func problemRetryURL(p search.Problem) string {
	if p.AttachmentID != 0 {
		return "/admin/indexing/attachments/" + strconv.FormatInt(p.AttachmentID, 10) + "/retry"
	}
	return "/admin/indexing/documents/" + strconv.FormatInt(p.DocumentID, 10) + "/retry"
}
