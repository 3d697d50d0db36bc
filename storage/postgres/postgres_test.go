package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"policydesk"
	"policydesk/storage/postgres"
	"policydesk/storage/postgres/pgtest"
	"policydesk/storage/sqldb"
	"policydesk/storage/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestStore runs the store conformance suite on PostgreSQL.
func TestStore(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) storetest.Backend {
		url := pgtest.URL(tb)
		return storetest.Backend{DB: mustOpen(tb, url), Raw: mustConnect(tb, url)}
	})
}

func mustOpen(tb testing.TB, url string) *sqldb.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return db
}

// mustConnect is a second pool on the database, as psql would be.
func mustConnect(tb testing.TB, url string) *sql.DB {
	tb.Helper()
	raw, err := postgres.Connect(url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { raw.Close() })
	return raw
}

// Replicas starting together on an empty database apply each migration
// once: the advisory lock makes the others wait, then find it done.
func TestOpen_ReplicasMigrateTogether(t *testing.T) {
	url := pgtest.URL(t)
	const replicas = 6
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := postgres.Open(context.Background(), url)
			if err == nil {
				err = db.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migration files: %v, %v", files, err)
	}
	var n int
	if err := mustConnect(t, url).QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(files) {
		t.Fatalf("schema_migrations has %d rows, want %d", n, len(files))
	}
	if err := mustOpen(t, url).Check(context.Background()); err != nil {
		t.Fatalf("check after racing starts: %v", err)
	}
}

// TRUNCATE, which skips row triggers, is refused on the immutable tables
// too.
func TestImmutableTables_Truncate(t *testing.T) {
	url := pgtest.URL(t)
	db := mustOpen(t, url)
	ana := storetest.MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	storetest.MustCreateDocument(t, db, ana, "Rregullore", "internal", "v1")
	raw := mustConnect(t, url)
	for _, table := range []string{"versions", "audit_log"} {
		if _, err := raw.Exec(`TRUNCATE ` + table + ` CASCADE`); err == nil {
			t.Errorf("TRUNCATE %s was allowed", table)
		}
	}
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM versions`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("versions = %d, %v after refused TRUNCATE", n, err)
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://app:s3cret@db:5432/policydesk?sslmode=disable": "postgres://app:xxxxx@db:5432/policydesk?sslmode=disable",
		"postgres://db/policydesk?password=s3cret&user=app":        "postgres://db/policydesk?password=xxxxx&user=app",
		"host=db user=app password=s3cret dbname=policydesk":       "host=db user=app password=xxxxx dbname=policydesk",
		"host=db password='se cret' dbname=policydesk":             "host=db password=xxxxx dbname=policydesk",
		"postgres://app@db/policydesk":                             "postgres://app@db/policydesk",
	} {
		if got := postgres.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// Check finds what `policydesk check` looks for: a migration missing, a
// version whose body no longer matches its SHA-256, a row naming a row that
// is not there (written with the foreign keys off, as a bulk load may).
func TestCheck_FindsDamage(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	db := mustOpen(t, url)
	ana := storetest.MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	doc := storetest.MustCreateDocument(t, db, ana, "Rregullore", "internal", "v1")
	if err := db.Check(ctx); err != nil {
		t.Fatalf("check on a sound database: %v", err)
	}
	raw := mustConnect(t, url)
	raw.SetMaxOpenConns(1) // the session setting below stays on the one connection
	for _, stmt := range []string{
		`ALTER TABLE versions DISABLE TRIGGER versions_immutable_update`,
		`UPDATE versions SET body = 'v1, altered'`,
		`ALTER TABLE versions ENABLE TRIGGER versions_immutable_update`,
		`DELETE FROM schema_migrations WHERE name LIKE '%0006%'`,
		`SET session_replication_role = replica`,
		`INSERT INTO members (document_id, user_id, role) VALUES (` + strconv.FormatInt(doc.ID, 10) + `, 4242, 'reader')`,
	} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	err := db.Check(ctx)
	for _, want := range []string{"do not match their SHA-256", "migrations", "rows of members name (user_id) rows of users that do not exist"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("check: %v; want it to say %q", err, want)
		}
	}
}

// A copy from SQLite inserts rows with their ids, then sets each identity
// sequence past them; the next row the store inserts follows on.
func TestIdentity_SettablePastCopiedIDs(t *testing.T) {
	url := pgtest.URL(t)
	db := mustOpen(t, url)
	raw := mustConnect(t, url)
	for _, stmt := range []string{
		`INSERT INTO users (id, login, name, role, password_hash, created_at) VALUES (100, 'copied', 'Copied', 'staff', 'x', '2026-03-01T09:00:00.000000000Z')`,
		`SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT MAX(id) FROM users))`,
	} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	u := storetest.MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	if u.ID != 101 {
		t.Fatalf("the next user got id %d, want 101", u.ID)
	}
}

// TestUpgrade_UserLanguageCyrillic: migration 0018 widens the users'
// language CHECK for sr-Cyrl on a database an older release made, keeping
// every user's choice.
func TestUpgrade_UserLanguageCyrillic(t *testing.T) {
	url := pgtest.URL(t)
	raw := mustConnect(t, url)
	if err := sqldb.Migrate(context.Background(), raw, storetest.MigrationsBefore(t, "0018"), "migrations", ""); err != nil {
		t.Fatal(err)
	}
	storetest.UpgradeKeepsLanguages(t, raw, func() *sqldb.DB { return mustOpen(t, url) })
}
