package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"policydesk/drafts"
	"policydesk/search"
	"policydesk/web/i18n"
)

// pageSearch shows the search form and, once there is a query, the hits
// with their snippets, the facets and the next page's link.
func (s *Server) pageSearch(r *http.Request) (reply, error) {
	l := s.localizer(r)
	data := map[string]any{"Title": s.tr(r, "edit.search.title"), "Q": r.URL.Query().Get("q"),
		"Labels": facetLabelsJSON(l), "Strings": s.searchStrings(r)}
	if r.URL.Query().Get("q") == "" && len(r.URL.Query()) == 0 {
		return show("search", data), nil
	}
	q, res, err := s.runSearch(r)
	if err != nil {
		return reply{}, err
	}
	hits := make([]map[string]any, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = map[string]any{"Hit": h, "URL": hitURL(h)}
	}
	limit, offset := q.Page()
	next := ""
	if offset+len(res.Hits) < res.Total {
		v := r.URL.Query()
		v.Set("offset", strconv.Itoa(offset+limit))
		next = "/search?" + v.Encode()
	}
	data["Query"], data["Total"], data["Hits"], data["Facets"], data["NextPage"] = q, res.Total, hits, facetValues(l, q, res), next
	return show("search", data), nil
}

// facetValue is one clickable facet with its count.
type facetValue struct {
	Value, Label string
	Count        int
	Selected     bool
	URL          string
}

// facetValues lists each facet's values, most hits first, each linking to
// the query with that value chosen, or no longer chosen when it is.
func facetValues(l *i18n.Localizer, q search.Query, res *search.Result) map[string][]facetValue {
	facets := map[string][]facetValue{}
	selected := map[string]string{"kind": q.Kind, "status": q.Status, "language": q.Language}
	if q.Year != 0 {
		selected["year"] = strconv.Itoa(q.Year)
	}
	for name, counts := range res.Facets {
		for value, n := range counts {
			v := url.Values{}
			for k, sel := range selected {
				if sel != "" && k != name {
					v.Set(k, sel)
				}
			}
			v.Set("q", q.Q)
			isSel := selected[name] == value
			if !isSel {
				v.Set(name, value)
			}
			facets[name] = append(facets[name], facetValue{Value: value, Label: facetLabel(l, name, value), Count: n, Selected: isSel, URL: "/search?" + v.Encode()})
		}
		sort.Slice(facets[name], func(i, j int) bool {
			a, b := facets[name][i], facets[name][j]
			return a.Count > b.Count || a.Count == b.Count && a.Value < b.Value
		})
	}
	return facets
}

// facetLabelsJSON gives search.js the labels the page shows for facet
// values, in the page's language, so the facets it redraws while the user
// types read the same.
func facetLabelsJSON(l *i18n.Localizer) string {
	labels := map[string]map[string]string{}
	for name, values := range map[string][]string{"kind": drafts.Kinds, "status": drafts.Statuses, "language": drafts.Languages} {
		labels[name] = map[string]string{}
		for _, v := range values {
			labels[name][v] = l.Label(name, v)
		}
	}
	b, err := json.Marshal(labels)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// facetLabel is the word for a facet's value: a year is shown as it is.
func facetLabel(l *i18n.Localizer, name, value string) string {
	if name == "year" {
		return value
	}
	return l.Label(name, value)
}

// searchStrings are the sentences search.js shows when it redraws the
// results, in the page's language (rendered as a JSON script element).
func (s *Server) searchStrings(r *http.Request) map[string]any {
	return map[string]any{
		"results": json.RawMessage(s.pluralForms(r, "edit.search.results")),
		"facets": map[string]string{"kind": s.tr(r, "edit.search.facet_kind"), "status": s.tr(r, "edit.search.facet_status"),
			"language": s.tr(r, "edit.search.facet_language"), "year": s.tr(r, "edit.search.facet_year")},
		"comment": s.tr(r, "edit.search.comment"), "attachment": s.tr(r, "edit.search.attachment"),
		"nothing": s.tr(r, "edit.search.nothing"),
	}
}
