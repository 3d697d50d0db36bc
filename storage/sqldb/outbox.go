package sqldb

import (
	"context"
	"database/sql"
	"time"

	"policydesk"
	"policydesk/search"
)

var (
	_ search.Outbox       = (*DB)(nil)
	_ search.ProblemStore = (*DB)(nil)
)

// searchChange says how a change affects a document's search entries.
type searchChange int

const (
	searchContent searchChange = iota // what the entries say: text, title, comments, attachments
	searchAccess                      // who may find it (visibility, members): indexed first
)

// enqueueSearch queues the document for the indexer inside tx, the
// transaction that changes it: the change and its indexing work commit or
// roll back together, so neither a search outage nor a crash loses a
// change. Every store method that changes what search shows calls it.
func enqueueSearch(ctx context.Context, tx *sql.Tx, docID int64, c searchChange) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO search_outbox (document_id, access) VALUES (?, ?)`, docID, flag(c == searchAccess))
	if err == nil {
		err = appendSearchLog(ctx, tx, docID, c == searchAccess) // numbered for the replicas' followers
	}
	return err
}

// enqueueAllForSearch queues every document, as content changes.
func enqueueAllForSearch(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO search_outbox (document_id) SELECT id FROM documents`)
	return err
}

// PendingDocuments returns documents with outbox events due by now, those
// with an access change first, then oldest first, each with the newest
// event id seen so that events arriving while the document is indexed stay
// queued. Set-aside events are skipped; a document set aside that changes
// again is due with its new events (and attempts counted afresh).
func (db *DB) PendingDocuments(ctx context.Context, limit int, now time.Time) ([]search.Pending, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT document_id, MAX(id), MAX(attempts) FROM search_outbox
		WHERE set_aside = 0 AND next_at <= ? GROUP BY document_id ORDER BY MAX(access) DESC, MIN(id) LIMIT ?`, formatTime(now), limit)
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
			WHERE document_id = ? AND id <= ? AND set_aside = 0`, formatTime(next), cause, docID, upTo)
		return err
	})
}

// SetAsideDocument stops retrying the document's events up to upTo.
func (db *DB) SetAsideDocument(ctx context.Context, docID, upTo int64, cause string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE search_outbox SET attempts = attempts + 1, set_aside = 1, last_error = ?
			WHERE document_id = ? AND id <= ?`, cause, docID, upTo)
		return err
	})
}

// Backlog counts the documents waiting to be indexed (not those set aside).
func (db *DB) Backlog(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT document_id) FROM search_outbox WHERE set_aside = 0`).Scan(&n)
	return n, err
}

// IndexingProblems lists documents whose indexing failed and attachments
// whose text was not extracted, set aside first, most attempts first.
func (db *DB) IndexingProblems(ctx context.Context, limit int) ([]search.Problem, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT * FROM (
			SELECT o.document_id, COALESCE(MAX(d.title), ''), 0, '', MAX(o.set_aside), MAX(o.attempts),
				(SELECT last_error FROM search_outbox l WHERE l.document_id = o.document_id AND l.attempts > 0 ORDER BY l.id DESC LIMIT 1),
				MAX(o.next_at)
			FROM search_outbox o LEFT JOIN documents d ON d.id = o.document_id
			WHERE o.attempts > 0 GROUP BY o.document_id
			UNION ALL
			SELECT t.document_id, d.title, t.attachment_id, a.filename, CASE WHEN t.status = 'failed' THEN 1 ELSE 0 END, t.attempts, t.reason, t.next_at
			FROM attachment_texts t JOIN attachments a ON a.id = t.attachment_id JOIN documents d ON d.id = t.document_id
			WHERE t.status = 'failed' OR (t.status = 'pending' AND t.attempts > 0)
		) AS problems ORDER BY 5 DESC, 6 DESC, 1 DESC, 3 DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	return scanProblems(rows, func(p *search.Problem, next *string) []any {
		return []any{&p.DocumentID, &p.Title, &p.AttachmentID, &p.Filename, &p.SetAside, &p.Attempts, &p.Reason, next}
	})
}

// NotIndexed counts documents and attachments set aside.
func (db *DB) NotIndexed(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(DISTINCT document_id) FROM search_outbox WHERE set_aside = 1) +
		(SELECT COUNT(*) FROM attachment_texts WHERE status = 'failed')`).Scan(&n)
	return n, err
}

// RetryDocumentNow makes a failed document's events due now with fresh
// attempts.
func (db *DB) RetryDocumentNow(ctx context.Context, docID int64, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE search_outbox SET set_aside = 0, attempts = 0, next_at = ''
			WHERE document_id = ? AND (set_aside = 1 OR attempts > 0)`, docID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return policydesk.Errorf(policydesk.ENotFound, "Document %d has no failed indexing to retry.", docID)
		}
		return appendAudit(ctx, tx, audit)
	})
}

// DocumentIDs lists every document, for a full reindex.
func (db *DB) DocumentIDs(ctx context.Context) ([]int64, error) {
	return db.queryIDs(ctx, `SELECT id FROM documents ORDER BY id`)
}

// queryIDs runs a read query of one integer column and returns its values.
func (db *DB) queryIDs(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
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
	return db.tx(ctx, func(tx *sql.Tx) error { return enqueueAllForSearch(ctx, tx) })
}
