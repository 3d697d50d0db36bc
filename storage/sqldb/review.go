package sqldb

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"policydesk"
	"policydesk/review"
)

var _ review.Store = (*DB)(nil)

const roundColumns = `r.document_id, r.number, r.name, r.version, r.due, r.status, r.opened_by, r.created_at, r.closed_at, r.instructions,
	(SELECT COUNT(*) FROM comments c WHERE c.document_id = r.document_id AND c.round = r.number)`

func scanRound(row interface{ Scan(...any) error }) (*review.Round, error) {
	var r review.Round
	var created, closed string
	if err := row.Scan(&r.DocumentID, &r.Number, &r.Name, &r.Version, &r.Due, &r.Status, &r.OpenedBy, &created, &closed, &r.Instructions, &r.Comments); err != nil {
		return nil, err
	}
	r.CreatedAt = parseTime(created)
	if closed != "" {
		r.ClosedAt = parseTime(closed)
	}
	return &r, nil
}

// CreateRound numbers the round inside the write transaction, so two rounds
// opened at once get different numbers.
func (db *DB) CreateRound(ctx context.Context, r *review.Round, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		// The document's row lock keeps rounds opened side by side apart
		// where writers do not take turns (PostgreSQL).
		var docID int64
		if err := tx.QueryRowContext(ctx, db.forUpdate(`SELECT id FROM documents WHERE id = ?`), r.DocumentID).Scan(&docID); err != nil {
			return translateOne(err, "Document", r.DocumentID)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM rounds WHERE document_id = ?`, r.DocumentID).Scan(&r.Number); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO rounds (document_id, number, name, version, due, status, opened_by, created_at, instructions)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.DocumentID, r.Number, r.Name, r.Version, r.Due, r.Status, r.OpenedBy, formatTime(r.CreatedAt), r.Instructions)
		if err != nil {
			return translate(err, "Round")
		}
		for _, rv := range r.Reviewers {
			if err := insertReviewer(ctx, tx, r.DocumentID, r.Number, rv.UserID, r.CreatedAt); err != nil {
				return err
			}
			if rv.Share != nil {
				if err := shareWithReviewer(ctx, tx, r.DocumentID, rv); err != nil {
					return err
				}
			}
		}
		nameInAudit(audit, int64(r.Number))
		return appendAudit(ctx, tx, audit)
	})
}

// shareWithReviewer makes a round's reviewer who could not read the
// document a reviewer member of it, in the round's transaction. A member
// row written meanwhile (say, as editor) is kept as it is.
func shareWithReviewer(ctx context.Context, tx *sql.Tx, docID int64, rv *review.Reviewer) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO members (document_id, user_id, role) VALUES (?, ?, 'reviewer')
		ON CONFLICT (document_id, user_id) DO NOTHING`, docID, rv.UserID)
	if err != nil {
		return translate(err, "Member")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	if err := enqueueSearch(ctx, tx, docID, searchAccess); err != nil {
		return err
	}
	return appendAudit(ctx, tx, rv.Share)
}

func (db *DB) FindRound(ctx context.Context, docID int64, number int) (*review.Round, error) {
	r, err := scanRound(db.read.QueryRowContext(ctx, `SELECT `+roundColumns+` FROM rounds r WHERE r.document_id = ? AND r.number = ?`, docID, number))
	return r, translateOne(err, "Round", number)
}

func (db *DB) FindRounds(ctx context.Context, docID int64) ([]*review.Round, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+roundColumns+` FROM rounds r WHERE r.document_id = ? ORDER BY r.number`, docID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	rounds := []*review.Round{}
	for rows.Next() {
		r, err := scanRound(rows)
		if err != nil {
			return nil, err
		}
		rounds = append(rounds, r)
	}
	return rounds, rows.Err()
}

func (db *DB) CloseRound(ctx context.Context, docID int64, number int, at time.Time, audit *policydesk.AuditEntry) error {
	return db.setRoundStatus(ctx, docID, number, "closed", formatTime(at), audit)
}

func (db *DB) ReopenRound(ctx context.Context, docID int64, number int, audit *policydesk.AuditEntry) error {
	return db.setRoundStatus(ctx, docID, number, "open", "", audit)
}

// setRoundStatus moves a round to status ("open" or "closed", with the time
// it closed); a round already there is EConflict and writes nothing.
func (db *DB) setRoundStatus(ctx context.Context, docID int64, number int, status, closedAt string, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE rounds SET status = ?, closed_at = ? WHERE document_id = ? AND number = ? AND status <> ?`,
			status, closedAt, docID, number, status)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var current string
			if err := tx.QueryRowContext(ctx, `SELECT status FROM rounds WHERE document_id = ? AND number = ?`, docID, number).Scan(&current); err != nil {
				return translateOne(err, "Round", number)
			}
			return roundAlready(number, status)
		}
		return appendAudit(ctx, tx, audit)
	})
}

// CreateComment stores the comment and queues its document for search.
func (db *DB) CreateComment(ctx context.Context, c *review.Comment, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		id, err := insertID(ctx, tx, `INSERT INTO comments (document_id, round, version, start_pos, end_pos, quote, prefix, suffix,
			body, suggestion, has_suggestion, article_id, article_num, paragraph, author_id, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.DocumentID, nullInt(c.Round), c.Version, c.Start, c.End, c.Quote, c.Prefix, c.Suffix,
			c.Body, c.Suggestion, flag(c.HasSuggestion), c.ArticleID, c.ArticleNum, c.Paragraph, c.AuthorID, c.Status, formatTime(c.CreatedAt))
		if err != nil {
			return translate(err, "Comment")
		}
		c.ID = id
		if err := enqueueSearch(ctx, tx, c.DocumentID, searchContent); err != nil {
			return err
		}
		nameInAudit(audit, id)
		return appendAudit(ctx, tx, audit)
	})
}

const commentColumns = `c.id, c.document_id, COALESCE(c.round, 0), c.version, c.start_pos, c.end_pos, c.quote, c.prefix, c.suffix,
	c.body, c.suggestion, c.has_suggestion, c.article_id, c.article_num, c.paragraph, c.author_id, u.login, u.name, u.organisation,
	c.status, c.decision, c.reason, COALESCE(c.decided_by, 0), COALESCE(d.login, ''), c.decided_at, COALESCE(c.applied_version, 0), c.created_at`

const commentFrom = ` FROM comments c JOIN users u ON u.id = c.author_id LEFT JOIN users d ON d.id = c.decided_by`

func scanComment(row interface{ Scan(...any) error }) (*review.Comment, error) {
	var c review.Comment
	var decidedAt, created string
	err := row.Scan(&c.ID, &c.DocumentID, &c.Round, &c.Version, &c.Start, &c.End, &c.Quote, &c.Prefix, &c.Suffix,
		&c.Body, &c.Suggestion, &c.HasSuggestion, &c.ArticleID, &c.ArticleNum, &c.Paragraph, &c.AuthorID, &c.Author, &c.AuthorName, &c.Organisation,
		&c.Status, &c.Decision, &c.Reason, &c.DecidedByID, &c.DecidedBy, &decidedAt, &c.AppliedVersion, &created)
	if err != nil {
		return nil, err
	}
	c.CreatedAt = parseTime(created)
	if decidedAt != "" {
		c.DecidedAt = parseTime(decidedAt)
	}
	c.Replies = []*review.Reply{}
	return &c, nil
}

func (db *DB) FindComment(ctx context.Context, id int64) (*review.Comment, error) {
	c, err := scanComment(db.read.QueryRowContext(ctx, `SELECT `+commentColumns+commentFrom+` WHERE c.id = ?`, id))
	if err != nil {
		return nil, translateOne(err, "Comment", id)
	}
	return c, db.attachReplies(ctx, []*review.Comment{c}, `r.comment_id = ?`, id)
}

func (db *DB) FindComments(ctx context.Context, f review.CommentFilter) ([]*review.Comment, error) {
	conds, args := []string{"c.document_id = ?"}, []any{f.DocumentID}
	if f.Round != 0 {
		conds, args = append(conds, "c.round = ?"), append(args, f.Round)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+commentColumns+commentFrom+where(conds)+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	comments := []*review.Comment{}
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, err
		}
		comments = append(comments, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return comments, db.attachReplies(ctx, comments, `r.comment_id IN (SELECT id FROM comments WHERE document_id = ?)`, f.DocumentID)
}

// attachReplies loads the replies matching cond in one query.
func (db *DB) attachReplies(ctx context.Context, comments []*review.Comment, cond string, args ...any) error {
	byID := make(map[int64]*review.Comment, len(comments))
	for _, c := range comments {
		byID[c.ID] = c
	}
	rows, err := db.read.QueryContext(ctx, `SELECT r.id, r.comment_id, r.author_id, u.login, u.name, u.organisation, r.body, r.created_at
		FROM replies r JOIN users u ON u.id = r.author_id WHERE `+cond+` ORDER BY r.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r review.Reply
		var created string
		if err := rows.Scan(&r.ID, &r.CommentID, &r.AuthorID, &r.Author, &r.Name, &r.Organisation, &r.Body, &created); err != nil {
			return err
		}
		r.CreatedAt = parseTime(created)
		if c, ok := byID[r.CommentID]; ok {
			c.Replies = append(c.Replies, &r)
		}
	}
	return rows.Err()
}

// AddReply stores the reply and queues its comment's document for search.
func (db *DB) AddReply(ctx context.Context, r *review.Reply, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		id, err := insertID(ctx, tx, `INSERT INTO replies (comment_id, author_id, body, created_at) VALUES (?, ?, ?, ?)`,
			r.CommentID, r.AuthorID, r.Body, formatTime(r.CreatedAt))
		if err != nil {
			return translate(err, "Reply")
		}
		r.ID = id
		var docID int64
		if err := tx.QueryRowContext(ctx, `SELECT document_id FROM comments WHERE id = ?`, r.CommentID).Scan(&docID); err != nil {
			return translateOne(err, "Comment", r.CommentID)
		}
		if err := enqueueSearch(ctx, tx, docID, searchContent); err != nil {
			return err
		}
		nameInAudit(audit, id)
		return appendAudit(ctx, tx, audit)
	})
}

// UpdateComment writes the comment's status and decision and queues its
// document for search.
func (db *DB) UpdateComment(ctx context.Context, c *review.Comment, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		decidedAt := ""
		if !c.DecidedAt.IsZero() {
			decidedAt = formatTime(c.DecidedAt)
		}
		var docID int64
		err := tx.QueryRowContext(ctx, `UPDATE comments SET status = ?, decision = ?, reason = ?, decided_by = ?, decided_at = ?, applied_version = ?
			WHERE id = ? RETURNING document_id`, c.Status, c.Decision, c.Reason, nullID(c.DecidedByID), decidedAt, nullInt(c.AppliedVersion), c.ID).Scan(&docID)
		if err == sql.ErrNoRows {
			return policydesk.Errorf(policydesk.ENotFound, "Comment %d not found.", c.ID)
		}
		if err != nil {
			return translate(err, "Comment")
		}
		if err := enqueueSearch(ctx, tx, docID, searchContent); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit)
	})
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// roundAlready refuses to set round number to the status it has.
func roundAlready(number int, status string) error {
	if status == "closed" {
		return policydesk.Errorf(policydesk.EConflict, "Round %d is already closed.", number)
	}
	return policydesk.Errorf(policydesk.EConflict, "Round %d is already open.", number)
}

// nameInAudit puts a new row's id in its audit entry's detail, in place of
// the review.NewID its first value holds.
func nameInAudit(audit *policydesk.AuditEntry, id int64) {
	if audit == nil || len(audit.DetailArgs) == 0 {
		return
	}
	format, args := audit.DetailFormat, slices.Clone(audit.DetailArgs)
	args[0] = id
	audit.Describe(format, args...)
}
