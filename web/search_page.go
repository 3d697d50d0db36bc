package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"policydesk/drafts"
	"policydesk/search"
)

// pageSearch shows the search form and, once there is a query, the hits
// with their snippets, the facets and the next page's link.
func (s *Server) pageSearch(r *http.Request) (reply, error) {
	data := map[string]any{"Title": "Search", "Q": r.URL.Query().Get("q"), "Labels": facetLabelsJSON}
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
	data["Query"], data["Total"], data["Hits"], data["Facets"], data["NextPage"] = q, res.Total, hits, facetValues(q, res), next
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
func facetValues(q search.Query, res *search.Result) map[string][]facetValue {
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
			facets[name] = append(facets[name], facetValue{Value: value, Label: facetLabel(name, value), Count: n, Selected: isSel, URL: "/search?" + v.Encode()})
		}
		sort.Slice(facets[name], func(i, j int) bool {
			a, b := facets[name][i], facets[name][j]
			return a.Count > b.Count || a.Count == b.Count && a.Value < b.Value
		})
	}
	return facets
}

// facetLabelsJSON gives search.js the labels the page shows for facet
// values, so the facets it redraws while the user types read the same.
var facetLabelsJSON = func() string {
	b, _ := json.Marshal(map[string]map[string]string{
		"kind": drafts.KindLabels, "status": drafts.StatusLabels, "language": drafts.LanguageLabels})
	return string(b)
}()

func facetLabel(name, value string) string {
	switch name {
	case "kind":
		return label(drafts.KindLabels, value)
	case "status":
		return label(drafts.StatusLabels, value)
	case "language":
		return label(drafts.LanguageLabels, value)
	}
	return value
}
