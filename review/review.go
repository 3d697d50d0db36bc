package review

import (
	"context"
	"time"

	"policydesk"
)

// Decisions an editor records on a comment, with the report's wording.
var (
	Decisions      = []string{"accepted", "partially", "rejected"}
	DecisionLabels = map[string]string{"accepted": "Accepted", "partially": "Partially accepted", "rejected": "Not accepted", "": "Not yet decided"}
)

// Round is one review cycle on a fixed version.
type Round struct {
	DocumentID int64     `json:"-"`
	Number     int       `json:"number"`
	Name       string    `json:"name"`
	Version    int       `json:"version"`
	Due        string    `json:"due,omitempty"` // YYYY-MM-DD
	Status     string    `json:"status"`        // open | closed
	OpenedBy   int64     `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
	ClosedAt   time.Time `json:"closed_at,omitzero"`
	// Comments counts the round's comments; filled by listings.
	Comments int `json:"comments"`
	// Instructions tell the round's reviewers what is asked of them.
	Instructions string `json:"instructions,omitempty"`
	// Reviewers are the users asked to review the round; CreateRound
	// stores their UserIDs. Filled by RoundDetail, not by listings.
	Reviewers []*Reviewer `json:"reviewers,omitempty"`
	// Extensions are the round's due-date extensions, oldest first;
	// filled by RoundDetail.
	Extensions []*Extension `json:"extensions,omitempty"`
}

// Anchor is where a comment's words are in one version, in Unicode code
// points into the Markdown body, end exclusive.
type Anchor struct {
	Version int `json:"version"`
	Start   int `json:"start"`
	End     int `json:"end"`
}

// Comment is a reviewer's or editor's remark on exact words of a version.
type Comment struct {
	ID         int64  `json:"id"`
	DocumentID int64  `json:"document_id"`
	Round      int    `json:"round,omitempty"`
	Version    int    `json:"version"` // the version it was made on
	Start      int    `json:"-"`       // code points in Version
	End        int    `json:"-"`
	Quote      string `json:"quote"`
	Prefix     string `json:"prefix"`
	Suffix     string `json:"suffix"`
	Body       string `json:"body"`
	Suggestion string `json:"suggestion"`
	// HasSuggestion tells an empty suggestion (delete these words) from none.
	HasSuggestion  bool      `json:"has_suggestion"`
	ArticleID      string    `json:"article_id,omitempty"`
	ArticleNum     string    `json:"article,omitempty"`
	Paragraph      string    `json:"paragraph,omitempty"`
	AuthorID       int64     `json:"-"`
	Author         string    `json:"author"`
	AuthorName     string    `json:"author_name"`
	Organisation   string    `json:"organisation,omitempty"`
	Status         string    `json:"status"` // open | resolved
	Decision       string    `json:"decision"`
	Reason         string    `json:"reason"`
	DecidedBy      string    `json:"decided_by,omitempty"`
	DecidedByID    int64     `json:"-"`
	DecidedAt      time.Time `json:"decided_at,omitzero"`
	AppliedVersion int       `json:"applied_version,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	Replies        []*Reply  `json:"replies"`

	// Anchor and Outdated describe the comment in the version being viewed.
	Anchor   Anchor `json:"anchor"`
	Outdated bool   `json:"outdated"`
	// Orphaned is true when the words' article no longer exists there.
	Orphaned bool `json:"orphaned,omitempty"`
	// Applied is true when the viewed version holds the suggestion applied
	// in AppliedVersion: Anchor is then on the applied wording.
	Applied bool `json:"applied,omitempty"`
	// Carried is true in a round's list for a comment of an earlier round
	// (Round) still open there.
	Carried bool `json:"carried,omitempty"`
}

// Reply is an answer in a comment's thread.
type Reply struct {
	ID        int64  `json:"id"`
	CommentID int64  `json:"-"`
	AuthorID  int64  `json:"-"`
	Author    string `json:"author"`
	Name      string `json:"name"`
	// Organisation is the author's, from their account.
	Organisation string    `json:"organisation,omitempty"`
	Body         string    `json:"body"`
	CreatedAt    time.Time `json:"created_at"`
}

// CommentFilter selects a document's comments; Round 0 means all.
type CommentFilter struct {
	DocumentID int64
	Round      int
}

// NewID stands in an audit detail's values for the id the store gives the
// new comment or reply.
const NewID int64 = 0

// Store keeps rounds, comments and replies. State changes append the audit
// entry in the same transaction. Not-found is policydesk.ENotFound.
type Store interface {
	// CreateRound numbers the round (one more than the last) and inserts it.
	CreateRound(ctx context.Context, r *Round, audit *policydesk.AuditEntry) error
	FindRound(ctx context.Context, docID int64, number int) (*Round, error)
	FindRounds(ctx context.Context, docID int64) ([]*Round, error)
	// CloseRound returns EConflict if the round is already closed.
	CloseRound(ctx context.Context, docID int64, number int, at time.Time, audit *policydesk.AuditEntry) error
	// ReopenRound opens a closed round again; EConflict if it is open.
	ReopenRound(ctx context.Context, docID int64, number int, audit *policydesk.AuditEntry) error
	// CreateComment and AddReply put the new row's id in the audit
	// entry's detail in place of its first value, NewID ("comment 12 on
	// version 3", "reply 40"), which the inbox's follower reads.
	CreateComment(ctx context.Context, c *Comment, audit *policydesk.AuditEntry) error
	FindComment(ctx context.Context, id int64) (*Comment, error)
	// FindComments returns comments with replies, oldest first.
	FindComments(ctx context.Context, f CommentFilter) ([]*Comment, error)
	AddReply(ctx context.Context, r *Reply, audit *policydesk.AuditEntry) error
	RoundReviewerStore
	WordImportStore
	// UpdateComment writes status, decision, reason, decided_by/at and applied_version.
	UpdateComment(ctx context.Context, c *Comment, audit *policydesk.AuditEntry) error
}
