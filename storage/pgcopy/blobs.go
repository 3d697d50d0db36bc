package pgcopy

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"policydesk"
	"policydesk/drafts/attachments"
)

// Blobs says where the attachment files are and where they go.
type Blobs struct {
	From BlobReader            // the source installation's files (its blobs folder)
	To   attachments.BlobStore // the target installation's store (S3, or a folder)
}

// BlobReader opens an attachment's file for reading: the source side of a
// copy, which only reads (a folder store's Open would tidy the folder of a
// service that may still be running).
type BlobReader interface {
	Get(ctx context.Context, key string) (io.ReadCloser, int64, error)
}

// BlobResult is what the copy did with the attachment files.
type BlobResult struct {
	Copied, Skipped int   // skipped: already in the target with the same size and SHA-256
	Bytes           int64 // copied
}

// copyBlobs copies the file of every attachment the snapshot names from
// b.From to b.To, checking each against its SHA-256, and skips those the
// target already holds with the same size and SHA-256: an interrupted
// copy resumes where it stopped.
func copyBlobs(ctx context.Context, src *sql.DB, b *Blobs) (BlobResult, error) {
	var res BlobResult
	rows, err := src.QueryContext(ctx, `SELECT id, blob_key, size, sha256 FROM attachments ORDER BY id`)
	if err != nil {
		return res, fmt.Errorf("reading the attachments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, size int64
		var key, sum string
		if err := rows.Scan(&id, &key, &size, &sum); err != nil {
			return res, err
		}
		present, err := holds(ctx, b.To, key, size, sum)
		if err != nil {
			return res, fmt.Errorf("the file of attachment %d in the target: %w", id, err)
		}
		if present {
			res.Skipped++
			continue
		}
		if err := copyBlob(ctx, b, key, size, sum); err != nil {
			return res, fmt.Errorf("the file of attachment %d: %w", id, err)
		}
		res.Copied++
		res.Bytes += size
	}
	return res, rows.Err()
}

// holds tells whether store has key with size bytes whose SHA-256 is sum.
func holds(ctx context.Context, store BlobReader, key string, size int64, sum string) (bool, error) {
	r, n, err := store.Get(ctx, key)
	if policydesk.ErrorCode(err) == policydesk.ENotFound {
		return false, nil
	} else if err != nil {
		return false, err
	}
	defer r.Close()
	if n != size {
		return false, nil
	}
	got, _, err := hashReader(r)
	return got == sum, err
}

// copyBlob streams key from b.From to b.To; a file whose bytes do not
// match sum is removed from the target and refused.
func copyBlob(ctx context.Context, b *Blobs, key string, size int64, sum string) error {
	r, n, err := b.From.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("reading it from the source: %w", err)
	}
	defer r.Close()
	if n != size {
		return fmt.Errorf("the source holds %d bytes where the database records %d", n, size)
	}
	h := sha256.New()
	if err := b.To.Put(ctx, key, io.TeeReader(r, h), size, ""); err != nil {
		return fmt.Errorf("writing it to the target: %w", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		return errors.Join(fmt.Errorf("the source's file is damaged: its SHA-256 is %s, the database records %s", got, sum), b.To.Delete(ctx, key))
	}
	return nil
}

func hashReader(r io.Reader) (string, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	return hex.EncodeToString(h.Sum(nil)), n, err
}
