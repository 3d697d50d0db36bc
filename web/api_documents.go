package web

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"policydesk/drafts"
)

func (s *Server) apiDocuments(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	f := drafts.DocumentFilter{Kind: q.Get("kind"), Status: q.Get("status"), Language: q.Get("language")}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	docs, total, err := s.Drafts.Documents(r.Context(), f)
	return http.StatusOK, map[string]any{"documents": docs, "total": total}, err
}

func (s *Server) apiCreateDocument(r *http.Request) (int, any, error) {
	var in struct{ Title, Kind, Language, Visibility, Status, Body, Message string }
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	doc, _, err := s.Drafts.CreateDocument(r.Context(), drafts.NewDocument(in))
	return http.StatusCreated, doc, err
}

func (s *Server) apiDocument(r *http.Request, id int64) (int, any, error) {
	doc, _, err := s.Drafts.Document(r.Context(), id)
	return http.StatusOK, doc, err
}

// documentPatchJSON is the body of PATCH /documents/{id}: absent fields stay.
type documentPatchJSON struct{ Title, Status, Visibility *string }

func (s *Server) apiUpdateDocument(r *http.Request, id int64, in *documentPatchJSON) (int, any, error) {
	doc, err := s.Drafts.UpdateDocument(r.Context(), id, drafts.DocumentPatch(*in))
	return http.StatusOK, doc, err
}

func (s *Server) apiMembers(r *http.Request, id int64) (int, any, error) {
	members, err := s.Drafts.Members(r.Context(), id)
	return http.StatusOK, map[string]any{"members": members}, err
}

// memberJSON is the body of PUT /documents/{id}/members/{login}.
type memberJSON struct{ Role string }

func (s *Server) apiSetMember(r *http.Request, id int64, in *memberJSON) (int, any, error) {
	m, err := s.Drafts.SetMember(r.Context(), id, mux.Vars(r)["login"], in.Role)
	return http.StatusOK, m, err
}

func (s *Server) apiRemoveMember(r *http.Request, id int64) (int, any, error) {
	return http.StatusNoContent, nil, s.Drafts.RemoveMember(r.Context(), id, mux.Vars(r)["login"])
}
