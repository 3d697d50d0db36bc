// Package sqlite keeps Policy Desk's metadata in one SQLite file through the
// pure-Go modernc.org/sqlite driver: WAL, synchronous=FULL, foreign keys on.
//
// Every method that changes what search shows queues its document in the
// search outbox (enqueueSearch) in the same transaction as the change, and
// a new attachment is queued for text extraction (enqueueText) likewise; the
// search package's workers drain both queues.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strings"
	"time"

	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"policydesk"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// timeFormat sorts lexically in time order and keeps nanoseconds.
const timeFormat = "2006-01-02T15:04:05.000000000Z07:00"

// DB is the store. Writes go through one connection (SQLite has one writer
// anyway, so queuing in Go beats retrying on SQLITE_BUSY); reads use a pool.
type DB struct {
	Path  string
	write *sql.DB
	read  *sql.DB
}

// Open opens (creating if needed) the database at path and applies migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	db := &DB{Path: path}
	dsn := func(txlock string) string {
		q := url.Values{}
		for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "busy_timeout(10000)"} {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", txlock)
		return "file:" + path + "?" + q.Encode()
	}
	var err error
	if db.write, err = sql.Open("sqlite", dsn("immediate")); err != nil {
		return nil, err
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetConnMaxIdleTime(0)
	if db.read, err = sql.Open("sqlite", dsn("deferred")); err != nil {
		db.write.Close()
		return nil, err
	}
	db.read.SetMaxOpenConns(8)
	db.read.SetMaxIdleConns(8)
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	return errors.Join(db.write.Close(), db.read.Close())
}

// Ping tells whether the database answers, for /readyz.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Check runs SQLite's integrity and foreign-key checks; nil means clean.
func (db *DB) Check(ctx context.Context) error {
	var res string
	if err := db.write.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("integrity_check: %s", res)
	}
	rows, err := db.write.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		return errors.New("foreign_key_check found dangling references")
	}
	return rows.Err()
}

func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) migrateFile(ctx context.Context, name string) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil || n > 0 {
		return err
	}
	script, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(script)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES (?)`, name); err != nil {
		return err
	}
	return tx.Commit()
}

// translate turns driver errors into domain errors at the boundary.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return policydesk.Errorf(policydesk.ENotFound, "%s not found.", what)
	}
	var se *sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3lib.SQLITE_CONSTRAINT_UNIQUE, sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY:
			return policydesk.Errorf(policydesk.EConflict, "%s already exists.", what)
		case sqlite3lib.SQLITE_BUSY, sqlite3lib.SQLITE_LOCKED:
			return policydesk.Errorf(policydesk.EUnavailable, "The database is busy; try again.")
		}
	}
	return err
}

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeFormat, s)
	return t
}

// tx runs fn in a write transaction, committing if it returns nil.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return translate(err, "transaction")
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return translate(tx.Commit(), "commit")
}

func appendAudit(ctx context.Context, tx *sql.Tx, e *policydesk.AuditEntry) error {
	if e == nil {
		return nil
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, actor, action, object_type, object_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, formatTime(e.At), nullID(e.ActorID), e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Detail)
	if err != nil {
		return err
	}
	e.ID, err = res.LastInsertId()
	return err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// where joins SQL conditions.
func where(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}
