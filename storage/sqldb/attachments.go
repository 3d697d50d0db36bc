package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"policydesk"
	"policydesk/drafts/attachments"
	"policydesk/search"
)

var _ attachments.AttachmentStore = (*DB)(nil)

const attachmentColumns = `a.id, a.document_id, a.filename, a.size, a.sha256, a.content_type, a.blob_key, a.uploader_id, u.login, a.created_at`

func scanAttachment(row interface{ Scan(...any) error }) (*attachments.Attachment, error) {
	var a attachments.Attachment
	var created string
	if err := row.Scan(&a.ID, &a.DocumentID, &a.Filename, &a.Size, &a.SHA256, &a.ContentType, &a.Key, &a.UploaderID, &a.Uploader, &created); err != nil {
		return nil, err
	}
	a.CreatedAt = parseTime(created)
	return &a, nil
}

// CreateAttachment stores the attachment, queues it for text extraction and
// its document for search, in one transaction: a crash right after loses
// neither.
func (db *DB) CreateAttachment(ctx context.Context, a *attachments.Attachment, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		id, err := insertID(ctx, tx, `INSERT INTO attachments (document_id, filename, size, sha256, content_type, blob_key, uploader_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.DocumentID, a.Filename, a.Size, a.SHA256, a.ContentType, a.Key, a.UploaderID, formatTime(a.CreatedAt))
		if err != nil {
			return translate(err, "Attachment")
		}
		a.ID = id
		if err := enqueueText(ctx, tx, a.ID, a.DocumentID); err != nil {
			return err
		}
		if err := enqueueSearch(ctx, tx, a.DocumentID, searchContent); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit)
	})
}

func (db *DB) FindAttachment(ctx context.Context, id int64) (*attachments.Attachment, error) {
	a, err := scanAttachment(db.read.QueryRowContext(ctx, `SELECT `+attachmentColumns+`
		FROM attachments a JOIN users u ON u.id = a.uploader_id WHERE a.id = ?`, id))
	return a, translateOne(err, "Attachment", id)
}

func (db *DB) FindAttachments(ctx context.Context, docID int64) ([]*attachments.Attachment, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+attachmentColumns+`
		FROM attachments a JOIN users u ON u.id = a.uploader_id WHERE a.document_id = ? ORDER BY a.id DESC`, docID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []*attachments.Attachment{}
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, a)
	}
	return list, rows.Err()
}

// DeleteAttachment removes the attachment (its text goes with it) and
// queues its document for search.
func (db *DB) DeleteAttachment(ctx context.Context, id int64, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var docID int64
		err := tx.QueryRowContext(ctx, `DELETE FROM attachments WHERE id = ? RETURNING document_id`, id).Scan(&docID)
		if err == sql.ErrNoRows {
			return policydesk.Errorf(policydesk.ENotFound, "Attachment %d not found.", id)
		}
		if err != nil {
			return err
		}
		if err := enqueueSearch(ctx, tx, docID, searchContent); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit)
	})
}

func (db *DB) AttachmentKeyExists(ctx context.Context, key string) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments WHERE blob_key = ?`, key).Scan(&n)
	return n > 0, err
}

var (
	_ search.TextQueue = (*DB)(nil)
	_ search.TextStore = (*DB)(nil)
)

// PendingTexts returns attachments whose text is due for extraction by now,
// oldest first.
func (db *DB) PendingTexts(ctx context.Context, limit int, now time.Time) ([]search.PendingText, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT t.attachment_id, t.document_id, a.filename, a.content_type, a.blob_key, a.size, t.attempts
		FROM attachment_texts t JOIN attachments a ON a.id = t.attachment_id
		WHERE t.status = 'pending' AND t.next_at <= ? ORDER BY t.next_at, t.attachment_id LIMIT ?`, formatTime(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []search.PendingText
	for rows.Next() {
		var p search.PendingText
		if err := rows.Scan(&p.AttachmentID, &p.DocumentID, &p.Filename, &p.ContentType, &p.Key, &p.Size, &p.Attempts); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// enqueueText queues the attachment for text extraction.
func enqueueText(ctx context.Context, tx *sql.Tx, attachmentID, docID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO attachment_texts (attachment_id, document_id) VALUES (?, ?)`, attachmentID, docID)
	return err
}

// SaveText stores the outcome of an extraction. Text that lands (or is
// given up on) queues its document for search in the same transaction; an
// attachment deleted meanwhile is no longer there to save.
func (db *DB) SaveText(ctx context.Context, t *search.AttachmentText) error {
	switch t.Status {
	case search.TextDone, search.TextUnsupported, search.TextFailed:
	default:
		return fmt.Errorf("SaveText: status %q is not an outcome", t.Status)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var docID int64
		var status string
		err := tx.QueryRowContext(ctx, db.forUpdate(`SELECT document_id, status FROM attachment_texts WHERE attachment_id = ?`), t.AttachmentID).Scan(&docID, &status)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE attachment_texts SET status = ?, text = ?, reason = ?, attempts = ?, next_at = '', updated_at = ?
			WHERE attachment_id = ?`, t.Status, t.Text, t.Reason, t.Attempts, formatTime(time.Now()), t.AttachmentID); err != nil {
			return err
		}
		if status == t.Status {
			return nil
		}
		return enqueueSearch(ctx, tx, docID, searchContent)
	})
}

// RetryText counts a failed attempt and postpones the attachment.
func (db *DB) RetryText(ctx context.Context, attachmentID int64, next time.Time, reason string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE attachment_texts SET attempts = attempts + 1, next_at = ?, reason = ?, updated_at = ?
			WHERE attachment_id = ? AND status = 'pending'`, formatTime(next), reason, formatTime(time.Now()), attachmentID)
		return err
	})
}

// TextBacklog counts attachments waiting for extraction.
func (db *DB) TextBacklog(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachment_texts WHERE status = 'pending'`).Scan(&n)
	return n, err
}

// AttachmentTexts returns the stored text of a document's attachments.
func (db *DB) AttachmentTexts(ctx context.Context, docID int64) (map[int64]*search.AttachmentText, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT attachment_id, document_id, status, text, reason, attempts
		FROM attachment_texts WHERE document_id = ?`, docID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*search.AttachmentText{}
	for rows.Next() {
		var t search.AttachmentText
		if err := rows.Scan(&t.AttachmentID, &t.DocumentID, &t.Status, &t.Text, &t.Reason, &t.Attempts); err != nil {
			return nil, err
		}
		out[t.AttachmentID] = &t
	}
	return out, rows.Err()
}

// RetryTextNow makes a failed attachment due for extraction now with fresh
// attempts.
func (db *DB) RetryTextNow(ctx context.Context, attachmentID int64, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE attachment_texts SET status = 'pending', attempts = 0, next_at = '', updated_at = ?
			WHERE attachment_id = ? AND (status = 'failed' OR (status = 'pending' AND attempts > 0))`, formatTime(time.Now()), attachmentID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return policydesk.Errorf(policydesk.ENotFound, "Attachment %d has no failed text extraction to retry.", attachmentID)
		}
		return appendAudit(ctx, tx, audit)
	})
}
