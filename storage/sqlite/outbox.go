package sqlite

import (
	"context"
	"database/sql"
	"time"

	"policydesk/search"
)

var _ search.Outbox = (*DB)(nil)

// PendingDocuments returns documents with outbox events due by now, oldest
// first, each with the newest event id seen so that events arriving while
// the document is indexed stay queued.
func (db *DB) PendingDocuments(ctx context.Context, limit int, now time.Time) ([]search.Pending, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT document_id, MAX(id), MAX(attempts) FROM search_outbox
		WHERE next_at <= ? GROUP BY document_id ORDER BY MIN(id) LIMIT ?`, formatTime(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []search.Pending
	for rows.Next() {
		var p search.Pending
		if err := rows.Scan(&p.DocumentID, &p.UpTo, &p.Attempts); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// DoneDocument removes the document's events up to and including upTo.
func (db *DB) DoneDocument(ctx context.Context, docID, upTo int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM search_outbox WHERE document_id = ? AND id <= ?`, docID, upTo)
		return err
	})
}

// RetryDocument postpones the document's events after a failure.
func (db *DB) RetryDocument(ctx context.Context, docID, upTo int64, next time.Time, cause string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE search_outbox SET attempts = attempts + 1, next_at = ?, last_error = ?
			WHERE document_id = ? AND id <= ?`, formatTime(next), cause, docID, upTo)
		return err
	})
}

// Backlog counts the documents waiting to be indexed.
func (db *DB) Backlog(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT document_id) FROM search_outbox`).Scan(&n)
	return n, err
}

// DocumentIDs lists every document, for a full reindex.
func (db *DB) DocumentIDs(ctx context.Context) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM documents ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// EnqueueAll queues every document, for an index that starts empty.
func (db *DB) EnqueueAll(ctx context.Context) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO search_outbox (document_id) SELECT id FROM documents`)
		return err
	})
}
