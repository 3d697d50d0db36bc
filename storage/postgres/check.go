package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"policydesk/storage/sqldb"
)

// check verifies a PostgreSQL database for `policydesk check`: its
// migrations are exactly this program's, every version's SHA-256 matches
// its body, and no row names a row that is not there (the foreign keys
// enforce that, unless a bulk load turned them off, and a few references
// have no foreign key: the search queues and the audit log's actor).
func check(ctx context.Context, db *sql.DB) error {
	return errors.Join(checkMigrations(ctx, db), sqldb.CheckVersions(ctx, db), checkReferences(ctx, db))
}

func checkMigrations(ctx context.Context, db *sql.DB) error {
	want, err := sqldb.MigrationNames(migrationFS, "migrations")
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return fmt.Errorf("reading the applied migrations: %w", err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		got = append(got, name)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("the database's migrations are [%s], this program's are [%s]", strings.Join(got, " "), strings.Join(want, " "))
	}
	return nil
}

// references are every column that names another table's row: child
// table, its columns, parent table, its columns.
var references = [][4]string{
	{"sessions", "user_id", "users", "id"},
	{"documents", "created_by", "users", "id"},
	{"versions", "document_id", "documents", "id"},
	{"versions", "author_id", "users", "id"},
	{"members", "document_id", "documents", "id"},
	{"members", "user_id", "users", "id"},
	{"audit_log", "actor_id", "users", "id"},
	{"rounds", "document_id, version", "versions", "document_id, number"},
	{"rounds", "opened_by", "users", "id"},
	{"comments", "document_id, version", "versions", "document_id, number"},
	{"comments", "document_id, round", "rounds", "document_id, number"},
	{"comments", "author_id", "users", "id"},
	{"comments", "decided_by", "users", "id"},
	{"replies", "comment_id", "comments", "id"},
	{"replies", "author_id", "users", "id"},
	{"attachments", "document_id", "documents", "id"},
	{"attachments", "uploader_id", "users", "id"},
	{"attachment_texts", "attachment_id", "attachments", "id"},
	{"attachment_texts", "document_id", "documents", "id"},
	{"documents", "id, head", "versions", "document_id, number"},
}

func checkReferences(ctx context.Context, db *sql.DB) error {
	var errs []error
	for _, r := range references {
		child, parent := strings.Split(r[1], ", "), strings.Split(r[3], ", ")
		var notNull, match []string
		for i := range child {
			notNull = append(notNull, "c."+child[i]+" IS NOT NULL")
			match = append(match, "p."+parent[i]+" = c."+child[i])
		}
		var n int
		query := fmt.Sprintf(`SELECT COUNT(*) FROM %s c WHERE %s AND NOT EXISTS (SELECT 1 FROM %s p WHERE %s)`,
			r[0], strings.Join(notNull, " AND "), r[2], strings.Join(match, " AND "))
		if err := db.QueryRowContext(ctx, query).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			errs = append(errs, fmt.Errorf("%d rows of %s name (%s) rows of %s that do not exist", n, r[0], r[1], r[2]))
		}
	}
	return errors.Join(errs...)
}
