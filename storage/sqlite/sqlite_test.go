package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/storage/sqldb"
	"policydesk/storage/sqlite"
	"policydesk/storage/storetest"
)

// TestStore runs the store conformance suite on SQLite.
func TestStore(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) storetest.Backend {
		db, path := mustOpen(tb)
		return storetest.Backend{DB: db, Raw: rawDB(tb, path)}
	})
}

// mustOpen opens a real SQLite file in a temporary directory and closes it
// when the test ends.
func mustOpen(tb testing.TB) (*sqldb.DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "policydesk.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return db, path
}

// rawDB opens the same file through a second, independent *sql.DB, as an
// operator with the sqlite3 shell would.
func rawDB(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { raw.Close() })
	return raw
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func TestOpen_MigrationsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policydesk.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	u := &policydesk.User{Login: "ana", Name: "Ana", Role: policydesk.RoleEditor, PasswordHash: "x", CreatedAt: t0}
	if err := db.CreateUser(context.Background(), u, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	for i := 0; i < 2; i++ {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatalf("reopen %d: %v", i, err)
		}
		if _, err := db.FindUserByLogin(context.Background(), "ana"); err != nil {
			t.Fatalf("reopen %d lost data: %v", i, err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migration files: %v, %v", files, err)
	}
	raw := rawDB(t, path)
	if n := storetest.CountRows(t, raw, "schema_migrations"); n != len(files) {
		t.Fatalf("schema_migrations has %d rows, want %d (one per migration file)", n, len(files))
	}
}

// Open has no exported PRAGMA helper, so the checks go through what can be
// observed from outside: journal_mode is stored in the file, and foreign keys
// show by a refused dangling reference.
func TestOpen_Pragmas(t *testing.T) {
	db, path := mustOpen(t)
	raw := rawDB(t, path)
	var mode string
	if err := raw.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Fatalf("journal_mode = %q, want wal", mode)
	}

	ctx := context.Background()
	ana := storetest.MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	doc := storetest.MustCreateDocument(t, db, ana, "Rregullore", "internal", "text")
	err := db.SetMember(ctx, &drafts.Member{DocumentID: doc.ID, UserID: 9999, Role: "reader"}, nil)
	if err == nil {
		t.Fatal("member with an unknown user was accepted: foreign_keys is off")
	}
	if n := storetest.CountRows(t, raw, "members"); n != 0 {
		t.Fatalf("members = %d after refused insert", n)
	}
}

// TestUpgrade_UserLanguageCyrillic: migration 0018 widens the users'
// language CHECK for sr-Cyrl on a file an older release made, keeping
// every user's choice.
func TestUpgrade_UserLanguageCyrillic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policydesk.db")
	raw := rawDB(t, path)
	if err := sqldb.Migrate(context.Background(), raw, storetest.MigrationsBefore(t, "0018"), "migrations", ""); err != nil {
		t.Fatal(err)
	}
	storetest.UpgradeKeepsLanguages(t, raw, func() *sqldb.DB {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
