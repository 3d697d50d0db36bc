package storetest

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"testing"
	"testing/fstest"

	"policydesk"
	"policydesk/storage/sqldb"
)

// MigrationsBefore is the package's migrations directory (the test's
// working directory holds it) without the files from name on: a database
// as an older release left it.
func MigrationsBefore(tb testing.TB, name string) fs.FS {
	tb.Helper()
	names, err := sqldb.MigrationNames(os.DirFS("."), "migrations")
	if err != nil || len(names) == 0 {
		tb.Fatalf("no migrations here: %v", err)
	}
	older := fstest.MapFS{}
	for _, n := range names {
		if n >= "migrations/"+name {
			continue
		}
		buf, err := os.ReadFile(n)
		if err != nil {
			tb.Fatal(err)
		}
		older[n] = &fstest.MapFile{Data: buf}
	}
	return older
}

// UpgradeKeepsLanguages: raw is a database migrated up to (not including)
// 0018, as MigrationsBefore gives; users who chose sq, sr, en or nothing
// keep their choice when open applies 0018, after which sr-Cyrl can be
// stored and a language outside the five is still refused.
func UpgradeKeepsLanguages(t *testing.T, raw *sql.DB, open func() *sqldb.DB) {
	ctx := context.Background()
	before := map[string]string{"drita": "sq", "besa": "sr", "ana": "", "admin": "en"}
	for login, lang := range before {
		if _, err := raw.ExecContext(ctx, `INSERT INTO users (login, name, role, password_hash, created_at, language)
			VALUES (?, ?, 'editor', 'h', '2026-11-30T10:00:00Z', ?)`, login, login, lang); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := raw.ExecContext(ctx, `UPDATE users SET language = 'sr-Cyrl' WHERE login = 'ana'`); err == nil {
		t.Fatal("before 0018 the database took sr-Cyrl; the test did not start from the older schema")
	}
	db := open()
	users, err := db.FindUsers(ctx)
	if err != nil || len(users) != len(before) {
		t.Fatalf("after the upgrade: %d users, %v", len(users), err)
	}
	for _, u := range users {
		if u.Language != before[u.Login] {
			t.Errorf("%s chose %q and has %q after the upgrade", u.Login, before[u.Login], u.Language)
		}
	}
	ana, err := db.FindUserByLogin(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetUserLanguage(ctx, ana.ID, "sr-Cyrl"); err != nil {
		t.Fatalf("sr-Cyrl after the upgrade: %v", err)
	}
	if err := db.SetUserLanguage(ctx, ana.ID, "sr-Latn"); err == nil {
		t.Error("the database took sr-Latn")
	}
	if got, err := db.FindUserByID(ctx, ana.ID); err != nil || got.Language != "sr-Cyrl" {
		t.Errorf("ana after choosing sr-Cyrl: %+v, %v", got, err)
	}
	assertCode(t, db.SetUserLanguage(ctx, 4242, "sr-Cyrl"), policydesk.ENotFound)
}
