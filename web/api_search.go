package web

import (
	"net/http"

	"policydesk/search"
)

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
	// More, in grouped results only: the document's other matches.
	More *int `json:"more,omitempty"`
}

// toHitJSON is a hit as the API answers it: its url is the article's, as
// before highlighting existed (the page adds ?hl= itself).
func toHitJSON(h search.Hit, grouped bool) hitJSON {
	out := hitJSON{Type: h.Type, ID: h.ID, DocumentID: h.DocumentID, Title: h.Title, Kind: h.Kind, Status: h.Status,
		Language: h.Language, Year: h.Year, ArticleNum: h.ArticleNum, Heading: h.Heading, CommentID: h.CommentID,
		AttachmentID: h.AttachmentID, Snippet: h.Snippet, URL: hitURL(h, "")}
	if grouped {
		out.More = &h.More
	}
	return out
}

// matchedQuery is the query the hits answer: the shorter one when no
// entry had all the words.
func matchedQuery(q search.Query, res *search.Result) string {
	if res.Relaxed != nil {
		return res.Relaxed.Query
	}
	return q.Q
}

func (s *Server) apiSearch(r *http.Request) (int, any, error) {
	q, res, err := s.runSearch(r, false)
	if err != nil {
		return 0, nil, err
	}
	hits := make([]hitJSON, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = toHitJSON(h, q.Group)
	}
	out := map[string]any{"total": res.Total, "hits": hits, "facets": res.Facets}
	// API.md: a response whose words were relaxed carries "relaxed", the
	// words left out; "relaxed_query" is the query the hits are of.
	if res.Relaxed != nil {
		out["relaxed"], out["relaxed_query"] = res.Relaxed.Dropped, res.Relaxed.Query
	}
	return http.StatusOK, out, nil
}
