// Package sqlite opens Policy Desk's store (storage/sqldb) on one SQLite
// file through the pure-Go modernc.org/sqlite driver: WAL,
// synchronous=FULL, foreign keys on, one writer connection and a read
// pool; its migrations, integrity check and VACUUM INTO copies for backup.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"policydesk/storage/sqldb"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// dialect is SQLite's: one writer at a time, so neither row nor key locks.
var dialect = sqldb.Dialect{Name: "sqlite", Check: check}

// Open opens (creating if needed) the database at path and applies
// migrations. Writes go through one connection (SQLite has one writer
// anyway, so queuing in Go beats retrying on SQLITE_BUSY); reads use a pool.
func Open(ctx context.Context, path string) (*sqldb.DB, error) {
	write, err := sql.Open("sqlite", dsn(path, "immediate"))
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", dsn(path, "deferred"))
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	if err := sqldb.Migrate(ctx, write, migrationFS, "migrations", ""); err != nil {
		return nil, errors.Join(fmt.Errorf("migrate %s: %w", path, err), write.Close(), read.Close())
	}
	return sqldb.New(write, read, dialect), nil
}

// dsn names the file with the pragmas every connection sets.
func dsn(path, txlock string) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "busy_timeout(10000)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", txlock)
	return "file:" + path + "?" + q.Encode()
}

// check runs SQLite's integrity and foreign-key checks and compares every
// version with its SHA-256; nil means clean.
func check(ctx context.Context, db *sql.DB) error {
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("integrity_check: %s", res)
	}
	rows, err := db.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		return errors.New("foreign_key_check found dangling references")
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return sqldb.CheckVersions(ctx, db)
}
