package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"policydesk"
	"policydesk/drafts"
)

// pageEdit opens the editor on the head version.
func (s *Server) pageEdit(r *http.Request, id int64) (reply, error) {
	doc, v, err := s.Drafts.ForEditing(r.Context(), id)
	if err != nil {
		return reply{}, err
	}
	return show("edit", map[string]any{"Title": s.tr(r, "edit.title", "Title", doc.Title), "Doc": doc, "Base": doc.Head, "Body": v.Body}), nil
}

// pageSave saves from the editor. A stale base shows the merge page
// (document_merge.go), so the expert settles each conflict or, when the
// merge is clean, reads it through and saves again; a refused text comes
// back in the editor with the reason.
func (s *Server) pageSave(r *http.Request, id int64) (reply, error) {
	base, _ := strconv.Atoi(r.PostFormValue("base"))
	body, message := r.PostFormValue("body"), r.PostFormValue("message")
	v, err := s.Drafts.SaveVersion(r.Context(), id, base, body, message)
	if err == nil {
		return seeOther(noticeURL(docURL(id), noticeVersionSaved, "", v.Number)), nil
	}
	var conflict *drafts.ConflictError
	if !errors.As(err, &conflict) && !slices.Contains(textRefusals, policydesk.ErrorCode(err)) {
		return reply{}, err
	}
	// Both answers give the expert their text back, under the document's title.
	doc, _, derr := s.Drafts.Document(r.Context(), id)
	if derr != nil {
		return reply{}, derr
	}
	if conflict != nil {
		return s.mergePage(r, doc, conflict.Review, nil, message, nil)
	}
	return showAgain("edit", map[string]any{"Title": s.tr(r, "edit.title", "Title", doc.Title), "Doc": doc, "Base": base, "Body": body, "Message": message}, err), nil
}
