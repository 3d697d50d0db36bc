package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"time"

	"policydesk"
	"policydesk/notify"
)

var _ notify.MailStore = (*DB)(nil)

// EnqueueMail queues m unless a mail with its key was queued before, in
// one statement: two replicas queueing one key at once queue it once.
// A mail that fails validation is refused and nothing is written.
func (db *DB) EnqueueMail(ctx context.Context, m notify.Mail) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO mail_queue (mail_key, recipient, subject, text_body, html_body)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (mail_key) DO NOTHING`, m.Key, m.To, m.Subject, m.Text, m.HTML)
		return err
	})
}

// ClaimMails claims for consumer, until until, up to limit pending mails
// due by now that nobody else holds, oldest due first. One row per mail,
// so on PostgreSQL row locks do, as for attachment texts: the inner SELECT
// skips rows another claimer has locked, and the outer condition is
// checked again on a row another claimer has just taken.
func (db *DB) ClaimMails(ctx context.Context, consumer string, limit int, now, until time.Time) ([]notify.QueuedMail, error) {
	var out []notify.QueuedMail
	err := db.tx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, `WITH picked AS MATERIALIZED (
				SELECT id FROM mail_queue
				WHERE status = 'pending' AND next_at <= ? AND (claimed_until <= ? OR claimed_by = ?)
				ORDER BY next_at, id LIMIT ?`+db.skipLocked()+`)
			UPDATE mail_queue SET claimed_by = ?, claimed_until = ?
			WHERE id IN (SELECT id FROM picked) AND status = 'pending' AND (claimed_until <= ? OR claimed_by = ?)
			RETURNING id, mail_key, recipient, subject, text_body, html_body, attempts, next_at`,
			formatTime(now), formatTime(now), consumer, limit, consumer, formatTime(until), formatTime(now), consumer)
		if err != nil {
			return err
		}
		defer rows.Close()
		var claimed []dueMail
		for rows.Next() {
			var c dueMail
			if err := rows.Scan(&c.ID, &c.Key, &c.To, &c.Subject, &c.Text, &c.HTML, &c.Attempts, &c.next); err != nil {
				return err
			}
			claimed = append(claimed, c)
		}
		// RETURNING has no order: put back the one they were due in.
		slices.SortFunc(claimed, func(a, b dueMail) int { return cmp.Or(cmp.Compare(a.next, b.next), cmp.Compare(a.ID, b.ID)) })
		for _, c := range claimed {
			out = append(out, c.QueuedMail)
		}
		return rows.Err()
	})
	return out, err
}

// dueMail is a claimed mail with when it was due.
type dueMail struct {
	notify.QueuedMail
	next string
}

// MarkMailSending marks mail id as being handed over, if it is pending and
// consumer holds it; a compare-and-set, so of two workers that both think
// they hold a mail (one's claim expired and the other took it) only one
// can mark it.
func (db *DB) MarkMailSending(ctx context.Context, id int64, consumer string, at time.Time) error {
	return db.changeMail(ctx, `UPDATE mail_queue SET status = 'sending', sent_at = ?
		WHERE id = ? AND claimed_by = ? AND status = 'pending'`, formatTime(at), id, consumer)
}

// MarkMailSent records the server's acceptance of a mail consumer marked
// sending, and ends the claim.
func (db *DB) MarkMailSent(ctx context.Context, id int64, consumer string, at time.Time) error {
	return db.changeMail(ctx, `UPDATE mail_queue SET status = 'sent', sent_at = ?, last_error = '', claimed_until = ''
		WHERE id = ? AND claimed_by = ? AND status = 'sending'`, formatTime(at), id, consumer)
}

// RetryMail puts a mail consumer holds back as pending, due at next.
func (db *DB) RetryMail(ctx context.Context, id int64, consumer string, next time.Time, cause string) error {
	return db.changeMail(ctx, `UPDATE mail_queue SET status = 'pending', attempts = attempts + 1, next_at = ?, last_error = ?,
			sent_at = '', claimed_until = ''
		WHERE id = ? AND claimed_by = ? AND status IN ('pending', 'sending')`, formatTime(next), cause, id, consumer)
}

// UnconfirmedMail keeps a mail consumer marked sending as sending, with
// cause, and ends the claim.
func (db *DB) UnconfirmedMail(ctx context.Context, id int64, consumer, cause string) error {
	return db.changeMail(ctx, `UPDATE mail_queue SET last_error = ?, claimed_until = ''
		WHERE id = ? AND claimed_by = ? AND status = 'sending'`, cause, id, consumer)
}

// changeMail runs one conditional update of a mail row; no row matching
// is an EConflict: the mail is not (or no longer) the caller's to change.
func (db *DB) changeMail(ctx context.Context, update string, args ...any) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, update, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return policydesk.Errorf(policydesk.EConflict, "This mail is not held by this worker in the state the change needs; another worker took it or it was sent.")
		}
		return nil
	})
}

// ReleaseMailClaims ends consumer's claims on pending mails.
func (db *DB) ReleaseMailClaims(ctx context.Context, consumer string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE mail_queue SET claimed_until = '' WHERE claimed_by = ? AND status = 'pending'`, consumer)
		return err
	})
}

// MailBacklog counts the queue's mails by state as of now: a mail left
// sending whose claim ended is unconfirmed.
func (db *DB) MailBacklog(ctx context.Context, now time.Time) (notify.Backlog, error) {
	var b notify.Backlog
	var oldest sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT
			COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN status = 'pending' AND attempts > 0 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN status = 'sending' AND claimed_until <= ? THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END), 0),
			MIN(CASE WHEN status = 'pending' THEN created_at END)
		FROM mail_queue`, formatTime(now)).Scan(&b.Pending, &b.Failing, &b.Unconfirmed, &b.Sent, &oldest)
	if err != nil {
		return b, translate(err, "mail queue")
	}
	// created_at is written by the database, in RFC 3339.
	if t, err := time.Parse(time.RFC3339Nano, oldest.String); oldest.Valid && err == nil {
		b.Oldest = t
	}
	return b, nil
}
