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
}

func toHitJSON(h search.Hit) hitJSON {
	return hitJSON{Type: h.Type, ID: h.ID, DocumentID: h.DocumentID, Title: h.Title, Kind: h.Kind, Status: h.Status,
		Language: h.Language, Year: h.Year, ArticleNum: h.ArticleNum, Heading: h.Heading, CommentID: h.CommentID,
		AttachmentID: h.AttachmentID, Snippet: h.Snippet, URL: hitURL(h)}
}

func (s *Server) apiSearch(r *http.Request) (int, any, error) {
	_, res, err := s.runSearch(r)
	if err != nil {
		return 0, nil, err
	}
	hits := make([]hitJSON, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = toHitJSON(h)
	}
	return http.StatusOK, map[string]any{"total": res.Total, "hits": hits, "facets": res.Facets}, nil
}
