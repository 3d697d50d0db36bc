package sqldb

import (
	"context"
	"database/sql"
	"time"

	"policydesk"
	"policydesk/notify"
	"policydesk/review"
)

func insertReviewer(ctx context.Context, tx *sql.Tx, docID int64, number int, userID int64, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO round_reviewers (document_id, round, user_id, added_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (document_id, round, user_id) DO NOTHING`, docID, number, userID, formatTime(at))
	return translate(err, "Round")
}

// openRoundTx locks an open round for a change to it (the round's row
// under PostgreSQL); ENotFound or EConflict (closed) otherwise.
func (db *DB) openRoundTx(ctx context.Context, tx *sql.Tx, docID int64, number int) (due string, err error) {
	var status string
	err = tx.QueryRowContext(ctx, db.forUpdate(`SELECT status, due FROM rounds WHERE document_id = ? AND number = ?`), docID, number).Scan(&status, &due)
	if err != nil {
		return "", translateOne(err, "Round", number)
	}
	if status != "open" {
		return "", policydesk.Errorf(policydesk.EConflict, "Round %d is closed.", number)
	}
	return due, nil
}

func (db *DB) AddReviewer(ctx context.Context, docID int64, number int, rv *review.Reviewer, at time.Time, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := db.openRoundTx(ctx, tx, docID, number); err != nil {
			return err
		}
		if err := insertReviewer(ctx, tx, docID, number, rv.UserID, at); err != nil {
			return err
		}
		if rv.Share != nil {
			if err := shareWithReviewer(ctx, tx, docID, rv); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, audit)
	})
}

func (db *DB) RemoveReviewer(ctx context.Context, docID int64, number int, userID int64, audit *policydesk.AuditEntry) error {
	return db.reviewerChange(ctx, docID, number, `DELETE FROM round_reviewers WHERE document_id = ? AND round = ? AND user_id = ?`,
		[]any{docID, number, userID}, audit)
}

func (db *DB) SetReviewerDone(ctx context.Context, docID int64, number int, userID int64, at time.Time, audit *policydesk.AuditEntry) error {
	done := ""
	if !at.IsZero() {
		done = formatTime(at)
	}
	return db.reviewerChange(ctx, docID, number, `UPDATE round_reviewers SET done_at = ? WHERE document_id = ? AND round = ? AND user_id = ?`,
		[]any{done, docID, number, userID}, audit)
}

// reviewerChange runs a statement on one reviewer row of an open round;
// no such row is ENotFound.
func (db *DB) reviewerChange(ctx context.Context, docID int64, number int, query string, args []any, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := db.openRoundTx(ctx, tx, docID, number); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return policydesk.Errorf(policydesk.ENotFound, "This user is not a reviewer of round %d.", number)
		}
		return appendAudit(ctx, tx, audit)
	})
}

func (db *DB) MarkReviewerOpened(ctx context.Context, docID int64, number int, userID int64, at time.Time) error {
	_, err := db.write.ExecContext(ctx, `UPDATE round_reviewers SET opened_at = ?
		WHERE document_id = ? AND round = ? AND user_id = ? AND opened_at = ''`, formatTime(at), docID, number, userID)
	return err
}

func (db *DB) FindReviewers(ctx context.Context, docID int64, number int) ([]*review.Reviewer, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT u.id, u.login, u.name, rr.opened_at, rr.done_at,
		(SELECT COUNT(*) FROM comments c WHERE c.document_id = rr.document_id AND c.round = rr.round AND c.author_id = rr.user_id)
		FROM round_reviewers rr JOIN users u ON u.id = rr.user_id
		WHERE rr.document_id = ? AND rr.round = ? ORDER BY u.login`, docID, number)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*review.Reviewer{}
	for rows.Next() {
		var r review.Reviewer
		var opened, done string
		if err := rows.Scan(&r.UserID, &r.Login, &r.Name, &opened, &done, &r.Comments); err != nil {
			return nil, err
		}
		r.OpenedAt, r.DoneAt = optionalTime(opened), optionalTime(done)
		r.Settle()
		out = append(out, &r)
	}
	return out, rows.Err()
}

func optionalTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	return parseTime(s)
}

func (db *DB) ExtendRound(ctx context.Context, docID int64, number int, e *review.Extension, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		due, err := db.openRoundTx(ctx, tx, docID, number)
		if err != nil {
			return err
		}
		if due != e.OldDue {
			return policydesk.Errorf(policydesk.EConflict, "The due date of round %d changed meanwhile; look at it again.", number)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rounds SET due = ? WHERE document_id = ? AND number = ?`, e.NewDue, docID, number); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO round_extensions (document_id, round, at, by_id, old_due, new_due, reason)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, docID, number, formatTime(e.At), e.ByID, e.OldDue, e.NewDue, e.Reason)
		if err != nil {
			return translate(err, "Round")
		}
		return appendAudit(ctx, tx, audit)
	})
}

func (db *DB) FindExtensions(ctx context.Context, docID int64, number int) ([]*review.Extension, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT e.at, e.by_id, u.login, e.old_due, e.new_due, e.reason
		FROM round_extensions e JOIN users u ON u.id = e.by_id
		WHERE e.document_id = ? AND e.round = ? ORDER BY e.at, e.new_due`, docID, number)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*review.Extension{}
	for rows.Next() {
		var e review.Extension
		var at string
		if err := rows.Scan(&at, &e.ByID, &e.By, &e.OldDue, &e.NewDue, &e.Reason); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, &e)
	}
	return out, rows.Err()
}

func (db *DB) FindWaitingRounds(ctx context.Context, userID int64, limit int) ([]*review.WaitingRound, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT r.document_id, d.title, d.language, r.number, r.name, r.due, rr.opened_at,
		(SELECT COUNT(*) FROM comments c WHERE c.document_id = r.document_id AND c.round = r.number AND c.author_id = rr.user_id)
		FROM round_reviewers rr
		JOIN rounds r ON r.document_id = rr.document_id AND r.number = rr.round
		JOIN documents d ON d.id = r.document_id
		WHERE rr.user_id = ? AND rr.done_at = '' AND r.status = 'open'
		ORDER BY CASE WHEN r.due = '' THEN 1 ELSE 0 END, r.due, r.document_id, r.number LIMIT ?`, userID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*review.WaitingRound{}
	for rows.Next() {
		var w review.WaitingRound
		var opened string
		if err := rows.Scan(&w.DocumentID, &w.Title, &w.Language, &w.Round, &w.Name, &w.Due, &opened, &w.Comments); err != nil {
			return nil, err
		}
		rv := review.Reviewer{OpenedAt: optionalTime(opened), Comments: w.Comments}
		rv.Settle()
		w.Status = rv.Status
		out = append(out, &w)
	}
	return out, rows.Err()
}

var _ notify.DueRounds = (*DB)(nil)

// FindUnfinishedReviewers returns the reviewers not done of the open
// rounds due on or before upto (YYYY-MM-DD), for the reminders. The number
// of open rounds with a due date is what bounds it.
func (db *DB) FindUnfinishedReviewers(ctx context.Context, upto string) ([]notify.UnfinishedReviewer, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT r.document_id, r.number, r.due, rr.user_id
		FROM round_reviewers rr
		JOIN rounds r ON r.document_id = rr.document_id AND r.number = rr.round
		WHERE rr.done_at = '' AND r.status = 'open' AND r.due <> '' AND r.due <= ?
		ORDER BY r.due, r.document_id, r.number, rr.user_id`, upto)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notify.UnfinishedReviewer
	for rows.Next() {
		var u notify.UnfinishedReviewer
		if err := rows.Scan(&u.DocumentID, &u.Round, &u.Due, &u.UserID); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
