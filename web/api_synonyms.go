package web

import (
	"net/http"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/search"
)

// Search synonyms over the API and on the admin page /admin/synonyms:
// every signed-in user may list the groups in effect; admins change them
// (the search service decides who may, validates and audits).

// synonymRoutes: the API and the admin page of the synonym groups.
func (s *Server) synonymRoutes(api, pages *mux.Router) {
	api.HandleFunc("/search/synonyms", s.api(s.apiSynonyms)).Methods(http.MethodGet)
	api.HandleFunc("/search/synonyms/{id}", s.api(s.apiPutSynonyms)).Methods(http.MethodPut)
	api.HandleFunc("/search/synonyms/{id}", s.api(s.apiDeleteSynonyms)).Methods(http.MethodDelete)
	pages.HandleFunc("/admin/synonyms", s.page(s.pageSynonyms)).Methods(http.MethodGet)
	pages.HandleFunc("/admin/synonyms", s.form(s.pageSynonymsChange)).Methods(http.MethodPost)
}

func (s *Server) searchService() (*search.Service, error) {
	if s.Search == nil {
		return nil, policydesk.Errorf(policydesk.EUnavailable, "Search is not configured on this server.")
	}
	return s.Search, nil
}

// apiSynonyms answers GET /search/synonyms: {"groups": [...]}.
func (s *Server) apiSynonyms(r *http.Request) (int, any, error) {
	svc, err := s.searchService()
	if err != nil {
		return 0, nil, err
	}
	groups, err := svc.Synonyms(r.Context())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"groups": groups}, nil
}

// apiPutSynonyms answers PUT /search/synonyms/{id} {"terms": [...]}: the
// group as it is now in effect.
func (s *Server) apiPutSynonyms(r *http.Request) (int, any, error) {
	svc, err := s.searchService()
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		Terms []string `json:"terms"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	g, err := svc.PutSynonymGroup(r.Context(), search.SynonymGroup{ID: mux.Vars(r)["id"], Terms: in.Terms})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, g, nil
}

// apiDeleteSynonyms answers DELETE /search/synonyms/{id} with 204.
func (s *Server) apiDeleteSynonyms(r *http.Request) (int, any, error) {
	svc, err := s.searchService()
	if err != nil {
		return 0, nil, err
	}
	if err := svc.DeleteSynonymGroup(r.Context(), mux.Vars(r)["id"]); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
