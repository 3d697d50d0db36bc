package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/outline"
	"policydesk/review/docx"
)

// pageImportForm asks for a Word file to start a new document from.
func (s *Server) pageImportForm(r *http.Request) (reply, error) {
	return show("import", s.importFormData(r, nil)), nil
}

// pageImportVersionForm asks an editor for a Word file to make the next
// version from.
func (s *Server) pageImportVersionForm(r *http.Request, id int64) (reply, error) {
	doc, _, err := s.Drafts.ForEditing(r.Context(), id)
	if err != nil {
		return reply{}, err
	}
	data := s.importFormData(r, doc)
	data["Base"] = doc.Head
	return show("import", data), nil
}

func (s *Server) importFormData(r *http.Request, doc *drafts.Document) map[string]any {
	data := map[string]any{"Title": s.tr(r, "import.title"), "Action": "/documents/import",
		"Form": drafts.NewDocument{Kind: "regulation", Language: "sq", Visibility: "internal"}}
	if doc != nil {
		data["Title"] = s.tr(r, "import.version_title", "Title", doc.Title)
		data["Doc"] = doc
		data["Action"] = "/documents/" + strconv.FormatInt(doc.ID, 10) + "/import"
	}
	return data
}

// pageImportPreview reads the uploaded Word file and shows the Markdown
// (still editable), its articles and what was left out, with a form that
// saves it through the ordinary new-document or editor form. Nothing is
// saved here; a refused file shows the upload form again with the reason.
func (s *Server) pageImportPreview(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	var doc *drafts.Document
	data := s.importFormData(r, nil)
	if _, ok := mux.Vars(r)["id"]; ok {
		id, err := pathID(r, "id")
		if err == nil {
			doc, _, err = s.Drafts.ForEditing(r.Context(), id)
		}
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		data = s.importFormData(r, doc)
		data["Base"] = doc.Head
	}
	up, err := s.readImport(w, r)
	var im *docx.Imported
	if err == nil {
		im, err = s.convert(r.Context(), up)
	}
	if err != nil {
		if slices.Contains(textRefusals, policydesk.ErrorCode(err)) {
			s.answer(w, r, showAgain("import", data, err))
		} else {
			s.pageError(w, r, err)
		}
		return
	}
	data["Preview"] = true
	data["Body"] = im.Markdown
	data["Outline"] = outline.Parse(im.Markdown)
	data["Notes"] = s.importNotes(r, im.Notes)
	data["Message"] = s.importMessage(r, up)
	data["Filename"] = up.filename
	if doc != nil {
		data["Base"] = max(atoiField(up.fields["base"]), 1)
	} else {
		f := up.fields
		data["Form"] = drafts.NewDocument{Title: up.importTitle(im), Kind: f["kind"], Language: f["language"], Visibility: f["visibility"]}
	}
	s.answer(w, r, show("import", data))
}
