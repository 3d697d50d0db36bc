package web

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"policydesk/drafts"
)

// pageDocumentSettings changes the title, status or visibility: only the
// fields the form sent.
func (s *Server) pageDocumentSettings(r *http.Request, id int64) (reply, error) {
	var p drafts.DocumentPatch
	for field, dst := range map[string]**string{"title": &p.Title, "status": &p.Status, "visibility": &p.Visibility} {
		if vals, ok := r.PostForm[field]; ok && len(vals) > 0 {
			v := vals[0]
			*dst = &v
		}
	}
	_, err := s.Drafts.UpdateDocument(r.Context(), id, p)
	return seeOther(noticeURL(docURL(id), noticeSaved, "", 0)), err
}

// pageSetMember shares the document with a user in a role.
func (s *Server) pageSetMember(r *http.Request, id int64) (reply, error) {
	_, err := s.Drafts.SetMember(r.Context(), id, strings.TrimSpace(r.PostFormValue("login")), r.PostFormValue("role"))
	return seeOther(docURL(id) + "#members"), err
}

// pageRemoveMember stops sharing the document with a user.
func (s *Server) pageRemoveMember(r *http.Request, id int64) (reply, error) {
	return seeOther(docURL(id) + "#members"), s.Drafts.RemoveMember(r.Context(), id, mux.Vars(r)["login"])
}
