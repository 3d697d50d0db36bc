package web

import (
	"net/http"
	"net/url"
	"strings"

	"policydesk"
	"policydesk/search"
)

// The admin page of the search synonyms (/admin/synonyms): every group in
// effect with its terms, one per line, to change or remove, and a form to
// add a group.

// synonymsDone are the banners after a change, by the ?done= code.
var synonymsDone = map[string]string{"put": "synonyms.done.put", "delete": "synonyms.done.delete"}

func (s *Server) pageSynonyms(r *http.Request) (reply, error) {
	if !policydesk.IsAdmin(policydesk.UserFromContext(r.Context())) {
		return reply{}, policydesk.Errorf(policydesk.EForbidden, "Only admins change the search synonyms.")
	}
	svc, err := s.searchService()
	if err != nil {
		return reply{}, err
	}
	groups, err := svc.Synonyms(r.Context())
	if err != nil {
		return reply{}, err
	}
	data := map[string]any{"Title": s.tr(r, "synonyms.title"), "Groups": groups, "Return": "/admin/synonyms",
		"MaxTerms": search.MaxSynonymTerms, "MaxRunes": search.MaxSynonymRunes}
	if key, ok := synonymsDone[r.URL.Query().Get("done")]; ok {
		data["Notice"] = s.tr(r, key, "ID", r.URL.Query().Get("id"))
	}
	return show("synonyms", data), nil
}

// pageSynonymsChange runs the page's forms (field "action": put, delete)
// and returns to the page.
func (s *Server) pageSynonymsChange(r *http.Request) (reply, error) {
	svc, err := s.searchService()
	if err != nil {
		return reply{}, err
	}
	action, id := r.PostFormValue("action"), strings.TrimSpace(r.PostFormValue("id"))
	form := "synonyms-" + action
	switch action {
	case "put":
		if r.PostFormValue("new") != "" {
			form = "synonyms-new"
		}
		terms := strings.Split(strings.ReplaceAll(r.PostFormValue("terms"), "\r\n", "\n"), "\n")
		var kept []string
		for _, t := range terms {
			if strings.TrimSpace(t) != "" {
				kept = append(kept, t)
			}
		}
		_, err = svc.PutSynonymGroup(r.Context(), search.SynonymGroup{ID: id, Terms: kept})
	case "delete":
		err = svc.DeleteSynonymGroup(r.Context(), id)
	default:
		return reply{}, policydesk.Errorf(policydesk.EBadRequest, "The synonyms form has no action %q.", truncate(action, 20))
	}
	if err != nil {
		return reply{}, inForm(form, err)
	}
	return seeOther("/admin/synonyms?" + url.Values{"done": {action}, "id": {id}}.Encode()), nil
}
