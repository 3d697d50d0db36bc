package postgres_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/outline"
	"policydesk/storage/postgres/pgtest"
	"policydesk/storage/sqldb"
	"policydesk/storage/sqlite"
	"policydesk/storage/storetest"
)

// BenchmarkSaveVersion measures a save through the store (AddVersion: the
// head moved, the version, its search queue row and audit entry written in
// one transaction, committed durably) on SQLite and on PostgreSQL in the
// same run: one writer, then writers on separate documents side by side.
func BenchmarkSaveVersion(b *testing.B) {
	open := map[string]func(b *testing.B) *sqldb.DB{
		"sqlite": func(b *testing.B) *sqldb.DB {
			db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "policydesk.db"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			return db
		},
		"postgres": func(b *testing.B) *sqldb.DB { return mustOpen(b, pgtest.URL(b)) },
	}
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name+"/serial", func(b *testing.B) {
			db := open[name](b)
			save := saver(b, db)
			b.ResetTimer()
			for range b.N {
				save()
			}
		})
		b.Run(name+"/parallel", func(b *testing.B) {
			db := open[name](b)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				save := saver(b, db)
				for pb.Next() {
					save()
				}
			})
		})
	}
}

var benchUsers atomic.Int64

// saver creates a document and returns a function saving its next version.
func saver(b *testing.B, db *sqldb.DB) func() {
	ctx := context.Background()
	u := storetest.MustCreateUser(b, db, fmt.Sprintf("writer%d", benchUsers.Add(1)), policydesk.RoleEditor)
	body := strings.Repeat("Neni 1\n\nKjo rregullore përcakton procedurat e hartimit. ", 100) // about 5 KB
	doc := storetest.MustCreateDocument(b, db, u, "Rregullore", "internal", body)
	out := outline.Parse(body)
	next := 2
	return func() {
		text := fmt.Sprintf("%s\n\nversion %d", body, next)
		v := &drafts.Version{DocumentID: doc.ID, Number: next, Body: text, SHA256: drafts.SHA256Hex(text), AuthorID: u.ID,
			Message: "save", Outline: out}
		audit := &policydesk.AuditEntry{ActorID: u.ID, Actor: u.Login, Action: "version.create", ObjectType: "document", ObjectID: fmt.Sprint(doc.ID)}
		if err := db.AddVersion(ctx, v, audit); err != nil {
			b.Fatal(err)
		}
		next++
	}
}
