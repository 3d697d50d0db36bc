package web

import (
	"html/template"
	"net/http"
	"unicode/utf8"

	"policydesk/drafts"
	"policydesk/search"
)

// highlight marks, in the rendered text of a document opened from a search
// hit (?hl=words), the words the hit was found by and their synonyms. The
// rendering is the service's own sanitised HTML; search.MarkHTML copies its
// markup and escapes every text node again, so ?hl adds nothing but
// <mark> elements. A longer hl than search.MaxHighlightRunes is cut.
func (s *Server) highlight(r *http.Request, data map[string]any) {
	hl := r.URL.Query().Get("hl")
	rendered, ok := data["HTML"].(template.HTML)
	if hl == "" || !ok || s.Search == nil || !utf8.ValidString(hl) {
		return
	}
	if runes := []rune(hl); len(runes) > search.MaxHighlightRunes {
		hl = string(runes[:search.MaxHighlightRunes])
	}
	words := s.Search.HighlightWords(r.Context(), hl)
	lang := ""
	if doc, ok := data["Doc"].(*drafts.Document); ok {
		lang = doc.Language
	}
	data["HTML"] = template.HTML(search.MarkHTML(string(rendered), words, lang))
	data["Highlighted"] = hl
}
