package web

import (
	"net/http"
	"slices"

	"policydesk"
	"policydesk/drafts"
)

// textRefusals are the errors the editor and the new-document form show
// above what was typed, so that nothing typed is lost.
var textRefusals = []string{policydesk.EInvalid, policydesk.ETooLarge, policydesk.ETooComplex}

// pageNewDocument shows the form for a new document.
func (s *Server) pageNewDocument(r *http.Request) (reply, error) {
	return show("new", map[string]any{"Title": s.tr(r, "edit.new.title"),
		"Form": drafts.NewDocument{Kind: "regulation", Language: "sq", Visibility: "internal"}}), nil
}

// pageCreateDocument creates the document and opens it.
func (s *Server) pageCreateDocument(r *http.Request) (reply, error) {
	in := drafts.NewDocument{Title: r.PostFormValue("title"), Kind: r.PostFormValue("kind"), Language: r.PostFormValue("language"),
		Visibility: r.PostFormValue("visibility"), Body: r.PostFormValue("body"), Message: r.PostFormValue("message")}
	doc, _, err := s.Drafts.CreateDocument(r.Context(), in)
	if slices.Contains(textRefusals, policydesk.ErrorCode(err)) {
		return showAgain("new", map[string]any{"Title": s.tr(r, "edit.new.title"), "Form": in}, err), nil
	} else if err != nil {
		return reply{}, err
	}
	return seeOther(docURL(doc.ID)), nil
}
