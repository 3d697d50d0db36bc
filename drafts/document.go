package drafts

import (
	"context"
	"time"

	"policydesk"
	"policydesk/drafts/markdown"
	"policydesk/drafts/outline"
)

// Kinds, languages, visibilities and statuses accepted by the API.
var (
	Kinds        = []string{"regulation", "administrative_instruction", "sop", "protocol", "mou", "policy", "report", "other"}
	Languages    = []string{"sq", "sr", "en"}
	Visibilities = []string{"internal", "restricted"}
	Statuses     = []string{"draft", "in_review", "approved", "adopted", "archived"}
	MemberRoles  = []string{"editor", "reviewer", "reader"}
)

// Limits on what a caller may send.
const (
	MaxBodyBytes    = 5 << 20
	MaxTitleRunes   = 300
	MaxMessageRunes = 500
)

// Document is a draft: its metadata and the number of its newest version.
type Document struct {
	ID         int64     `json:"id"`
	Title      string    `json:"title"`
	Kind       string    `json:"kind"`
	Language   string    `json:"language"`
	Status     string    `json:"status"`
	Visibility string    `json:"visibility"`
	Head       int       `json:"head"`
	CreatedBy  int64     `json:"-"`
	Owner      string    `json:"owner,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Sharing tells the Policy how the document is shared and who created it.
func (d *Document) Sharing() (visibility string, createdBy int64) {
	return d.Visibility, d.CreatedBy
}

// Version is one immutable save of a document.
type Version struct {
	DocumentID int64     `json:"-"`
	Number     int       `json:"number"`
	Body       string    `json:"body,omitempty"`
	SHA256     string    `json:"sha256"`
	AuthorID   int64     `json:"-"`
	Author     string    `json:"author"`
	Message    string    `json:"message"`
	CreatedAt  time.Time `json:"created_at"`
	// Outline holds the article identities assigned when the version was saved,
	// so identities never change once a version exists.
	Outline []outline.Article `json:"-"`
}

// Member gives a user a role on one document.
type Member struct {
	DocumentID int64  `json:"-"`
	UserID     int64  `json:"-"`
	Login      string `json:"login"`
	Name       string `json:"name"`
	Role       string `json:"role"`
}

// DocumentFilter selects documents. The access fields are filled by the
// service from the caller; a store must honour them.
type DocumentFilter struct {
	Kind, Status, Language string
	Limit, Offset          int

	// Read is the caller's ReadScope: only documents in it are listed.
	Read policydesk.Scope
}

// DocumentStore keeps documents, versions, members and the audit log.
// Every method that changes state appends the given audit entry in the same
// transaction. Not-found is ENOTFOUND, never a nil result.
type DocumentStore interface {
	// CreateDocument inserts doc and its first version; sets doc.ID.
	CreateDocument(ctx context.Context, doc *Document, v *Version, audit *policydesk.AuditEntry) error
	// FindDocument returns ENOTFOUND if the document does not exist.
	FindDocument(ctx context.Context, id int64) (*Document, error)
	FindDocuments(ctx context.Context, f DocumentFilter) ([]*Document, int, error)
	UpdateDocument(ctx context.Context, doc *Document, audit *policydesk.AuditEntry) error
	// AddVersion appends v as version v.Number; it returns EConflict (an *Error)
	// if the head is no longer v.Number-1, atomically with the insert.
	AddVersion(ctx context.Context, v *Version, audit *policydesk.AuditEntry) error
	// FindVersion returns ENOTFOUND for an unknown number.
	FindVersion(ctx context.Context, docID int64, number int) (*Version, error)
	// FindVersions lists versions newest first, without bodies.
	FindVersions(ctx context.Context, docID int64) ([]*Version, error)
	SetMember(ctx context.Context, m *Member, audit *policydesk.AuditEntry) error
	RemoveMember(ctx context.Context, docID, userID int64, audit *policydesk.AuditEntry) error
	FindMembers(ctx context.Context, docID int64) ([]*Member, error)
	// MemberRole returns the user's role on the document, or "" if none.
	MemberRole(ctx context.Context, docID, userID int64) (string, error)
	// FindDocumentAs is FindDocument and MemberRole in one query.
	FindDocumentAs(ctx context.Context, id, userID int64) (*Document, string, error)
	FindAudit(ctx context.Context, f policydesk.AuditFilter) ([]*policydesk.AuditEntry, int, error)
	// DocumentTitles returns the titles of those of the documents that
	// exist, by id, in one query.
	DocumentTitles(ctx context.Context, ids []int64) (map[int64]string, error)
}

// SHA256Hex returns the lowercase hex SHA-256 of body: a version's SHA256,
// which is also the key the renderer caches its HTML under
// (markdown.Renderer.Cached).
func SHA256Hex(body string) string { return markdown.SHA256Hex(body) }
