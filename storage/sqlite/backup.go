package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"

	"policydesk/drafts"
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

// Restored prepares a database just restored from a backup for its first
// start: the sessions and login throttle of the old service go (everyone
// logs in again), every document is queued for the search index, which is
// rebuilt from the database, and the restore is audited; in one transaction.
func (db *DB) Restored(ctx context.Context, audit *drafts.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, stmt := range []string{
			`DELETE FROM sessions`,
			`DELETE FROM login_throttle`,
			`INSERT INTO search_outbox (document_id) SELECT id FROM documents`,
		} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return errors.Join(fmt.Errorf("%s", stmt), err)
			}
		}
		return appendAudit(ctx, tx, audit)
	})
}
