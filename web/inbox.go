package web

import (
	"cmp"
	"net/http"
	"strconv"

	"policydesk"
	"policydesk/notify"
	"policydesk/web/i18n"
)

// inboxPageSize is how many items the inbox page shows at once.
const inboxPageSize = 50

// inboxEntry is one line of the inbox page.
type inboxEntry struct {
	*notify.Item
	URL, Sentence string
}

// itemSentenceKeys say what happened, by kind, before the document's
// title: "Vjosa Berisha commented on".
var itemSentenceKeys = map[string]string{
	notify.KindComment: "inbox.item.comment", notify.KindReply: "inbox.item.reply",
	notify.KindDecision: "inbox.item.decision", notify.KindMention: "inbox.item.mention",
	notify.KindRoundOpened: "reviewers.item.round_opened", notify.KindRoundClosed: "reviewers.item.round_closed",
	notify.KindRoundDueSoon: "reviewers.item.round_due_soon", notify.KindRoundOverdue: "reviewers.item.round_overdue",
}

// itemSentence is what happened in l's language.
func itemSentence(l *i18n.Localizer, it *notify.Item) string {
	key, ok := itemSentenceKeys[it.Kind]
	if !ok {
		return it.Kind
	}
	return l.T(key, "Actor", cmp.Or(it.ActorName, it.Actor))
}

// pageInbox is the signed-in user's home page: what concerns them, newest
// first, unread ones marked. Sections above the list (rounds waiting for
// the user) go in the template's "inbox-sections" block.
func (s *Server) pageInbox(r *http.Request) (reply, error) {
	inbox, err := s.inbox()
	if err != nil {
		return reply{}, err
	}
	page := pageNumber(r)
	p, err := inbox.List(r.Context(), inboxPageSize, (page-1)*inboxPageSize)
	if err != nil {
		return reply{}, err
	}
	entries := make([]inboxEntry, len(p.Items))
	for i, it := range p.Items {
		entries[i] = inboxEntry{it, itemPath(it), itemSentence(s.localizer(r), it)}
	}
	data := map[string]any{"Title": s.tr(r, "inbox.heading"), "Items": entries, "Total": p.Total, "UnreadItems": p.Unread, "Page": page}
	if data["Waiting"], err = s.roundsWaiting(r); err != nil {
		return reply{}, err
	}
	data["StatusLabels"] = s.reviewerStatusLabels(r)
	if page*inboxPageSize < p.Total {
		data["NextPage"] = page + 1
	}
	if page > 1 {
		data["PrevPage"] = page - 1
	}
	return show("inbox", data), nil
}

// pageMarkRead marks one item (id) or all items (all=1) read and returns
// to the inbox, or goes on to the item's comment (open=1).
func (s *Server) pageMarkRead(r *http.Request) (reply, error) {
	inbox, err := s.inbox()
	if err != nil {
		return reply{}, err
	}
	if r.PostFormValue("all") == "1" {
		_, err = inbox.MarkRead(r.Context(), nil, true)
		return seeOther("/inbox"), err
	}
	id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err != nil || id < 1 {
		return reply{}, policydesk.Errorf(policydesk.EInvalid, "Choose an item of your inbox to mark read.")
	}
	if _, err := inbox.MarkRead(r.Context(), []int64{id}, false); err != nil {
		return reply{}, err
	}
	return seeOther("/inbox"), nil
}

// home is where "/" and the logo lead a signed-in user: the inbox where
// there is one, else the library.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	target := "/documents"
	if s.Inbox != nil {
		target = "/inbox"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// unreadCount is the signed-in user's unread items for the header; 0
// where there is no inbox. A failure only hides the count.
func (s *Server) unreadCount(r *http.Request) int {
	if s.Inbox == nil || policydesk.UserFromContext(r.Context()) == nil {
		return 0
	}
	n, err := s.Inbox.Unread(r.Context())
	if err != nil {
		s.Logger.Warn("unread count", "err", err)
	}
	return n
}
