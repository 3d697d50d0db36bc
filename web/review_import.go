package web

import (
	"net/http"

	"github.com/gorilla/mux"

	"policydesk/review"
)

// wordReviewRoutes: a reviewer's returned .docx imported into a round.
// The upload is a streamed multipart body (see isUpload), so the page's
// action is not a form handler (which would parse it).
func (s *Server) wordReviewRoutes(api, pages *mux.Router) {
	api.HandleFunc("/documents/{id}/rounds/{r}/import", s.apiImportWordReview).Methods(http.MethodPost)
	pages.HandleFunc("/documents/{id}/rounds/{r}/import", s.pageImportWordReview).Methods(http.MethodPost)
}

// importWordReview reads the upload (readImport: "file", "reviewer" and a
// page's CSRF token) and imports it into the round named by the route.
func (s *Server) importWordReview(w http.ResponseWriter, r *http.Request) (int64, int, *review.WordImportSummary, error) {
	id, n, err := numbered(r, "r")
	if err != nil {
		return 0, 0, nil, err
	}
	up, err := s.readImport(w, r)
	if err != nil {
		return 0, 0, nil, err
	}
	sum, err := s.Review.ImportWordReview(r.Context(), id, n, up.fields["reviewer"], up.data)
	return id, n, sum, err
}

func (s *Server) apiImportWordReview(w http.ResponseWriter, r *http.Request) {
	_, _, sum, err := s.importWordReview(w, r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, wordReviewJSON{Comments: sum.Created, Unanchored: len(sum.Unanchored),
		Counts:   wordReviewCounts{Comments: sum.Comments, Suggestions: sum.Suggestions, Replies: sum.Replies},
		NotFound: sum.Unanchored, Threads: sum.Threads})
}

// wordReviewJSON is the API's answer to a Word review import, as API.md
// states it: the comments made and the number of items whose words were
// not found, with the counts by kind and those items.
type wordReviewJSON struct {
	Comments   []*review.Comment `json:"comments"`
	Unanchored int               `json:"unanchored"`
	Counts     wordReviewCounts  `json:"counts"`
	// NotFound are the items counted in Unanchored; each became a comment
	// on the document, with its text.
	NotFound []review.UnanchoredItem `json:"not_found"`
	// Threads is false when the file had no reply threads.
	Threads bool `json:"threads"`
}

// wordReviewCounts count Word's comments (anchored or not), its tracked
// changes (suggestions) and the replies in its comment threads.
type wordReviewCounts struct {
	Comments    int `json:"comments"`
	Suggestions int `json:"suggestions"`
	Replies     int `json:"replies"`
}

// pageImportWordReview imports from the round page's form and shows what
// was imported and what could not be placed.
func (s *Server) pageImportWordReview(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	id, n, sum, err := s.importWordReview(w, r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	doc, _, err := s.Drafts.Document(r.Context(), id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	kinds := map[string]string{"comment": s.tr(r, "wordreview.kind.comment"), "insert": s.tr(r, "wordreview.kind.insert"),
		"delete": s.tr(r, "wordreview.kind.delete"), "replace": s.tr(r, "wordreview.kind.replace")}
	s.render(w, r, http.StatusCreated, "word_import", map[string]any{
		"Title": s.tr(r, "wordreview.result_title"), "Doc": doc, "Round": n, "RoundURL": roundURL(id, n),
		"Summary": sum, "Kinds": kinds,
	})
}
