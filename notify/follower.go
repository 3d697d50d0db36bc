package notify

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/review"
)

// Sources are the stores the follower loads what an audit entry names
// from: the comment, the document's owner and editors, and who may read it.
type Sources struct {
	Comments interface {
		FindComment(ctx context.Context, id int64) (*review.Comment, error)
	}
	Documents interface {
		FindDocumentAs(ctx context.Context, id, userID int64) (*drafts.Document, string, error)
		FindMembers(ctx context.Context, docID int64) ([]*drafts.Member, error)
	}
	Users interface {
		FindUserByID(ctx context.Context, id int64) (*policydesk.User, error)
		FindUserByLogin(ctx context.Context, login string) (*policydesk.User, error)
	}
	// Rounds gives a round's reviewers; nil makes no round items.
	Rounds interface {
		FindReviewers(ctx context.Context, docID int64, number int) ([]*review.Reviewer, error)
	}
}

// Follower turns audit entries into inbox items. Replicas share one
// database; the follower's lease there lets one of them follow at a time,
// and its position moves in the same transaction as the items it adds, so
// a crash or a lost lease repeats a batch, whose keys make it add nothing
// twice.
type Follower struct {
	Store   InboxStore
	Sources Sources
	// Name is the follower's row ("inbox"); Holder names this replica.
	Name, Holder string
	// Lease is how long a claim lasts; a batch must end well within it.
	Lease time.Duration
	// Batch is the most entries one Step reads.
	Batch int
	// GapWait is how long a gap in the audit ids is waited for before it
	// is taken for a rolled-back transaction: on PostgreSQL a lower id can
	// commit after a higher one.
	GapWait time.Duration
	Now     func() time.Time
}

// NewFollower returns a follower with the usual lease, batch and gap wait.
func NewFollower(store InboxStore, src Sources, holder string) *Follower {
	return &Follower{Store: store, Sources: src, Name: "inbox", Holder: holder,
		Lease: 30 * time.Second, Batch: 200, GapWait: 30 * time.Second, Now: time.Now}
}

// Step follows one batch of the audit log and returns how many entries it
// passed; EConflict when another replica holds the follower.
func (f *Follower) Step(ctx context.Context) (int, error) {
	pos, err := f.Store.ClaimFollower(ctx, f.Name, f.Holder, f.Now(), f.Lease)
	if err != nil {
		return 0, err
	}
	entries, err := f.Store.AuditAfter(ctx, pos, f.Batch)
	if err != nil {
		return 0, err
	}
	entries = f.settled(entries, pos)
	if len(entries) == 0 {
		return 0, nil
	}
	var items []*Item
	for _, e := range entries {
		its, err := f.itemsFor(ctx, e)
		if err != nil {
			return 0, fmt.Errorf("audit entry %d: %w", e.ID, err)
		}
		items = append(items, its...)
	}
	return len(entries), f.Store.AddInboxItems(ctx, f.Name, f.Holder, f.Now(), pos, entries[len(entries)-1].ID, items)
}

// settled keeps the entries up to the first recent gap in the ids.
func (f *Follower) settled(entries []*policydesk.AuditEntry, pos int64) []*policydesk.AuditEntry {
	prev := pos
	for i, e := range entries {
		if e.ID != prev+1 && f.Now().Sub(e.At) < f.GapWait {
			return entries[:i]
		}
		prev = e.ID
	}
	return entries
}

var detailID = regexp.MustCompile(`^(?:comment|reply) (\d+)`)

// itemsFor derives the inbox items of one audit entry.
func (f *Follower) itemsFor(ctx context.Context, e *policydesk.AuditEntry) ([]*Item, error) {
	var commentID, replyID int64
	switch e.Action {
	case "comment.create":
		commentID = idIn(e.Detail)
	case "comment.reply":
		commentID, replyID = objectID(e), idIn(e.Detail)
	case "comment.decide":
		commentID = objectID(e)
	case "round.open", "round.close":
		return f.roundItems(ctx, e)
	default:
		return nil, nil
	}
	if commentID == 0 {
		return nil, nil
	}
	c, err := f.Sources.Comments.FindComment(ctx, commentID)
	if policydesk.ErrorCode(err) == policydesk.ENotFound {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	kinds, err := f.recipients(ctx, e.Action, c, replyID)
	if err != nil {
		return nil, err
	}
	return f.items(ctx, e, itemAbout{c.DocumentID, c.Round, c.ID}, kinds)
}

// recipients says who hears of an action on c, and as what kind.
func (f *Follower) recipients(ctx context.Context, action string, c *review.Comment, replyID int64) (map[int64]string, error) {
	kinds := map[int64]string{}
	body := c.Body
	switch action {
	case "comment.create":
		doc, _, err := f.Sources.Documents.FindDocumentAs(ctx, c.DocumentID, 0)
		if err != nil {
			return nil, err
		}
		kinds[doc.CreatedBy] = KindComment
		members, err := f.Sources.Documents.FindMembers(ctx, c.DocumentID)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			if m.Role == "editor" {
				kinds[m.UserID] = KindComment
			}
		}
	case "comment.reply":
		kinds[c.AuthorID] = KindReply
		body = ""
		for _, r := range c.Replies {
			if r.ID == replyID {
				body = r.Body
			} else if r.ID < replyID || replyID == 0 {
				kinds[r.AuthorID] = KindReply
			}
		}
	case "comment.decide":
		kinds[c.AuthorID] = KindDecision
		body = ""
	}
	for _, login := range review.Mentions(body) {
		if u, err := f.userByLogin(ctx, login); err != nil {
			return nil, err
		} else if u != 0 {
			kinds[u] = KindMention
		}
	}
	return kinds, nil
}

// userByLogin finds a mentioned user (0 if there is none now); the review
// service checked the mention when it was made, and items checks access.
func (f *Follower) userByLogin(ctx context.Context, login string) (int64, error) {
	u, err := f.Sources.Users.FindUserByLogin(ctx, login)
	if policydesk.ErrorCode(err) == policydesk.ENotFound {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return u.ID, nil
}

// items makes the items for the recipients who may still read the
// document, leaving out the actor.
func (f *Follower) items(ctx context.Context, e *policydesk.AuditEntry, c itemAbout, kinds map[int64]string) ([]*Item, error) {
	ids := make([]int64, 0, len(kinds))
	for id := range kinds {
		if id != 0 && id != e.ActorID {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var out []*Item
	for _, uid := range ids {
		u, err := f.Sources.Users.FindUserByID(ctx, uid)
		if err != nil {
			return nil, err
		}
		doc, role, err := f.Sources.Documents.FindDocumentAs(ctx, c.documentID, uid)
		if err != nil {
			return nil, err
		}
		if !policydesk.Policy(u, doc, role).Read {
			continue
		}
		r, err := f.Store.FindRecipient(ctx, uid)
		if err != nil {
			return nil, err
		}
		out = append(out, &Item{Key: fmt.Sprintf("audit:%d:user:%d", e.ID, uid), UserID: uid, Kind: kinds[uid],
			DocumentID: c.documentID, Round: c.round, CommentID: c.commentID, ActorID: e.ActorID, At: e.At, Mail: itemMail(r.Mail)})
	}
	return out, nil
}

// itemMail is what an item records of its recipient's mail setting.
func itemMail(setting string) string {
	switch setting {
	case SettingImmediately:
		return itemMailNow
	case SettingDigest:
		return itemMailDigest
	}
	return itemMailNone
}

func idIn(detail string) int64 {
	m := detailID.FindStringSubmatch(detail)
	if m == nil {
		return 0
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func objectID(e *policydesk.AuditEntry) int64 {
	if e.ObjectType != "comment" {
		return 0
	}
	id, _ := strconv.ParseInt(e.ObjectID, 10, 64)
	return id
}
