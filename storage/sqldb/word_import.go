package sqldb

import (
	"context"
	"database/sql"

	"policydesk"
	"policydesk/review"
)

// ImportWordReview records the file first, so a second import of it stops
// at its key before writing a comment, then stores every comment and reply
// with its audit entry, in one transaction.
func (db *DB) ImportWordReview(ctx context.Context, imp *review.WordImport) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := db.openRoundTx(ctx, tx, imp.DocumentID, imp.Round); err != nil {
			if policydesk.ErrorCode(err) == policydesk.EConflict {
				return policydesk.Errorf(policydesk.EConflict, "Round %d is closed; comments are no longer accepted.", imp.Round)
			}
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO word_review_imports (document_id, round, sha256, reviewer_id, imported_by, imported_at, comments)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, imp.DocumentID, imp.Round, imp.SHA256, imp.ReviewerID, imp.ImportedBy, formatTime(imp.At), len(imp.Comments))
		if classify(err) == classUnique {
			return policydesk.Errorf(policydesk.EConflict, "This file was already imported into round %d; nothing was imported again.", imp.Round)
		} else if err != nil {
			return translate(err, "Round")
		}
		for _, c := range imp.Comments {
			if err := insertImported(ctx, tx, imp, c); err != nil {
				return err
			}
		}
		if len(imp.Comments) == 0 {
			return nil
		}
		return enqueueSearch(ctx, tx, imp.DocumentID, searchContent)
	})
}

// insertImported stores one imported comment and its replies.
func insertImported(ctx context.Context, tx *sql.Tx, imp *review.WordImport, c *review.Comment) error {
	id, err := insertComment(ctx, tx, c)
	if err != nil {
		return err
	}
	if err := auditImported(ctx, tx, imp.Audit(c, nil), id); err != nil {
		return err
	}
	for _, r := range c.Replies {
		r.CommentID = id
		if r.ID, err = insertID(ctx, tx, `INSERT INTO replies (comment_id, author_id, body, created_at) VALUES (?, ?, ?, ?)`,
			id, r.AuthorID, r.Body, formatTime(r.CreatedAt)); err != nil {
			return translate(err, "Reply")
		}
		if err := auditImported(ctx, tx, imp.Audit(c, r), r.ID); err != nil {
			return err
		}
	}
	return nil
}

func auditImported(ctx context.Context, tx *sql.Tx, audit *policydesk.AuditEntry, id int64) error {
	nameInAudit(audit, id)
	return appendAudit(ctx, tx, audit)
}
