package notify

import (
	"context"
	"time"

	"policydesk"
)

// Kinds of inbox item. The follower makes one item per event and user, of
// the most specific kind that applies (a mention in a reply to my comment
// is a mention).
const (
	KindComment  = "comment"  // a new comment on a document I own or edit
	KindReply    = "reply"    // a reply to my comment or in a thread I am in
	KindDecision = "decision" // an editor's decision on my comment
	KindMention  = "mention"  // @login in a comment or reply
	// KindRoundOpened and KindRoundClosed go to a round's reviewers.
	KindRoundOpened = "round_opened"
	KindRoundClosed = "round_closed"
)

// Mail settings of a user, and what an item records of them.
const (
	SettingImmediately = "immediately"
	SettingDigest      = "digest"
	SettingOff         = "off"

	itemMailNow    = "now"
	itemMailDigest = "digest"
	itemMailNone   = "none"
)

// MailSettings are the choices a user has for mail about their inbox.
var MailSettings = []string{SettingImmediately, SettingDigest, SettingOff}

// Item is one line of a user's inbox.
type Item struct {
	ID int64 `json:"id"`
	// Key is unique per (event, user): "audit:<entry id>:user:<user id>".
	Key           string `json:"-"`
	UserID        int64  `json:"-"`
	Kind          string `json:"kind"`
	DocumentID    int64  `json:"document_id"`
	DocumentTitle string `json:"document_title"`
	// DocumentLanguage is the document's language (sq, sr, en): its
	// title is shown in it.
	DocumentLanguage string    `json:"document_language"`
	Round            int       `json:"round,omitempty"`
	CommentID        int64     `json:"comment_id,omitempty"`
	ActorID          int64     `json:"-"`
	Actor            string    `json:"actor"`      // login; "" for the system
	ActorName        string    `json:"actor_name"` // full name
	At               time.Time `json:"at"`
	Read             bool      `json:"read"`
	// Mail is "now", "digest" or "none": the recipient's setting when the
	// item was made. MailedAt is when its mail was queued.
	Mail     string    `json:"-"`
	MailedAt time.Time `json:"-"`
}

// InboxPage is one page of a user's inbox, newest first.
type InboxPage struct {
	Items  []*Item `json:"items"`
	Total  int     `json:"total"`
	Unread int     `json:"unread"`
}

// Recipient is who an item's mail goes to.
type Recipient struct {
	UserID   int64
	Login    string
	Name     string
	Email    string // "" when none is known: nothing is mailed
	Language string // "" when the user chose none
	Mail     string // SettingImmediately, SettingDigest or SettingOff
}

// InboxStore keeps inbox items, the audit followers' positions and the
// users' mail settings. Not-found is policydesk.ENotFound.
type InboxStore interface {
	// ClaimFollower gives the follower name to holder until now+lease
	// (taking it over when the last holder's lease ran out) and returns
	// its position; EConflict while another holder's lease runs.
	ClaimFollower(ctx context.Context, name, holder string, now time.Time, lease time.Duration) (position int64, err error)
	// AuditAfter returns up to limit audit entries with ids above after,
	// in id order.
	AuditAfter(ctx context.Context, after int64, limit int) ([]*policydesk.AuditEntry, error)
	// AddInboxItems inserts items (skipping keys already there) and moves
	// the follower from position from to to, in one transaction. It returns
	// EConflict, writing nothing, if holder no longer holds the follower
	// at now or its position is no longer from.
	AddInboxItems(ctx context.Context, name, holder string, now time.Time, from, to int64, items []*Item) error
	// FindInbox returns a page of the user's items, newest first.
	FindInbox(ctx context.Context, userID int64, limit, offset int) (*InboxPage, error)
	// CountUnread counts the user's unread items.
	CountUnread(ctx context.Context, userID int64) (int, error)
	// MarkRead marks the user's items with the ids (all of them if ids is
	// nil) read and returns how many changed; other users' ids are ignored.
	MarkRead(ctx context.Context, userID int64, ids []int64) (int, error)
	// FindRecipient returns a user's address, language and mail setting.
	FindRecipient(ctx context.Context, userID int64) (*Recipient, error)
	// SetMailSetting writes the user's mail setting and address.
	SetMailSetting(ctx context.Context, userID int64, setting, email string) error
	// UnmailedItems returns up to limit items to mail immediately and not
	// yet mailed, oldest first.
	UnmailedItems(ctx context.Context, limit int) ([]*Item, error)
	// DigestUsers returns up to limit ids above after of users with
	// unread digest items made before before and not yet mailed.
	DigestUsers(ctx context.Context, before time.Time, after int64, limit int) ([]int64, error)
	// DigestItems puts the user's unread, unmailed digest items made
	// before before in the digest of day, unless that digest already has
	// items, and returns the items of day's digest not yet mailed. So a
	// digest, once its items are chosen, is the same at every attempt.
	DigestItems(ctx context.Context, userID int64, day string, before time.Time) ([]*Item, error)
	// MarkMailed records that the items' mail was queued at at.
	MarkMailed(ctx context.Context, ids []int64, at time.Time) error
}
