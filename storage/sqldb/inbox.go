package sqldb

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"policydesk"
	"policydesk/notify"
)

// ClaimFollower takes the audit follower name for holder until now+lease.
func (db *DB) ClaimFollower(ctx context.Context, name, holder string, now time.Time, lease time.Duration) (int64, error) {
	var pos int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_followers (name) VALUES (?) ON CONFLICT (name) DO NOTHING`, name); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `UPDATE audit_followers SET holder = ?, lease_until = ?
			WHERE name = ? AND (holder = ? OR lease_until < ?) RETURNING position`,
			holder, formatTime(now.Add(lease)), name, holder, formatTime(now)).Scan(&pos)
		if err == sql.ErrNoRows {
			return policydesk.Errorf(policydesk.EConflict, "Another replica follows the audit log for %s.", name)
		}
		return err
	})
	return pos, err
}

// AuditAfter returns up to limit audit entries after the id, in id order.
func (db *DB) AuditAfter(ctx context.Context, after int64, limit int) ([]*policydesk.AuditEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, err
	}
	return scanAudit(rows)
}

// AddInboxItems inserts the items and moves the follower, in one transaction.
func (db *DB) AddInboxItems(ctx context.Context, name, holder string, now time.Time, from, to int64, items []*notify.Item) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE audit_followers SET position = ?
			WHERE name = ? AND holder = ? AND position = ? AND lease_until >= ?`, to, name, holder, from, formatTime(now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return policydesk.Errorf(policydesk.EConflict, "The audit follower %s was taken over or moved on; its batch is dropped.", name)
		}
		for _, it := range items {
			_, err := tx.ExecContext(ctx, `INSERT INTO inbox_items (key, user_id, kind, document_id, round, comment_id, actor_id, at, mail)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
				it.Key, it.UserID, it.Kind, it.DocumentID, nullInt(it.Round), nullID(it.CommentID), nullID(it.ActorID), formatTime(it.At), it.Mail)
			if err != nil {
				return translate(err, "Inbox item")
			}
		}
		return nil
	})
}

const itemColumns = `i.id, i.key, i.user_id, i.kind, i.document_id, COALESCE(d.title, ''), COALESCE(d.language, ''), COALESCE(i.round, 0), COALESCE(i.comment_id, 0),
	COALESCE(i.actor_id, 0), COALESCE(a.login, ''), COALESCE(a.name, ''), i.at, i.read, i.mail, i.mailed_at`

const itemFrom = ` FROM inbox_items i LEFT JOIN documents d ON d.id = i.document_id LEFT JOIN users a ON a.id = i.actor_id`

func scanItems(rows *sql.Rows) ([]*notify.Item, error) {
	defer rows.Close()
	items := []*notify.Item{}
	for rows.Next() {
		var it notify.Item
		var at, mailed string
		if err := rows.Scan(&it.ID, &it.Key, &it.UserID, &it.Kind, &it.DocumentID, &it.DocumentTitle, &it.DocumentLanguage, &it.Round, &it.CommentID,
			&it.ActorID, &it.Actor, &it.ActorName, &at, &it.Read, &it.Mail, &mailed); err != nil {
			return nil, err
		}
		it.At = parseTime(at)
		if mailed != "" {
			it.MailedAt = parseTime(mailed)
		}
		items = append(items, &it)
	}
	return items, rows.Err()
}

// FindInbox returns a page of the user's items, newest first.
func (db *DB) FindInbox(ctx context.Context, userID int64, limit, offset int) (*notify.InboxPage, error) {
	p := &notify.InboxPage{}
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(1 - read), 0) FROM inbox_items WHERE user_id = ?`, userID).Scan(&p.Total, &p.Unread)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+itemColumns+itemFrom+` WHERE i.user_id = ? ORDER BY i.id DESC LIMIT ? OFFSET ?`, userID, limit, offset)
	if err != nil {
		return nil, err
	}
	p.Items, err = scanItems(rows)
	return p, err
}

// CountUnread counts the user's unread items.
func (db *DB) CountUnread(ctx context.Context, userID int64) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM inbox_items WHERE user_id = ? AND read = 0`, userID).Scan(&n)
	return n, err
}

// MarkRead marks the user's items (all if ids is nil) read.
func (db *DB) MarkRead(ctx context.Context, userID int64, ids []int64) (int, error) {
	if ids != nil && len(ids) == 0 {
		return 0, nil
	}
	q, args := `UPDATE inbox_items SET read = 1 WHERE user_id = ? AND read = 0`, []any{userID}
	if ids != nil {
		q += ` AND id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	var n int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// FindRecipient returns a user's address, language and mail setting.
func (db *DB) FindRecipient(ctx context.Context, userID int64) (*notify.Recipient, error) {
	var r notify.Recipient
	var disabled bool
	err := db.read.QueryRowContext(ctx, `SELECT id, login, name, email, language, mail, disabled FROM users WHERE id = ?`, userID).
		Scan(&r.UserID, &r.Login, &r.Name, &r.Email, &r.Language, &r.Mail, &disabled)
	if err != nil {
		return nil, translate(err, "User")
	}
	if disabled {
		r.Mail = notify.SettingOff
	}
	return &r, nil
}

// SetMailSetting writes the user's mail setting and address.
func (db *DB) SetMailSetting(ctx context.Context, userID int64, setting, email string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET mail = ?, email = ? WHERE id = ?`, setting, email, userID)
		if err != nil {
			return translate(err, "User")
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return translate(sql.ErrNoRows, "User")
		}
		return nil
	})
}

// UnmailedItems returns items to mail immediately, not yet mailed.
func (db *DB) UnmailedItems(ctx context.Context, limit int) ([]*notify.Item, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+itemColumns+itemFrom+` WHERE i.mail = 'now' AND i.mailed_at = '' ORDER BY i.id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	return scanItems(rows)
}

// digestDue is the condition of items waiting for a digest.
const digestDue = ` mail = 'digest' AND mailed_at = '' AND digest_day = '' AND read = 0 AND at < ?`

// DigestUsers returns users with digest items waiting.
func (db *DB) DigestUsers(ctx context.Context, before time.Time, after int64, limit int) ([]int64, error) {
	return db.queryIDs(ctx, `SELECT DISTINCT user_id FROM inbox_items WHERE`+digestDue+` AND user_id > ? ORDER BY user_id LIMIT ?`,
		formatTime(before), after, limit)
}

// DigestItems fixes the items of the user's digest of day, once, and
// returns those not yet mailed.
func (db *DB) DigestItems(ctx context.Context, userID int64, day string, before time.Time) ([]*notify.Item, error) {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM inbox_items WHERE user_id = ? AND digest_day = ?`, userID, day).Scan(&n); err != nil || n > 0 {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE inbox_items SET digest_day = ? WHERE user_id = ? AND`+digestDue, day, userID, formatTime(before))
		return err
	})
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+itemColumns+itemFrom+` WHERE i.user_id = ? AND i.digest_day = ? AND i.mailed_at = '' ORDER BY i.id`, userID, day)
	if err != nil {
		return nil, err
	}
	return scanItems(rows)
}

// MarkMailed records that the items' mail was queued.
func (db *DB) MarkMailed(ctx context.Context, ids []int64, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	args := []any{formatTime(at)}
	for _, id := range ids {
		args = append(args, id)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE inbox_items SET mailed_at = ? WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
		return err
	})
}
