package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
)

// Snapshot writes a consistent copy of the whole database at dbPath to
// path, which must not exist, with VACUUM INTO: it reads in one
// transaction, so writers (this process's or another's) go on meanwhile and
// the copy holds exactly the transactions committed before it began.
func Snapshot(ctx context.Context, dbPath, path string) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("snapshot: %s already exists", path)
	}
	if _, err := os.Stat(dbPath); err != nil {
		return err
	}
	conn, err := sql.Open("sqlite", dsn(dbPath, "deferred"))
	if err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, `VACUUM INTO ?`, path)
	return errors.Join(err, conn.Close())
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
// path (a backup's copy); see sqldb.DB.ForgetAttachments.
func ForgetAttachments(ctx context.Context, path string, ids []int64) error {
	db, err := Open(ctx, path)
	if err != nil {
		return err
	}
	return errors.Join(db.ForgetAttachments(ctx, ids), db.Close())
}
