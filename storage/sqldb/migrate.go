package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"sort"
)

// Migrate applies the *.sql files of dir in fsys that schema_migrations
// does not list yet, in name order, each in one transaction with its row
// in schema_migrations. lock, if not "", is run first in each transaction
// (PostgreSQL's pg_advisory_xact_lock), so that processes starting together
// apply each file once: the second waits, then finds it applied.
func Migrate(ctx context.Context, db *sql.DB, fsys fs.FS, dir, lock string) error {
	if err := inLockedTx(ctx, db, lock, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)`)
		return err
	}); err != nil {
		return fmt.Errorf("schema_migrations: %w", err)
	}
	names, err := MigrationNames(fsys, dir)
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := migrateFile(ctx, db, fsys, name, lock); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// MigrationNames lists the migration files of dir in the order they apply.
func MigrationNames(fsys fs.FS, dir string) ([]string, error) {
	names, err := fs.Glob(fsys, dir+"/*.sql")
	sort.Strings(names)
	return names, err
}

func migrateFile(ctx context.Context, db *sql.DB, fsys fs.FS, name, lock string) error {
	return inLockedTx(ctx, db, lock, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil || n > 0 {
			return err
		}
		script, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(script)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES (?)`, name)
		return err
	})
}

// inLockedTx runs fn in a transaction that first runs lock, if any.
func inLockedTx(ctx context.Context, db *sql.DB, lock string, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return translate(err, "migration")
	}
	defer tx.Rollback()
	if lock != "" {
		if _, err := tx.ExecContext(ctx, lock); err != nil {
			return translate(err, "migration lock")
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
