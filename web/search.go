package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"policydesk"
	"policydesk/drafts/outline"
	"policydesk/search"
)

// searchQuery reads the search parameters of API.md.
func searchQuery(r *http.Request) (search.Query, error) {
	v := r.URL.Query()
	q := search.Query{Q: v.Get("q"), Kind: v.Get("kind"), Status: v.Get("status"), Language: v.Get("language")}
	for name, dst := range map[string]*int{"year": &q.Year, "limit": &q.Limit, "offset": &q.Offset} {
		if s := v.Get(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return q, policydesk.Errorf(policydesk.EInvalid, "The parameter %q must be a whole number.", name)
			}
			*dst = n
		}
	}
	if s := v.Get("document"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return q, policydesk.Errorf(policydesk.EInvalid, "The parameter %q must be a whole number.", "document")
		}
		q.Document = n
	}
	switch v.Get("group") {
	case "", "article":
	case "document":
		q.Group = true
	default:
		return q, policydesk.Errorf(policydesk.EInvalid, "The parameter %q must be %q or %q.", "group", "document", "article")
	}
	return q, nil
}

// runSearch answers the request's query with what the user may read.
// The page groups by document unless asked not to (groupByDefault).
func (s *Server) runSearch(r *http.Request, groupByDefault bool) (search.Query, *search.Result, error) {
	svc, err := s.searchService()
	if err != nil {
		return search.Query{}, nil, err
	}
	q, err := searchQuery(r)
	if err != nil {
		return q, nil, err
	}
	if groupByDefault && !r.URL.Query().Has("group") {
		q.Group = true
	}
	res, err := svc.Search(r.Context(), q)
	return q, res, err
}

// hitURL links a hit to the exact article, comment or attachment; hl,
// when set, are the words the document page highlights.
func hitURL(h search.Hit, hl string) string {
	doc := docURL(h.DocumentID)
	if hl = strings.TrimSpace(hl); hl != "" && h.Type == search.TypeDocument {
		doc += "?" + url.Values{"hl": {hl}}.Encode()
	}
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
