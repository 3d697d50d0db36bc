package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"policydesk"
)

// ForgetAttachments removes the attachments ids from the database (a
// backup's copy): they were deleted after the copy was taken and their
// files are gone, so the copy must not name them. The copy's audit log
// says so.
func (db *DB) ForgetAttachments(ctx context.Context, ids []int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
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
				ObjectID: strconv.FormatInt(docID, 10)}
			audit.Describe("%s (attachment %d) was deleted while this backup was taken", name, id)
			if err := appendAudit(ctx, tx, audit); err != nil {
				return err
			}
		}
		return nil
	})
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
			// Claims belong to the processes of the installation the
			// backup was taken from; none of them works here.
			`UPDATE search_outbox SET claimed_by = '', claimed_until = ''`,
			`UPDATE attachment_texts SET claimed_by = '', claimed_until = ''`,
			`UPDATE mail_queue SET claimed_by = '', claimed_until = ''`,
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
