package sqlite

import (
	"context"
	"database/sql"
	"strconv"

	"policydesk/drafts"
)

var _ drafts.AttachmentStore = (*DB)(nil)

const attachmentColumns = `a.id, a.document_id, a.filename, a.size, a.sha256, a.content_type, a.blob_key, a.uploader_id, u.login, a.created_at`

func scanAttachment(row interface{ Scan(...any) error }) (*drafts.Attachment, error) {
	var a drafts.Attachment
	var created string
	if err := row.Scan(&a.ID, &a.DocumentID, &a.Filename, &a.Size, &a.SHA256, &a.ContentType, &a.Key, &a.UploaderID, &a.Uploader, &created); err != nil {
		return nil, err
	}
	a.CreatedAt = parseTime(created)
	return &a, nil
}

func (db *DB) CreateAttachment(ctx context.Context, a *drafts.Attachment, audit *drafts.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO attachments (document_id, filename, size, sha256, content_type, blob_key, uploader_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.DocumentID, a.Filename, a.Size, a.SHA256, a.ContentType, a.Key, a.UploaderID, formatTime(a.CreatedAt))
		if err != nil {
			return translate(err, "Attachment")
		}
		if a.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit)
	})
}

func (db *DB) FindAttachment(ctx context.Context, id int64) (*drafts.Attachment, error) {
	a, err := scanAttachment(db.read.QueryRowContext(ctx, `SELECT `+attachmentColumns+`
		FROM attachments a JOIN users u ON u.id = a.uploader_id WHERE a.id = ?`, id))
	return a, translate(err, "Attachment "+strconv.FormatInt(id, 10))
}

func (db *DB) FindAttachments(ctx context.Context, docID int64) ([]*drafts.Attachment, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+attachmentColumns+`
		FROM attachments a JOIN users u ON u.id = a.uploader_id WHERE a.document_id = ? ORDER BY a.id DESC`, docID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []*drafts.Attachment{}
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, a)
	}
	return list, rows.Err()
}

func (db *DB) DeleteAttachment(ctx context.Context, id int64, audit *drafts.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM attachments WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return drafts.Errorf(drafts.ENotFound, "Attachment %d not found.", id)
		}
		return appendAudit(ctx, tx, audit)
	})
}

func (db *DB) AttachmentKeyExists(ctx context.Context, key string) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments WHERE blob_key = ?`, key).Scan(&n)
	return n > 0, err
}
