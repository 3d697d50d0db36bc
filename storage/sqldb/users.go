package sqldb

import (
	"context"
	"database/sql"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/accounts"
)

var (
	_ accounts.UserStore = (*DB)(nil)
	_ drafts.UserFinder  = (*DB)(nil)
)

const userColumns = `id, login, name, organisation, role, password_hash, disabled, created_at, language, invited`

func scanUser(row interface{ Scan(...any) error }) (*policydesk.User, error) {
	var u policydesk.User
	var created string
	if err := row.Scan(&u.ID, &u.Login, &u.Name, &u.Organisation, &u.Role, &u.PasswordHash, &u.Disabled, &created, &u.Language, &u.Invited); err != nil {
		return nil, err
	}
	u.CreatedAt = parseTime(created)
	return &u, nil
}

// CreateUser inserts u; a taken login is ECONFLICT.
func (db *DB) CreateUser(ctx context.Context, u *policydesk.User, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		id, err := insertID(ctx, tx, `INSERT INTO users (login, name, organisation, role, password_hash, disabled, created_at, language)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, u.Login, u.Name, u.Organisation, u.Role, u.PasswordHash, flag(u.Disabled), formatTime(u.CreatedAt), u.Language)
		if err != nil {
			return translateOne(err, "User", u.Login)
		}
		u.ID = id
		return appendAudit(ctx, tx, audit)
	})
}

// UpdateUser writes every field of u except login and creation time, and
// ends the user's sessions when the role or the password changes or the
// account is disabled.
func (db *DB) UpdateUser(ctx context.Context, u *policydesk.User, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		old, err := scanUser(tx.QueryRowContext(ctx, db.forUpdate(`SELECT `+userColumns+` FROM users WHERE id = ?`), u.ID))
		if err != nil {
			return translate(err, "User")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, organisation = ?, role = ?, password_hash = ?, disabled = ? WHERE id = ?`,
			u.Name, u.Organisation, u.Role, u.PasswordHash, flag(u.Disabled), u.ID); err != nil {
			return translate(err, "User")
		}
		// A new password or role, or a disabled account, ends every session
		// of the user in the same transaction, whatever path changed it: a
		// reset locks out whoever knew the old password, and a demoted
		// user's open sessions do not keep the old role's pages.
		if old.Role != u.Role || old.PasswordHash != u.PasswordHash || (u.Disabled && !old.Disabled) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, audit)
	})
}

// SetUserLanguage saves the interface language of user id alone, so a
// preference never overwrites an administrator's change made meanwhile.
func (db *DB) SetUserLanguage(ctx context.Context, id int64, lang string) error {
	res, err := db.write.ExecContext(ctx, `UPDATE users SET language = ? WHERE id = ?`, lang, id)
	if err != nil {
		return translate(err, "User")
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return policydesk.Errorf(policydesk.ENotFound, "User not found.")
	}
	return nil
}

func (db *DB) FindUserByID(ctx context.Context, id int64) (*policydesk.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	return u, translate(err, "User")
}

func (db *DB) FindUserByLogin(ctx context.Context, login string) (*policydesk.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE login = ?`, login))
	return u, translateOne(err, "User", login)
}

func (db *DB) FindUsers(ctx context.Context) ([]*policydesk.User, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY login`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var users []*policydesk.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

func (db *DB) CreateSession(ctx context.Context, s *accounts.Session) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		// Expired sessions are swept on each login so the table stays small.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, formatTime(s.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			s.TokenHash, s.UserID, s.CSRF, formatTime(s.CreatedAt), formatTime(s.ExpiresAt))
		return translate(err, "Session")
	})
}

func (db *DB) FindSession(ctx context.Context, tokenHash string) (*accounts.Session, error) {
	var s accounts.Session
	var created, expires string
	err := db.read.QueryRowContext(ctx, `SELECT token_hash, user_id, csrf, created_at, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?`,
		tokenHash, formatTime(time.Now())).
		Scan(&s.TokenHash, &s.UserID, &s.CSRF, &created, &expires)
	if err != nil {
		return nil, translate(err, "Session")
	}
	s.CreatedAt, s.ExpiresAt = parseTime(created), parseTime(expires)
	return &s, nil
}

func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}

func (db *DB) FindSessionUser(ctx context.Context, tokenHash string) (*accounts.Session, *policydesk.User, error) {
	var s accounts.Session
	var u policydesk.User
	var created, expires, userCreated string
	err := db.read.QueryRowContext(ctx, `SELECT s.token_hash, s.user_id, s.csrf, s.created_at, s.expires_at,
		u.id, u.login, u.name, u.organisation, u.role, u.password_hash, u.disabled, u.created_at, u.language, u.invited
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?`,
		tokenHash, formatTime(time.Now())).
		Scan(&s.TokenHash, &s.UserID, &s.CSRF, &created, &expires,
			&u.ID, &u.Login, &u.Name, &u.Organisation, &u.Role, &u.PasswordHash, &u.Disabled, &userCreated, &u.Language, &u.Invited)
	if err != nil {
		return nil, nil, translate(err, "Session")
	}
	s.CreatedAt, s.ExpiresAt, u.CreatedAt = parseTime(created), parseTime(expires), parseTime(userCreated)
	return &s, &u, nil
}
