package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"policydesk"
	"policydesk/search"
)

var (
	_ search.ChangeLog       = (*DB)(nil)
	_ search.LogProblemStore = (*DB)(nil)
)

// appendSearchLog appends the change to search_log inside tx, for the
// replicas' embedded indexes. Its number comes from the one-row counter
// search_log_head: the UPDATE locks that row until tx ends, so a second
// writer waits there until the first has committed (or rolled back, which
// gives the number back), and numbers follow commit order with no gap. On
// PostgreSQL an identity column would not do that (a later number can
// commit first, and a follower past it would skip the earlier one for
// good). The lock is held from here to the commit, so every store method
// calls enqueueSearch at its end: only its audit row follows.
func appendSearchLog(ctx context.Context, tx *sql.Tx, docID int64, access bool) error {
	var seq int64
	if err := tx.QueryRowContext(ctx, `UPDATE search_log_head SET seq = seq + 1 WHERE id = 1 RETURNING seq`).Scan(&seq); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO search_log (seq, document_id, access, at) VALUES (?, ?, ?, ?)`,
		seq, docID, flag(access), formatTime(time.Now()))
	return err
}

// LogAfter returns up to limit log entries numbered above seq, in order.
func (db *DB) LogAfter(ctx context.Context, seq int64, limit int) ([]search.LogEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT seq, document_id, access, at FROM search_log WHERE seq > ? ORDER BY seq LIMIT ?`, seq, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []search.LogEntry
	for rows.Next() {
		var e search.LogEntry
		var at string
		if err := rows.Scan(&e.Seq, &e.DocumentID, &e.Access, &at); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// LogHead returns the last log number given out.
func (db *DB) LogHead(ctx context.Context) (int64, error) {
	var seq int64
	err := db.read.QueryRowContext(ctx, `SELECT seq FROM search_log_head WHERE id = 1`).Scan(&seq)
	return seq, err
}

// PruneLog removes log entries older than before.
func (db *DB) PruneLog(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM search_log WHERE at < ?`, formatTime(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// DiscardOutbox removes outbox events queued before before: with the
// embedded engine nobody consumes the outbox (each replica follows the
// log), so it is emptied as the log is pruned.
func (db *DB) DiscardOutbox(ctx context.Context, before time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM search_outbox WHERE created_at < ?`, formatTime(before))
		return err
	})
}

// RecordLogProblem records a follower's failed attempt at a document.
func (db *DB) RecordLogProblem(ctx context.Context, replica string, p search.Problem) error {
	next := ""
	if !p.NextAt.IsZero() {
		next = formatTime(p.NextAt)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO search_log_problems (replica, document_id, attempts, set_aside, reason, next_at, at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (replica, document_id) DO UPDATE SET attempts = excluded.attempts, set_aside = excluded.set_aside,
				reason = excluded.reason, next_at = excluded.next_at, at = excluded.at`,
			replica, p.DocumentID, p.Attempts, flag(p.SetAside), p.Reason, next, formatTime(time.Now()))
		return err
	})
}

// ClearLogProblems forgets the replica's problems with docIDs, or all of
// them when docIDs is nil.
func (db *DB) ClearLogProblems(ctx context.Context, replica string, docIDs []int64) error {
	if docIDs != nil && len(docIDs) == 0 {
		return nil
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if docIDs == nil {
			_, err := tx.ExecContext(ctx, `DELETE FROM search_log_problems WHERE replica = ?`, replica)
			return err
		}
		for len(docIDs) > 0 {
			chunk := docIDs[:min(len(docIDs), 500)]
			docIDs = docIDs[len(chunk):]
			args := []any{replica}
			for _, id := range chunk {
				args = append(args, id)
			}
			marks := strings.Repeat(", ?", len(chunk))[2:]
			if _, err := tx.ExecContext(ctx, `DELETE FROM search_log_problems WHERE replica = ? AND document_id IN (`+marks+`)`, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// LogProblems lists every replica's problems: set aside first, then most
// attempts.
func (db *DB) LogProblems(ctx context.Context, limit int) ([]search.Problem, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT p.replica, p.document_id, COALESCE(d.title, ''), p.set_aside, p.attempts, p.reason, p.next_at
		FROM search_log_problems p LEFT JOIN documents d ON d.id = p.document_id
		ORDER BY p.set_aside DESC, p.attempts DESC, p.document_id DESC, p.replica LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	return scanProblems(rows, func(p *search.Problem, next *string) []any {
		return []any{&p.Replica, &p.DocumentID, &p.Title, &p.SetAside, &p.Attempts, &p.Reason, next}
	})
}

// scanProblems reads problems from rows, whose columns dest names for
// each (next: when the next try is due, text), and closes rows.
func scanProblems(rows *sql.Rows, dest func(p *search.Problem, next *string) []any) ([]search.Problem, error) {
	defer rows.Close()
	out := []search.Problem{}
	for rows.Next() {
		var p search.Problem
		var next string
		if err := rows.Scan(dest(&p, &next)...); err != nil {
			return nil, err
		}
		if !p.SetAside {
			p.NextAt = parseTime(next)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// LogNotIndexed counts the documents some replica set aside.
func (db *DB) LogNotIndexed(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT document_id) FROM search_log_problems WHERE set_aside = 1`).Scan(&n)
	return n, err
}

// RetryLoggedDocumentNow forgets every replica's problem with the document
// and logs it again, so that every replica indexes it afresh.
func (db *DB) RetryLoggedDocumentNow(ctx context.Context, docID int64, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM search_log_problems WHERE document_id = ?`, docID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return policydesk.Errorf(policydesk.ENotFound, "Document %d has no failed indexing to retry.", docID)
		}
		// The log before the audit row, as in every store method, so
		// that writers take their locks in one order.
		if err := appendSearchLog(ctx, tx, docID, false); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit)
	})
}

// ClaimDocuments claims for consumer, until until, up to limit documents
// with outbox events due by now that no other consumer holds a live claim
// on (access changes first, then oldest first), and returns them as
// PendingDocuments does. A consumer may claim its own claims again (a
// retry after backoff); another one only once they expired (a dead
// replica's). One statement, so two consumers never get the same document.
func (db *DB) ClaimDocuments(ctx context.Context, consumer string, limit int, now, until time.Time) ([]search.Pending, error) {
	type claimed struct {
		search.Pending
		access bool
		first  int64
	}
	byDoc := map[int64]*claimed{}
	var order []*claimed
	err := db.tx(ctx, func(tx *sql.Tx) error {
		clear(byDoc)
		order = order[:0]
		// Claimers take turns (PostgreSQL: an advisory lock; SQLite has
		// one writer anyway), each one short statement that sees the
		// claims committed before it; writers never wait for it. Row locks
		// (FOR UPDATE SKIP LOCKED) would not do here: a document has
		// several rows, two claimers could each lock some of one
		// document's rows, and the IN list is not read again when a
		// claimer waits on the other's rows.
		if err := db.lockKeys(ctx, tx, []string{"search_outbox.claim"}); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `UPDATE search_outbox SET claimed_by = ?, claimed_until = ?
			WHERE set_aside = 0 AND next_at <= ? AND (claimed_until <= ? OR claimed_by = ?) AND document_id IN (
				SELECT o.document_id FROM search_outbox o
				WHERE o.set_aside = 0 AND o.next_at <= ? AND NOT EXISTS (
					SELECT 1 FROM search_outbox c WHERE c.document_id = o.document_id AND c.claimed_by <> ? AND c.claimed_until > ?)
				GROUP BY o.document_id ORDER BY MAX(o.access) DESC, MIN(o.id) LIMIT ?)
			RETURNING document_id, id, access, attempts`,
			consumer, formatTime(until), formatTime(now), formatTime(now), consumer, formatTime(now), consumer, formatTime(now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var doc, id int64
			var access bool
			var attempts int
			if err := rows.Scan(&doc, &id, &access, &attempts); err != nil {
				return err
			}
			c := byDoc[doc]
			if c == nil {
				c = &claimed{Pending: search.Pending{DocumentID: doc}, first: id}
				byDoc[doc] = c
				order = append(order, c)
			}
			c.UpTo, c.Attempts, c.access, c.first = max(c.UpTo, id), max(c.Attempts, attempts), c.access || access, min(c.first, id)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	// RETURNING has no order: put it back to PendingDocuments' one.
	slices.SortFunc(order, func(a, b *claimed) int {
		if a.access != b.access {
			if a.access {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.first, b.first)
	})
	out := make([]search.Pending, len(order))
	for i, c := range order {
		out[i] = c.Pending
	}
	return out, nil
}

// ClaimTexts claims for consumer, until until, up to limit attachments due
// for extraction by now that no other consumer holds a live claim on,
// oldest first, so two replicas never read the same file at once.
func (db *DB) ClaimTexts(ctx context.Context, consumer string, limit int, now, until time.Time) ([]search.PendingText, error) {
	var out []search.PendingText
	err := db.tx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		// One row per attachment, so on PostgreSQL row locks do: the
		// picking SELECT takes FOR UPDATE SKIP LOCKED (claimers pass each
		// other by), and the outer condition is checked again on a row
		// another claimer has just taken. The pick is a MATERIALIZED CTE:
		// as an IN subquery PostgreSQL may run it again per row and claim
		// more than limit.
		rows, err := tx.QueryContext(ctx, `WITH picked AS MATERIALIZED (
				SELECT attachment_id FROM attachment_texts
				WHERE status = 'pending' AND next_at <= ? AND (claimed_until <= ? OR claimed_by = ?)
				ORDER BY next_at, attachment_id LIMIT ?`+db.skipLocked()+`)
			UPDATE attachment_texts SET claimed_by = ?, claimed_until = ?
			WHERE attachment_id IN (SELECT attachment_id FROM picked) AND status = 'pending' AND (claimed_until <= ? OR claimed_by = ?)
			RETURNING attachment_id`, formatTime(now), formatTime(now), consumer, limit, consumer, formatTime(until), formatTime(now), consumer)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		rows, err = tx.QueryContext(ctx, `SELECT t.attachment_id, t.document_id, a.filename, a.content_type, a.blob_key, a.size, t.attempts
			FROM attachment_texts t JOIN attachments a ON a.id = t.attachment_id
			WHERE t.attachment_id IN (`+strings.Repeat(", ?", len(ids))[2:]+`) ORDER BY t.next_at, t.attachment_id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p search.PendingText
			if err := rows.Scan(&p.AttachmentID, &p.DocumentID, &p.Filename, &p.ContentType, &p.Key, &p.Size, &p.Attempts); err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}

// skipLocked ends a SELECT of queue rows to claim: " FOR UPDATE SKIP
// LOCKED" where writers run side by side, "" where there is one writer.
func (db *DB) skipLocked() string {
	if db.dialect.ForUpdate == "" {
		return ""
	}
	return db.dialect.ForUpdate + " SKIP LOCKED"
}

// ReleaseClaims ends the consumer's claims, at a clean shutdown, so that
// another replica takes its work at once rather than when they expire.
func (db *DB) ReleaseClaims(ctx context.Context, consumer string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE search_outbox SET claimed_until = '' WHERE claimed_by = ?`, consumer); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE attachment_texts SET claimed_until = '' WHERE claimed_by = ?`, consumer)
		return err
	})
}

// OutboxLag reports the outbox's backlog as a lag, for /readyz with
// Meilisearch: documents waiting (not set aside) and the age of the oldest
// event waiting.
func (db *DB) OutboxLag(ctx context.Context) (search.Lag, error) {
	var n int64
	var oldest sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT document_id), MIN(created_at) FROM search_outbox WHERE set_aside = 0`).Scan(&n, &oldest)
	if err != nil {
		return search.Lag{}, err
	}
	lag := search.Lag{Entries: n}
	// created_at is written by the database, in RFC 3339.
	if t, err := time.Parse(time.RFC3339Nano, oldest.String); oldest.Valid && err == nil {
		lag.Oldest = max(time.Since(t), 0)
	}
	return lag, nil
}
