package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"

	"policydesk"
)

// Snapshot writes a consistent copy of the whole database to path, which
// must not exist, with VACUUM INTO: it reads in one transaction, so writers
// go on meanwhile and the copy holds exactly the transactions committed
// before it began.
func (db *DB) Snapshot(ctx context.Context, path string) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("snapshot: %s already exists", path)
	}
	_, err := db.read.ExecContext(ctx, `VACUUM INTO ?`, path)
	return err
}

// BlobRef is an attachment object that a database names.
type BlobRef struct {
	AttachmentID int64
	DocumentID   int64
	Filename     string
	Key          string
	Size         int64
	SHA256       string
}

// ReadBlobRefs lists the attachment objects named by the database file at
// path, opened read-only (a snapshot, or a restored file before first use).
func ReadBlobRefs(ctx context.Context, path string) ([]BlobRef, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("mode", "ro")
	conn, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT id, document_id, filename, blob_key, size, sha256 FROM attachments ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var refs []BlobRef
	for rows.Next() {
		var r BlobRef
		if err := rows.Scan(&r.AttachmentID, &r.DocumentID, &r.Filename, &r.Key, &r.Size, &r.SHA256); err != nil {
			return nil, err
		}
		refs = append(refs, r)
	}
	return refs, rows.Err()
}

// ForgetAttachments removes the attachments ids from the database file at
// path (a backup's copy): they were deleted after the copy was taken and
// their files are gone, so the copy must not name them. The copy's audit
// log says so.
func ForgetAttachments(ctx context.Context, path string, ids []int64) error {
	db, err := Open(ctx, path)
	if err != nil {
		return err
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			var docID int64
			var name string
			if err := tx.QueryRowContext(ctx, `SELECT document_id, filename FROM attachments WHERE id = ?`, id).Scan(&docID, &name); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM attachments WHERE id = ?`, id); err != nil {
				return err
			}
			if err := enqueueSearch(ctx, tx, docID, searchContent); err != nil {
				return err
			}
			audit := &policydesk.AuditEntry{Actor: "policydesk backup", Action: "attachment.delete", ObjectType: "document",
				ObjectID: strconv.FormatInt(docID, 10), Detail: fmt.Sprintf("%s (attachment %d) was deleted while this backup was taken", name, id)}
			if err := appendAudit(ctx, tx, audit); err != nil {
				return err
			}
		}
		return nil
	})
	return errors.Join(err, db.Close())
}

// Restored prepares a database just restored from a backup for its first
// start: the sessions and login throttle of the old service go (everyone
// logs in again), every document is queued for the search index, which is
// rebuilt from the database, and the restore is audited; in one transaction.
func (db *DB) Restored(ctx context.Context, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, stmt := range []string{
			`DELETE FROM sessions`,
			`DELETE FROM login_throttle`,
		} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return errors.Join(fmt.Errorf("%s", stmt), err)
			}
		}
		if err := enqueueAllForSearch(ctx, tx); err != nil {
			return fmt.Errorf("queue every document for search: %w", err)
		}
		return appendAudit(ctx, tx, audit)
	})
}
