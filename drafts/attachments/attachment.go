package attachments

import (
	"context"
	"io"
	"time"

	"policydesk"
)

// Attachment is a file kept with a document: an annex, a signed MoU, a
// scanned decision. The bytes live in a BlobStore under a server-made key.
type Attachment struct {
	ID          int64     `json:"id"`
	DocumentID  int64     `json:"document_id"`
	Filename    string    `json:"filename"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	ContentType string    `json:"content_type"`
	Key         string    `json:"-"`
	UploaderID  int64     `json:"-"`
	Uploader    string    `json:"uploader"`
	CreatedAt   time.Time `json:"created_at"`
}

// BlobInfo describes a stored object, for the orphan sweep.
type BlobInfo struct {
	Key      string
	Size     int64
	Modified time.Time
}

// BlobStore keeps attachment bytes. Implementations stream: Put never holds
// a whole object in memory. Errors: ENotFound for a missing key,
// EUnavailable when the store cannot be reached.
type BlobStore interface {
	// Put stores r under key; size is -1 when unknown. On error nothing
	// remains under key.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Get opens the object for reading with its size.
	Get(ctx context.Context, key string) (io.ReadCloser, int64, error)
	// Delete removes the object; a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// List calls fn for every object whose key starts with prefix.
	List(ctx context.Context, prefix string, fn func(BlobInfo) error) error
	// Ping tells whether the store answers, for /readyz.
	Ping(ctx context.Context) error
}

// AttachmentStore keeps attachment metadata rows.
type AttachmentStore interface {
	CreateAttachment(ctx context.Context, a *Attachment, audit *policydesk.AuditEntry) error
	// FindAttachment returns ENOTFOUND when absent.
	FindAttachment(ctx context.Context, id int64) (*Attachment, error)
	FindAttachments(ctx context.Context, docID int64) ([]*Attachment, error)
	DeleteAttachment(ctx context.Context, id int64, audit *policydesk.AuditEntry) error
	// AttachmentKeyExists tells the orphan sweep whether a row names key.
	AttachmentKeyExists(ctx context.Context, key string) (bool, error)
}
