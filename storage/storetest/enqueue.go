package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/attachments"
	"policydesk/review"
	"policydesk/search"
	"policydesk/storage/sqldb"
)

// names returns the first column of query's rows.
func names(tb testing.TB, raw *sql.DB, query string) []string {
	tb.Helper()
	rows, err := raw.Query(query)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			tb.Fatal(err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// refuseOutbox makes every insert into search_outbox fail (a test-only
// trigger, added through another connection) until allow is called.
func refuseOutbox(tb testing.TB, db *sqldb.DB, raw *sql.DB) (allow func()) {
	tb.Helper()
	create := []string{`CREATE TRIGGER test_outbox_refuses BEFORE INSERT ON search_outbox
		BEGIN SELECT RAISE(ABORT, 'the outbox refuses'); END`}
	drop := []string{`DROP TRIGGER test_outbox_refuses`}
	if db.Dialect().Name == "postgres" {
		create = []string{`CREATE FUNCTION test_outbox_refuses() RETURNS trigger LANGUAGE plpgsql AS
			$$ BEGIN RAISE EXCEPTION 'the outbox refuses'; END $$`,
			`CREATE TRIGGER test_outbox_refuses BEFORE INSERT ON search_outbox FOR EACH ROW EXECUTE FUNCTION test_outbox_refuses()`}
		drop = []string{`DROP TRIGGER test_outbox_refuses ON search_outbox`, `DROP FUNCTION test_outbox_refuses`}
	}
	mustExec(tb, raw, create...)
	return func() {
		tb.Helper()
		mustExec(tb, raw, drop...)
	}
}

func mustExec(tb testing.TB, raw *sql.DB, stmts ...string) {
	tb.Helper()
	for _, stmt := range stmts {
		if _, err := raw.Exec(stmt); err != nil {
			tb.Fatalf("%s: %v", stmt, err)
		}
	}
}

// tablesQuery lists the database's tables.
func tablesQuery(db *sqldb.DB) string {
	if db.Dialect().Name == "postgres" {
		return `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`
	}
	return `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
}

// dbState renders every row of every table, in sorted lines, to compare the
// database before and after a change that must leave nothing behind.
func dbState(tb testing.TB, db *sqldb.DB, raw *sql.DB) string {
	tb.Helper()
	var lines []string
	for _, table := range names(tb, raw, tablesQuery(db)) {
		rows, err := raw.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			tb.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%s %v", table, vals))
		}
		rows.Close()
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// TestOutbox_EveryStoreChangeQueuesInItsTransaction: each store method that
// changes what search shows queues its documents, with the right access
// flag, inside the transaction of the change. While the outbox refuses rows
// the method fails and the database is exactly as before (data and audit
// entry rolled back with the queue row), which a method that forgot to queue,
// or queued in a transaction of its own, would not do; once the outbox takes
// rows, the change's documents and only they are queued.
func testOutbox_EveryStoreChangeQueuesInItsTransaction(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	db, raw := openOutboxDB(t, open)
	owner := MustCreateUser(t, db, "drita", policydesk.RoleEditor)
	reviewer := MustCreateUser(t, db, "besa", policydesk.RoleReviewer)
	other := MustCreateDocument(t, db, owner, "Tjetër", "internal", reviewBody)
	forgotten := mustAttach(t, db, other, owner, "harruar.pdf")

	var doc *drafts.Document
	var comment *review.Comment
	var att *attachments.Attachment
	theDoc := func() []int64 { return []int64{doc.ID} }
	every := func() []int64 { return []int64{other.ID, doc.ID} }
	changes := []storeChange{
		{"CreateDocument", false, theDoc, func() error {
			doc = &drafts.Document{Title: "Rregullore", Kind: "regulation", Language: "sq", Status: "draft", Visibility: "internal",
				CreatedBy: owner.ID, CreatedAt: t0, UpdatedAt: t0}
			v := &drafts.Version{Number: 1, Body: reviewBody, SHA256: drafts.SHA256Hex(reviewBody), AuthorID: owner.ID, Message: "v1", CreatedAt: t0}
			return db.CreateDocument(ctx, doc, v, auditFor(owner, "document.create"))
		}},
		{"AddVersion", false, theDoc, func() error {
			return db.AddVersion(ctx, newVersion(doc, 2, owner, reviewBody+"\n## Neni 2\n\nTekst i ri.\n"), auditFor(owner, "version.save"))
		}},
		{"UpdateDocument title and status", false, theDoc, func() error {
			d := *doc
			d.Title, d.Status, d.UpdatedAt = "Rregullore e re", "in_review", t0.Add(time.Hour)
			return db.UpdateDocument(ctx, &d, auditFor(owner, "document.update"))
		}},
		{"UpdateDocument visibility", true, theDoc, func() error {
			d := *doc
			d.Visibility, d.UpdatedAt = "restricted", t0.Add(2*time.Hour)
			return db.UpdateDocument(ctx, &d, auditFor(owner, "document.update"))
		}},
		{"SetMember new", true, theDoc, func() error {
			return db.SetMember(ctx, &drafts.Member{DocumentID: doc.ID, UserID: reviewer.ID, Role: "reviewer"}, auditFor(owner, "member.set"))
		}},
		{"SetMember role", true, theDoc, func() error {
			return db.SetMember(ctx, &drafts.Member{DocumentID: doc.ID, UserID: reviewer.ID, Role: "reader"}, auditFor(owner, "member.set"))
		}},
		{"RemoveMember", true, theDoc, func() error {
			return db.RemoveMember(ctx, doc.ID, reviewer.ID, auditFor(owner, "member.remove"))
		}},
		{"CreateComment", false, theDoc, func() error {
			comment = newComment(doc, owner, 0, 2, "Komenti i parë")
			return db.CreateComment(ctx, comment, auditFor(owner, "comment.add"))
		}},
		{"AddReply", false, theDoc, func() error {
			return db.AddReply(ctx, &review.Reply{CommentID: comment.ID, AuthorID: reviewer.ID, Body: "Përgjigje", CreatedAt: t0},
				auditFor(reviewer, "comment.reply"))
		}},
		{"UpdateComment", false, theDoc, func() error {
			c := *comment
			c.Status, c.Decision, c.Reason, c.DecidedByID, c.DecidedAt = "resolved", "rejected", "Jo", owner.ID, t0
			return db.UpdateComment(ctx, &c, auditFor(owner, "comment.decide"))
		}},
		{"CreateAttachment", false, theDoc, func() error {
			att = &attachments.Attachment{DocumentID: doc.ID, Filename: "raport.pdf", Size: 3, SHA256: drafts.SHA256Hex("abc"),
				ContentType: "application/pdf", Key: "k/raport", UploaderID: owner.ID, CreatedAt: t0}
			return db.CreateAttachment(ctx, att, auditFor(owner, "attachment.add"))
		}},
		{"SaveText", false, theDoc, func() error {
			return db.SaveText(ctx, &search.AttachmentText{AttachmentID: att.ID, DocumentID: doc.ID, Status: search.TextDone, Text: "Qendrat ditore"})
		}},
		{"DeleteAttachment", false, theDoc, func() error {
			return db.DeleteAttachment(ctx, att.ID, auditFor(owner, "attachment.delete"))
		}},
		{"ForgetAttachments", false, func() []int64 { return []int64{other.ID} }, func() error {
			return db.ForgetAttachments(ctx, []int64{forgotten.ID})
		}},
		{"EnqueueAll", false, every, func() error { return db.EnqueueAll(ctx) }},
		{"Restored", false, every, func() error {
			return db.Restored(ctx, &policydesk.AuditEntry{Actor: "policydesk restore", Action: "backup.restore", ObjectType: "database"})
		}},
	}
	for _, c := range changes {
		c.check(t, db, raw)
	}
}

// storeChange is a store call that changes what search shows of docs.
type storeChange struct {
	name   string
	access bool // the flag its queue rows must carry
	docs   func() []int64
	do     func() error
}

// check runs the change once while the outbox refuses rows (it must fail
// and leave the database as it was), then for real (it must queue exactly
// its documents, with its access flag).
func (c storeChange) check(t *testing.T, db *sqldb.DB, raw *sql.DB) {
	t.Helper()
	clearOutbox(t, db)
	allow := refuseOutbox(t, db, raw)
	before := dbState(t, db, raw)
	err := c.do()
	after := dbState(t, db, raw)
	allow()
	if err == nil {
		t.Errorf("%s succeeded while the outbox refused rows: it queues no search work", c.name)
	} else if after != before {
		t.Errorf("%s failed to queue but left changes behind: it queues outside its transaction", c.name)
	}

	clearOutbox(t, db)
	if err := c.do(); err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	var got []int64
	for _, e := range outboxEvents(t, raw) {
		if e.Access != c.access {
			t.Errorf("%s queued document %d with access %v, want %v", c.name, e.DocumentID, e.Access, c.access)
		}
		if !slices.Contains(got, e.DocumentID) {
			got = append(got, e.DocumentID)
		}
	}
	slices.Sort(got)
	if want := c.docs(); !slices.Equal(got, want) {
		t.Errorf("%s queued documents %v, want %v", c.name, got, want)
	}
}

// TestOutbox_SameTextStatusQueuesNothing: saving an attachment's text again
// with the status it has queues nothing; only text that lands (or is given
// up on) changes what search shows.
func testOutbox_SameTextStatusQueuesNothing(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	db, raw := openOutboxDB(t, open)
	owner := MustCreateUser(t, db, "drita", policydesk.RoleEditor)
	doc := MustCreateDocument(t, db, owner, "Rregullore", "internal", reviewBody)
	a := mustAttach(t, db, doc, owner, "a.pdf")
	for i, want := range []int{1, 0} {
		clearOutbox(t, db)
		if err := db.SaveText(ctx, &search.AttachmentText{AttachmentID: a.ID, DocumentID: doc.ID, Status: search.TextDone, Text: "tekst " + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
		if n := len(outboxEvents(t, raw)); n != want {
			t.Errorf("save %d queued %d events, want %d", i+1, n, want)
		}
	}
}

// TestOutbox_QueuingIsGoCode: no trigger queues work any more (only the
// immutability triggers remain), and every function of the store whose SQL
// writes a table that search shows calls enqueueSearch, unless it is listed
// here with the reason it need not.
func testOutbox_QueuingIsGoCode(t *testing.T, open Opener) {
	t.Parallel()
	be := open(t)
	query := `SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name`
	if be.DB.Dialect().Name == "postgres" {
		query = `SELECT DISTINCT trigger_name FROM information_schema.triggers WHERE trigger_schema = current_schema() ORDER BY 1`
	}
	triggers := names(t, be.Raw, query)
	immutability := []string{"audit_append_only_delete", "audit_append_only_update", "versions_immutable_delete", "versions_immutable_update"}
	if !slices.Equal(triggers, immutability) {
		t.Errorf("triggers %v, want only the immutability ones %v", triggers, immutability)
	}

	needNot := map[string]string{
		"insertVersion":  "its callers, CreateDocument and AddVersion, queue the document",
		"insertComment":  "its callers, CreateComment and ImportWordReview, queue the document",
		"insertImported": "its caller, ImportWordReview, queues the document",
		"enqueueText":    "queues the attachment for extraction; CreateAttachment queues the document",
		"RetryText":      "the text stays pending: nothing new to show",
		"RetryTextNow":   "the text goes back to pending: nothing new to show",
		"ClaimTexts":     "claims the attachment for one reader: nothing new to show",
		"ReleaseClaims":  "ends claims: nothing new to show",
		"Restored":       "queues every document (enqueueAllForSearch); ending the backed-up processes' claims shows nothing new",
	}
	writes := regexp.MustCompile(`(?is)\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(documents|versions|members|comments|replies|attachments|attachment_texts)\b`)
	files, err := filepath.Glob("../sqldb/*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			table, queues := "", false
			ast.Inspect(fn, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.BasicLit:
					if s, err := strconv.Unquote(n.Value); err == nil && n.Kind == token.STRING {
						if m := writes.FindStringSubmatch(s); m != nil && table == "" {
							table = m[1]
						}
					}
				case *ast.CallExpr:
					if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "enqueueSearch" {
						queues = true
					}
				}
				return true
			})
			if table != "" && !queues && needNot[fn.Name.Name] == "" {
				t.Errorf("%s (%s) writes %s but does not call enqueueSearch in its transaction", fn.Name.Name, name, table)
			}
		}
	}
}
