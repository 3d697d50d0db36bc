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
	return show("edit", map[string]any{"Title": "Edit: " + doc.Title, "Doc": doc, "Base": doc.Head, "Body": v.Body}), nil
}

// pageSave saves from the editor. A stale base shows the conflict page with
// the merge proposal in the editor, so the expert reviews it and saves
// again; a refused text comes back in the editor with the reason.
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
		return reply{view: "conflict", status: http.StatusConflict, data: map[string]any{"Title": "Someone saved first: " + doc.Title,
			"Doc": doc, "Conflict": conflict, "Mine": body, "Message": message, "Base": base}}, nil
	}
	return showAgain("edit", map[string]any{"Title": "Edit: " + doc.Title, "Doc": doc, "Base": base, "Body": body, "Message": message}, err), nil
}
