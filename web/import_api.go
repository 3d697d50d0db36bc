package web

import (
	"net/http"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/outline"
	"policydesk/review/docx"
)

// importRoutes: Word documents imported as new documents or versions.
// Their bodies are streamed multipart (isUpload), so the page that takes
// the file is not a form either.
func (s *Server) importRoutes(api, pages *mux.Router) {
	api.HandleFunc("/documents/import", s.apiImportDocument).Methods(http.MethodPost)
	api.HandleFunc("/documents/{id}/versions/import", s.apiImportVersion).Methods(http.MethodPost)
	pages.HandleFunc("/documents/import", s.page(s.pageImportForm)).Methods(http.MethodGet)
	pages.HandleFunc("/documents/import", s.pageImportPreview).Methods(http.MethodPost)
	pages.HandleFunc("/documents/{id}/import", s.page(pageOnID("id", s.pageImportVersionForm))).Methods(http.MethodGet)
	pages.HandleFunc("/documents/{id}/import", s.pageImportPreview).Methods(http.MethodPost)
}

// importJSON says what an import changed or left out.
type importJSON struct {
	Notes          []noteJSON `json:"notes"`
	TrackedChanges int        `json:"tracked_changes"`
}

// apiImportDocument creates a document from a Word file, or with
// ?preview=true answers the Markdown, its outline and the notes and saves
// nothing.
func (s *Server) apiImportDocument(w http.ResponseWriter, r *http.Request) {
	if !policydesk.CanCreateDocuments(policydesk.UserFromContext(r.Context())) {
		s.apiError(w, r, policydesk.Errorf(policydesk.EForbidden, "Only legal experts and administrators can create documents."))
		return
	}
	up, err := s.readImport(w, r)
	var im *docx.Imported
	if err == nil {
		im, err = s.convert(r.Context(), up)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	info := importJSON{Notes: s.importNotes(r, im.Notes), TrackedChanges: im.TrackedChanges}
	if r.URL.Query().Get("preview") == "true" {
		type articleJSON struct {
			Num     string `json:"num"`
			Heading string `json:"heading"`
		}
		arts := []articleJSON{}
		for _, a := range outline.Parse(im.Markdown) {
			arts = append(arts, articleJSON{a.Num, a.Heading})
		}
		writeJSON(w, http.StatusOK, map[string]any{"markdown": im.Markdown, "outline": arts, "title": up.importTitle(im),
			"notes": info.Notes, "tracked_changes": info.TrackedChanges})
		return
	}
	f := up.fields
	doc, _, err := s.Drafts.CreateDocument(r.Context(), drafts.NewDocument{Title: up.importTitle(im), Kind: f["kind"],
		Language: f["language"], Visibility: f["visibility"], Body: im.Markdown, Message: s.importMessage(r, up)})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, struct {
		*drafts.Document
		Import importJSON `json:"import"`
	}{doc, info})
}

// apiImportVersion saves a Word file as the version after "base"; a stale
// base is the usual 409 with the merge proposal.
func (s *Server) apiImportVersion(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var up *importUpload
	if err == nil {
		up, err = s.readImport(w, r)
	}
	base := 0
	if err == nil {
		if base = atoiField(up.fields["base"]); base < 1 {
			err = policydesk.Errorf(policydesk.EInvalid, "Name the version your edit started from in \"base\".")
		}
	}
	if err == nil {
		// Only an editor's file is converted.
		_, _, err = s.Drafts.ForEditing(r.Context(), id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	im, err := s.convert(r.Context(), up)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	v, err := s.Drafts.SaveVersion(r.Context(), id, base, im.Markdown, s.importMessage(r, up))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	v.Body = ""
	writeJSON(w, http.StatusCreated, struct {
		*drafts.Version
		Import importJSON `json:"import"`
	}{v, importJSON{Notes: s.importNotes(r, im.Notes), TrackedChanges: im.TrackedChanges}})
}
