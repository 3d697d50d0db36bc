package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"policydesk/drafts"
	"policydesk/search"
	"policydesk/web/i18n"
)

// pageSearch shows the search form and, once there is a query, the hits
// (one per document unless ?group=article, each with its document's other
// matches behind a <details>), the facets with their other values and a
// way to clear them, and a link to the next page that search.js turns into
// a "Load more" button.
func (s *Server) pageSearch(r *http.Request) (reply, error) {
	l := s.localizer(r)
	data := map[string]any{"Title": s.tr(r, "edit.search.title"), "Q": r.URL.Query().Get("q"),
		"Labels": facetLabelsJSON(l), "Strings": s.searchStrings(r)}
	if r.URL.Query().Get("q") == "" && len(r.URL.Query()) == 0 {
		data["Grouped"] = true
		return show("search", data), nil
	}
	q, res, err := s.runSearch(r, true)
	if err != nil {
		return reply{}, err
	}
	hl := matchedQuery(q, res)
	hits := make([]map[string]any, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = map[string]any{"Hit": h, "URL": hitURL(h, hl)}
		if q.Group && h.More > 0 {
			v := url.Values{"q": {hl}, "document": {strconv.FormatInt(h.DocumentID, 10)}, "group": {"article"}}
			hits[i]["MoreURL"] = "/search?" + v.Encode()
		}
	}
	limit, offset := q.Page()
	next := ""
	if offset+len(res.Hits) < res.Total {
		v := r.URL.Query()
		v.Set("offset", strconv.Itoa(offset+limit))
		next = "/search?" + v.Encode()
	}
	data["Query"], data["Total"], data["Hits"], data["Facets"], data["NextPage"] = q, res.Total, hits, facetValues(l, q, res), next
	data["Grouped"], data["Chosen"], data["Relaxed"], data["Matched"] = q.Group, chosenFacets(q), res.Relaxed, hl
	if res.Relaxed != nil {
		data["Dropped"] = strings.Join(res.Relaxed.Dropped, " ")
	}
	if q.Document != 0 {
		data["AllDocuments"] = "/search?" + url.Values{"q": {q.Q}}.Encode()
	}
	return show("search", data), nil
}

// chosenFacets are the facet values the query narrows by, as the form's
// hidden fields keep them.
func chosenFacets(q search.Query) map[string]string {
	out := map[string]string{}
	for name, v := range map[string]string{"kind": q.Kind, "status": q.Status, "language": q.Language} {
		if v != "" {
			out[name] = v
		}
	}
	if q.Year != 0 {
		out["year"] = strconv.Itoa(q.Year)
	}
	if q.Document != 0 {
		out["document"] = strconv.FormatInt(q.Document, 10)
	}
	if !q.Group {
		out["group"] = "article"
	}
	return out
}

// facetValue is one clickable facet with its count.
type facetValue struct {
	Value, Label string
	Count        int
	Selected     bool
	URL          string
}

// facetGroup is one facet on the page: its values and, when one is
// chosen, the link that clears it.
type facetGroup struct {
	Name, Clear string
	Values      []facetValue
}

// facetValues lists each facet's values, most hits first, each linking to
// the query with that value chosen (the other chosen facets kept), or no
// longer chosen when it is.
func facetValues(l *i18n.Localizer, q search.Query, res *search.Result) []facetGroup {
	chosen := chosenFacets(q)
	link := func(name, value string) string {
		v := url.Values{"q": {q.Q}}
		for k, sel := range chosen {
			if k != name {
				v.Set(k, sel)
			}
		}
		if value != "" {
			v.Set(name, value)
		}
		return "/search?" + v.Encode()
	}
	var out []facetGroup
	for _, name := range search.Facets {
		g := facetGroup{Name: name}
		if chosen[name] != "" {
			g.Clear = link(name, "")
		}
		for value, n := range res.Facets[name] {
			isSel := chosen[name] == value
			u := link(name, value)
			if isSel {
				u = g.Clear
			}
			g.Values = append(g.Values, facetValue{Value: value, Label: facetLabel(l, name, value), Count: n, Selected: isSel, URL: u})
		}
		sort.Slice(g.Values, func(i, j int) bool {
			a, b := g.Values[i], g.Values[j]
			return a.Count > b.Count || a.Count == b.Count && a.Value < b.Value
		})
		if len(g.Values) > 0 || g.Clear != "" {
			out = append(out, g)
		}
	}
	return out
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
		"results":   json.RawMessage(s.pluralForms(r, "edit.search.results")),
		"documents": json.RawMessage(s.pluralForms(r, "search.documents")),
		"more":      json.RawMessage(s.pluralForms(r, "search.more_in_document")),
		"facets": map[string]string{"kind": s.tr(r, "edit.search.facet_kind"), "status": s.tr(r, "edit.search.facet_status"),
			"language": s.tr(r, "edit.search.facet_language"), "year": s.tr(r, "edit.search.facet_year")},
		"comment": s.tr(r, "edit.search.comment"), "attachment": s.tr(r, "edit.search.attachment"),
		"nothing": s.tr(r, "edit.search.nothing"), "clear": s.tr(r, "search.clear"),
		"loadMore": s.tr(r, "search.load_more"), "relaxed": s.tr(r, "search.relaxed", "Query", "{q}"),
		"dropped": s.tr(r, "search.dropped", "Words", "{w}"), "showAll": s.tr(r, "search.show_all"),
	}
}
