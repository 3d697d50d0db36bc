package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/outline"
	"policydesk/search"
)

func (s *Server) registerSearch(api, pages *mux.Router) {
	api.HandleFunc("/search", s.apiSearch).Methods(http.MethodGet)
	pages.HandleFunc("/search", s.pageSearch).Methods(http.MethodGet)
}

// searchQuery reads the search parameters of API.md.
func searchQuery(r *http.Request) (search.Query, error) {
	v := r.URL.Query()
	q := search.Query{Q: v.Get("q"), Kind: v.Get("kind"), Status: v.Get("status"), Language: v.Get("language")}
	for name, dst := range map[string]*int{"year": &q.Year, "limit": &q.Limit, "offset": &q.Offset} {
		if s := v.Get(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return q, policydesk.Errorf(policydesk.EInvalid, "%s must be a whole number.", name)
			}
			*dst = n
		}
	}
	return q, nil
}

func (s *Server) runSearch(r *http.Request) (search.Query, *search.Result, error) {
	if s.Search == nil {
		return search.Query{}, nil, policydesk.Errorf(policydesk.EUnavailable, "Search is not configured on this server.")
	}
	q, err := searchQuery(r)
	if err != nil {
		return q, nil, err
	}
	res, err := s.Search.Search(r.Context(), q)
	return q, res, err
}

type hitJSON struct {
	Type         string `json:"type"`
	ID           string `json:"id"`
	DocumentID   int64  `json:"document_id"`
	Title        string `json:"title"`
	Kind         string `json:"kind"`
	Status       string `json:"status"`
	Language     string `json:"language"`
	Year         int    `json:"year"`
	ArticleNum   string `json:"article,omitempty"`
	Heading      string `json:"heading,omitempty"`
	CommentID    int64  `json:"comment_id,omitempty"`
	AttachmentID int64  `json:"attachment_id,omitempty"`
	Snippet      string `json:"snippet"`
	URL          string `json:"url"`
}

// hitURL links a hit to the exact article, comment or attachment.
func hitURL(h search.Hit) string {
	doc := docURL(h.DocumentID)
	switch {
	case h.Type == search.TypeComment:
		return doc + "/diff#comment-" + strconv.FormatInt(h.CommentID, 10)
	case h.Type == search.TypeAttachment:
		return "/attachments/" + strconv.FormatInt(h.AttachmentID, 10)
	case h.ArticleNum != "":
		return doc + "#" + outline.ArticleAnchor(h.ArticleNum)
	}
	return doc
}

func toHitJSON(h search.Hit) hitJSON {
	return hitJSON{Type: h.Type, ID: h.ID, DocumentID: h.DocumentID, Title: h.Title, Kind: h.Kind, Status: h.Status,
		Language: h.Language, Year: h.Year, ArticleNum: h.ArticleNum, Heading: h.Heading, CommentID: h.CommentID,
		AttachmentID: h.AttachmentID, Snippet: h.Snippet, URL: hitURL(h)}
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	_, res, err := s.runSearch(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	hits := make([]hitJSON, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = toHitJSON(h)
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": res.Total, "hits": hits, "facets": res.Facets})
}

// facetValue is one clickable facet with its count.
type facetValue struct {
	Value, Label string
	Count        int
	Selected     bool
	URL          string
}

func (s *Server) pageSearch(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	data := map[string]any{"Title": "Search", "Q": r.URL.Query().Get("q"), "Labels": facetLabelsJSON}
	if r.URL.Query().Get("q") == "" && len(r.URL.Query()) == 0 {
		s.render(w, r, http.StatusOK, "search", data)
		return
	}
	q, res, err := s.runSearch(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	hits := make([]map[string]any, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = map[string]any{"Hit": h, "URL": hitURL(h), "Snippet": template.HTML(h.Snippet)} // escaped by search.Snippet, only <mark> added
	}
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
	limit, offset := q.Page()
	next := ""
	if offset+len(res.Hits) < res.Total {
		v := r.URL.Query()
		v.Set("offset", strconv.Itoa(offset+limit))
		next = "/search?" + v.Encode()
	}
	data["Query"], data["Total"], data["Hits"], data["Facets"], data["NextPage"] = q, res.Total, hits, facets, next
	s.render(w, r, http.StatusOK, "search", data)
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
