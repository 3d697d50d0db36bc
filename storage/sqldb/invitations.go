package sqldb

import (
	"context"
	"database/sql"

	"policydesk"
	"policydesk/drafts/accounts"
)

var _ accounts.InvitationStore = (*DB)(nil)

// FindUserByEmail returns the account with this address, compared without
// case; ENOTFOUND when there is none.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (*policydesk.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email <> '' AND lower(email) = lower(?) ORDER BY id LIMIT 1`, email))
	return u, translate(err, "User")
}

// CreateInvitation inserts the invited account and its invitation.
func (db *DB) CreateInvitation(ctx context.Context, inv *accounts.Invitation, audit *policydesk.AuditEntry) error {
	u := inv.User
	return db.tx(ctx, func(tx *sql.Tx) error {
		id, err := insertID(ctx, tx, `INSERT INTO users (login, name, organisation, role, password_hash, disabled, created_at, language, email, invited)
			VALUES (?, ?, ?, ?, '', 0, ?, ?, ?, 1)`, u.Login, u.Name, u.Organisation, u.Role, formatTime(u.CreatedAt), u.Language, inv.Email)
		if err != nil {
			return translateOne(err, "User", u.Login)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO invitations (user_id, email, token_hash, invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, inv.Email, inv.TokenHash, inv.InvitedBy, formatTime(inv.CreatedAt), formatTime(inv.ExpiresAt)); err != nil {
			return translateOne(err, "User", inv.Email)
		}
		u.ID = id
		return appendAudit(ctx, tx, audit)
	})
}

// RenewInvitation replaces the token of the pending invitation of
// inv.User.ID.
func (db *DB) RenewInvitation(ctx context.Context, inv *accounts.Invitation, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var email string
		err := tx.QueryRowContext(ctx, db.forUpdate(`SELECT email FROM invitations WHERE user_id = ? AND spent_at = ''`), inv.User.ID).Scan(&email)
		if err != nil {
			return translateOne(err, "User", inv.User.Login)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET token_hash = ?, invited_by = ?, created_at = ?, expires_at = ? WHERE user_id = ?`,
			inv.TokenHash, inv.InvitedBy, formatTime(inv.CreatedAt), formatTime(inv.ExpiresAt), inv.User.ID); err != nil {
			return translate(err, "User")
		}
		inv.Email = email
		return appendAudit(ctx, tx, audit)
	})
}

const invitationColumns = `i.email, i.token_hash, i.invited_by, i.created_at, i.expires_at, i.spent_at`

// scanInvitation reads invitationColumns followed by the account's
// userColumns.
func scanInvitation(row interface{ Scan(...any) error }) (*accounts.Invitation, error) {
	var inv accounts.Invitation
	var u policydesk.User
	var created, expires, spent, userCreated string
	if err := row.Scan(&inv.Email, &inv.TokenHash, &inv.InvitedBy, &created, &expires, &spent,
		&u.ID, &u.Login, &u.Name, &u.Organisation, &u.Role, &u.PasswordHash, &u.Disabled, &userCreated, &u.Language, &u.Invited); err != nil {
		return nil, err
	}
	inv.CreatedAt, inv.ExpiresAt, u.CreatedAt = parseTime(created), parseTime(expires), parseTime(userCreated)
	if spent != "" {
		inv.SpentAt = parseTime(spent)
	}
	inv.User = &u
	return &inv, nil
}

const invitationQuery = `SELECT ` + invitationColumns + `, u.id, u.login, u.name, u.organisation, u.role, u.password_hash, u.disabled, u.created_at, u.language, u.invited
	FROM invitations i JOIN users u ON u.id = i.user_id`

// FindInvitation returns the invitation with tokenHash.
func (db *DB) FindInvitation(ctx context.Context, tokenHash string) (*accounts.Invitation, error) {
	inv, err := scanInvitation(db.read.QueryRowContext(ctx, invitationQuery+` WHERE i.token_hash = ?`, tokenHash))
	return inv, translate(err, "Invitation")
}

// FindPendingInvitations lists the invitations not spent, newest first.
func (db *DB) FindPendingInvitations(ctx context.Context) ([]*accounts.Invitation, error) {
	rows, err := db.read.QueryContext(ctx, invitationQuery+` WHERE i.spent_at = '' ORDER BY i.created_at DESC, u.id DESC LIMIT 1000`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*accounts.Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// AcceptInvitation spends the invitation, activates its account and opens
// sess, or refuses and writes nothing.
func (db *DB) AcceptInvitation(ctx context.Context, tokenHash, passwordHash string, sess *accounts.Session, audit *policydesk.AuditEntry) (*policydesk.User, error) {
	var u *policydesk.User
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var userID int64
		var spent, expires string
		err := tx.QueryRowContext(ctx, db.forUpdate(`SELECT user_id, spent_at, expires_at FROM invitations WHERE token_hash = ?`), tokenHash).Scan(&userID, &spent, &expires)
		switch {
		case err == sql.ErrNoRows:
			return accounts.ErrInvitationUnknown
		case err != nil:
			return translate(err, "Invitation")
		case spent != "":
			return accounts.ErrInvitationUsed
		case !sess.CreatedAt.Before(parseTime(expires)):
			return accounts.ErrInvitationExpired
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET spent_at = ? WHERE user_id = ?`, formatTime(sess.CreatedAt), userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, invited = 0 WHERE id = ?`, passwordHash, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			sess.TokenHash, userID, sess.CSRF, formatTime(sess.CreatedAt), formatTime(sess.ExpiresAt)); err != nil {
			return translate(err, "Session")
		}
		if u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, userID)); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit)
	})
	return u, err
}
