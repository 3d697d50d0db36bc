package web

import (
	"net/http"
	"strconv"

	"policydesk"
	"policydesk/notify"
)

// inboxItemJSON is an inbox item with the address of its comment.
type inboxItemJSON struct {
	*notify.Item
	URL string `json:"url"`
}

// apiInbox lists the caller's inbox, newest first: ?limit= (1 to 100,
// default 50) and ?offset=.
func (s *Server) apiInbox(r *http.Request) (int, any, error) {
	inbox, err := s.inbox()
	if err != nil {
		return 0, nil, err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return 0, nil, err
	}
	offset := 0
	if v := r.URL.Query().Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return 0, nil, policydesk.Errorf(policydesk.EInvalid, "offset must be 0 or a positive whole number.")
		}
	}
	p, err := inbox.List(r.Context(), limit, offset)
	if err != nil {
		return 0, nil, err
	}
	items := make([]inboxItemJSON, len(p.Items))
	for i, it := range p.Items {
		items[i] = inboxItemJSON{it, itemPath(it)}
	}
	rounds, err := s.roundsWaiting(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"items": items, "total": p.Total, "unread": p.Unread, "rounds": rounds}, nil
}

// apiMarkRead marks items read: {"ids":[1,2]} or {"all":true}.
func (s *Server) apiMarkRead(r *http.Request) (int, any, error) {
	inbox, err := s.inbox()
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		IDs []int64 `json:"ids"`
		All bool    `json:"all"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	n, err := inbox.MarkRead(r.Context(), in.IDs, in.All)
	if err != nil {
		return 0, nil, err
	}
	unread, err := inbox.Unread(r.Context())
	return http.StatusOK, map[string]any{"marked": n, "unread": unread}, err
}

// inbox is the inbox service, or a clear error where none is wired.
func (s *Server) inbox() (*notify.Inbox, error) {
	if s.Inbox == nil {
		return nil, policydesk.Errorf(policydesk.EUnavailable, "The inbox is not available on this server.")
	}
	return s.Inbox, nil
}

// itemPath is the address of an item's comment: on its round's page when
// it was made in a round, else on the document's redline.
func itemPath(it *notify.Item) string {
	doc := "/documents/" + strconv.FormatInt(it.DocumentID, 10)
	anchor := ""
	if it.CommentID != 0 {
		anchor = "#comment-" + strconv.FormatInt(it.CommentID, 10)
	}
	if it.Kind == notify.KindRoundClosed {
		return doc + "/rounds/" + strconv.Itoa(it.Round) + "/report"
	}
	if it.Round != 0 {
		return doc + "/rounds/" + strconv.Itoa(it.Round) + anchor
	}
	return doc + "/diff" + anchor
}
