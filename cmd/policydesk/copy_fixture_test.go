package main

// Fixtures of the copy tests: a SQLite installation with every kind of
// row, and a reading of a whole database, table by table, to compare a
// copy with its source independently of what storage/pgcopy computes.

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/attachments"
	"policydesk/drafts/draftstest"
	"policydesk/review"
	"policydesk/storage/postgres"
)

// fillCopySource makes data a SQLite installation: the demo library, then
// docs generated regulations, each with three versions, a review round
// with two comments (one with a suggestion, accepted; one rejected with a
// reason), replies, a closed round on every third, and an attachment on
// every other one.
func fillCopySource(tb testing.TB, data string, docs int) {
	tb.Helper()
	ctx := context.Background()
	c := &Config{Data: data, MaxUploadBytes: attachments.DefaultMaxUploadBytes, LogFormat: "text"}
	app, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	defer app.Close()
	if _, err := loadDemo(ctx, app.Accounts, app.Drafts, demoPassword); err != nil {
		tb.Fatal(err)
	}
	as := func(login string) context.Context {
		u, err := app.DB.FindUserByLogin(ctx, login)
		if err != nil {
			tb.Fatal(err)
		}
		return policydesk.NewContextWithUser(ctx, u)
	}
	drita, arben := as("drita"), as("arben")
	for i := range docs {
		body := draftstest.Regulation(12, 1500, int64(i+1))
		doc, _, err := app.Drafts.CreateDocument(drita, drafts.NewDocument{Title: fmt.Sprintf("Rregullore e kopjuar %d", i+1), Kind: "regulation", Language: "sq", Body: body})
		if err != nil {
			tb.Fatal(err)
		}
		for v := 2; v <= 3; v++ {
			body = draftstest.Revise(body, int64(i*10+v))
			if _, err := app.Drafts.SaveVersion(drita, doc.ID, v-1, body, fmt.Sprintf("rishikimi %d", v)); err != nil {
				tb.Fatal(err)
			}
		}
		reviewDocument(tb, app.Review, drita, arben, doc.ID, body, i)
		if i%2 == 0 {
			data := bytes.Repeat([]byte(fmt.Sprintf("Shtojca %d e rregullores. ", i)), 2000+i)
			if _, err := app.Attachments.Upload(drita, doc.ID, fmt.Sprintf("shtojca-%d.txt", i), bytes.NewReader(data)); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

// reviewDocument opens a round on version 3 of doc and leaves comments,
// replies and decisions on it.
func reviewDocument(tb testing.TB, rv *review.Service, editor, other context.Context, docID int64, body string, i int) {
	tb.Helper()
	quote := firstWords(body, 3)
	if _, err := rv.OpenRound(editor, docID, "Konsultimi publik", 3, "2027-01-31"); err != nil {
		tb.Fatal(err)
	}
	suggestion := quote + " (ndryshuar)"
	c1, err := rv.AddComment(other, docID, review.NewComment{Version: 3, Round: 1, Quote: quote, Body: fmt.Sprintf("Propozim %d.", i), Suggestion: &suggestion})
	if err != nil {
		tb.Fatalf("comment: %v", err)
	}
	c2, err := rv.AddComment(other, docID, review.NewComment{Version: 3, Round: 1, Quote: quote, Body: "Të hiqet."})
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range []struct {
		ctx  context.Context
		id   int64
		text string
	}{{editor, c1.ID, "Faleminderit, po e shqyrtojmë."}, {other, c1.ID, "Në rregull."}, {editor, c2.ID, "Jo, mbetet."}} {
		if _, err := rv.Reply(r.ctx, r.id, r.text); err != nil {
			tb.Fatalf("reply: %v", err)
		}
	}
	if _, err := rv.Decide(editor, c1.ID, "accepted", ""); err != nil {
		tb.Fatalf("decide: %v", err)
	}
	if _, err := rv.Decide(editor, c2.ID, "rejected", "Bie ndesh me ligjin bazë."); err != nil {
		tb.Fatal(err)
	}
	if i%3 == 0 {
		if _, err := rv.CloseRound(editor, docID, 1); err != nil {
			tb.Fatal(err)
		}
	}
}

// firstWords returns the first n words of body's first paragraph of text
// (not a heading).
func firstWords(body string, n int) string {
	for _, line := range strings.Split(body, "\n") {
		if f := strings.Fields(line); len(f) >= n && !strings.HasPrefix(line, "#") {
			return strings.Join(f[:n], " ")
		}
	}
	return ""
}

// dbContents is every row of every table, each row as text, sorted.
type dbContents map[string][]string

// copiedTables lists the tables of the PostgreSQL database at db that a
// copy fills, with their columns.
func copiedTables(tb testing.TB, db *sql.DB) map[string][]string {
	tb.Helper()
	rows, err := db.Query(`SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name <> 'schema_migrations' ORDER BY table_name, ordinal_position`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	tables := map[string][]string{}
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			tb.Fatal(err)
		}
		tables[t] = append(tables[t], c)
	}
	return tables
}

// readContents reads the tables of db (SQLite or PostgreSQL).
func readContents(tb testing.TB, db *sql.DB, tables map[string][]string) dbContents {
	tb.Helper()
	out := dbContents{}
	for t, cols := range tables {
		rows, err := db.Query(fmt.Sprintf(`SELECT %s FROM %s`, strings.Join(cols, ", "), t))
		if err != nil {
			tb.Fatalf("reading %s: %v", t, err)
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			var b strings.Builder
			for _, v := range vals {
				switch v := v.(type) {
				case []byte:
					fmt.Fprintf(&b, "%q|", v)
				case int32:
					fmt.Fprintf(&b, "%d|", v)
				default:
					fmt.Fprintf(&b, "%#v|", v)
				}
			}
			out[t] = append(out[t], b.String())
		}
		if err := rows.Err(); err != nil {
			tb.Fatal(err)
		}
		rows.Close()
		sort.Strings(out[t])
	}
	return out
}

// openPostgres opens dsn for a test's own queries.
func openPostgres(tb testing.TB, dsn string) *sql.DB {
	tb.Helper()
	db, err := postgres.Connect(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// rowCount counts the rows of every table of contents.
func rowCount(c dbContents) int {
	n := 0
	for _, rows := range c {
		n += len(rows)
	}
	return n
}

// oldSQLite writes a SQLite database at path as a service at migration
// upTo left it (WAL mode, as the service sets): the first upTo migration
// files of storage/sqlite, and a user, a document with two versions and
// an audit entry.
func oldSQLite(tb testing.TB, path string, upTo int) {
	tb.Helper()
	names, err := filepath.Glob("../../storage/sqlite/migrations/*.sql")
	if err != nil || len(names) < upTo {
		tb.Fatalf("the migrations: %v %v", names, err)
	}
	sort.Strings(names)
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	stmts := []string{`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY)`}
	for _, name := range names[:upTo] {
		script, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		stmts = append(stmts, string(script), `INSERT INTO schema_migrations (name) VALUES ('migrations/`+filepath.Base(name)+`')`)
	}
	v1, v2 := "# Neni 1\n\nE para.", "# Neni 1\n\nE dyta."
	stmts = append(stmts,
		`INSERT INTO users (id, login, name, role, password_hash, created_at) VALUES (3, 'vjeter', 'Përdorues i vjetër', 'admin', 'x', '2024-01-02T03:04:05Z')`,
		`INSERT INTO documents (id, title, kind, language, status, visibility, head, created_by, created_at, updated_at)
			VALUES (7, 'Rregullore e vjetër', 'regulation', 'sq', 'draft', 'internal', 2, 3, '2024-01-02T03:04:05Z', '2024-01-03T03:04:05Z')`,
		fmt.Sprintf(`INSERT INTO versions VALUES (7, 1, '%s', '%s', 3, 'e para', '[]', '2024-01-02T03:04:05Z')`, v1, drafts.SHA256Hex(v1)),
		fmt.Sprintf(`INSERT INTO versions VALUES (7, 2, '%s', '%s', 3, 'e dyta', '[]', '2024-01-03T03:04:05Z')`, v2, drafts.SHA256Hex(v2)),
		`INSERT INTO audit_log (id, at, actor_id, actor, action, object_type, object_id, detail) VALUES (41, '2024-01-03T03:04:05Z', 3, 'vjeter', 'version.save', 'document', '7', 'v2')`)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			tb.Fatalf("%s: %v", s, err)
		}
	}
}
