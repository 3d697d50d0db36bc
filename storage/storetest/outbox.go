package storetest

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/attachments"
	"policydesk/review"
	"policydesk/storage/sqldb"
)

// outboxEvent is one row of search_outbox.
type outboxEvent struct {
	ID, DocumentID int64
	Access         bool
}

func outboxEvents(tb testing.TB, raw *sql.DB) []outboxEvent {
	tb.Helper()
	rows, err := raw.Query(`SELECT id, document_id, access FROM search_outbox ORDER BY id`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []outboxEvent
	for rows.Next() {
		var e outboxEvent
		if err := rows.Scan(&e.ID, &e.DocumentID, &e.Access); err != nil {
			tb.Fatal(err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func openOutboxDB(t *testing.T, open Opener) (*sqldb.DB, *sql.DB) {
	t.Helper()
	be := open(t)
	return be.DB, be.Raw
}

// clearOutbox marks everything pending as done, so a test sees only what
// its next change enqueues.
func clearOutbox(t *testing.T, db *sqldb.DB) {
	t.Helper()
	ctx := context.Background()
	pending, err := db.PendingDocuments(ctx, 1000, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pending {
		if err := db.DoneDocument(ctx, p.DocumentID, p.UpTo); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.Backlog(ctx); err != nil || n != 0 {
		t.Fatalf("Backlog after clearing = %d, %v", n, err)
	}
}

func testOutbox_EveryChangeEnqueuesItsDocument(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	db, raw := openOutboxDB(t, open)
	owner := MustCreateUser(t, db, "drita", policydesk.RoleEditor)
	reviewer := MustCreateUser(t, db, "besa", policydesk.RoleReviewer)
	other := MustCreateDocument(t, db, owner, "Tjetër", "internal", reviewBody)

	var doc *drafts.Document
	var comment *review.Comment
	var att *attachments.Attachment
	changes := []struct {
		name string
		do   func() error
	}{
		{"create document", func() error {
			doc = &drafts.Document{Title: "Rregullore", Kind: "regulation", Language: "sq", Status: "draft", Visibility: "internal",
				CreatedBy: owner.ID, CreatedAt: t0, UpdatedAt: t0}
			v := &drafts.Version{Number: 1, Body: reviewBody, SHA256: drafts.SHA256Hex(reviewBody), AuthorID: owner.ID, Message: "v1", CreatedAt: t0}
			return db.CreateDocument(ctx, doc, v, auditFor(owner, "document.create"))
		}},
		{"save version", func() error {
			return db.AddVersion(ctx, newVersion(doc, 2, owner, reviewBody+"\n## Neni 2\n\nTekst i ri.\n"), auditFor(owner, "version.save"))
		}},
		{"patch document", func() error {
			d := *doc
			d.Title, d.Status, d.Visibility, d.UpdatedAt = "Rregullore e re", "in_review", "restricted", t0.Add(time.Hour)
			return db.UpdateDocument(ctx, &d, auditFor(owner, "document.update"))
		}},
		{"set member", func() error {
			return db.SetMember(ctx, &drafts.Member{DocumentID: doc.ID, UserID: reviewer.ID, Role: "reviewer"}, auditFor(owner, "member.set"))
		}},
		{"change member role", func() error {
			return db.SetMember(ctx, &drafts.Member{DocumentID: doc.ID, UserID: reviewer.ID, Role: "reader"}, auditFor(owner, "member.set"))
		}},
		{"remove member", func() error {
			return db.RemoveMember(ctx, doc.ID, reviewer.ID, auditFor(owner, "member.remove"))
		}},
		{"add comment", func() error {
			comment = newComment(doc, owner, 0, 2, "Komenti i parë")
			return db.CreateComment(ctx, comment, auditFor(owner, "comment.add"))
		}},
		{"reply", func() error {
			return db.AddReply(ctx, &review.Reply{CommentID: comment.ID, AuthorID: reviewer.ID, Body: "Përgjigje", CreatedAt: t0},
				auditFor(reviewer, "comment.reply"))
		}},
		{"decide comment", func() error {
			c := *comment
			c.Status, c.Decision, c.Reason, c.DecidedByID, c.DecidedAt = "resolved", "rejected", "Jo", owner.ID, t0
			return db.UpdateComment(ctx, &c, auditFor(owner, "comment.decide"))
		}},
		{"add attachment", func() error {
			att = &attachments.Attachment{DocumentID: doc.ID, Filename: "raport.txt", Size: 3, SHA256: drafts.SHA256Hex("abc"),
				ContentType: "text/plain", Key: "k/1", UploaderID: owner.ID, CreatedAt: t0}
			return db.CreateAttachment(ctx, att, auditFor(owner, "attachment.add"))
		}},
		{"delete attachment", func() error {
			return db.DeleteAttachment(ctx, att.ID, auditFor(owner, "attachment.delete"))
		}},
	}
	for _, c := range changes {
		clearOutbox(t, db)
		if err := c.do(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		events := outboxEvents(t, raw)
		if len(events) == 0 {
			t.Errorf("%s enqueued nothing", c.name)
			continue
		}
		for _, e := range events {
			if e.DocumentID != doc.ID {
				t.Errorf("%s enqueued document %d, want %d (other document %d)", c.name, e.DocumentID, doc.ID, other.ID)
			}
		}
		if n, err := db.Backlog(ctx); err != nil || n != 1 {
			t.Errorf("%s: Backlog = %d, %v; want 1", c.name, n, err)
		}
	}
}

func testOutbox_RolledBackChangeEnqueuesNothing(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	db, raw := openOutboxDB(t, open)
	owner := MustCreateUser(t, db, "drita", policydesk.RoleEditor)
	doc := MustCreateDocument(t, db, owner, "Rregullore", "internal", reviewBody)
	clearOutbox(t, db)
	docsBefore := CountRows(t, raw, "documents")

	// The document row is inserted before the version insert fails its
	// CHECK: the whole transaction rolls back, its queued search work too.
	bad := &drafts.Document{Title: "Dështon", Kind: "regulation", Language: "sq", Status: "draft", Visibility: "internal",
		CreatedBy: owner.ID, CreatedAt: t0, UpdatedAt: t0}
	v := &drafts.Version{Number: 0, Body: "x", SHA256: drafts.SHA256Hex("x"), AuthorID: owner.ID, Message: "v0", CreatedAt: t0}
	if err := db.CreateDocument(ctx, bad, v, auditFor(owner, "document.create")); err == nil {
		t.Fatal("creating a document with version 0 succeeded")
	}
	if n := CountRows(t, raw, "documents"); n != docsBefore {
		t.Fatalf("documents = %d after a failed create, want %d", n, docsBefore)
	}
	// A version whose base is stale: the head update matches nothing.
	if err := db.AddVersion(ctx, newVersion(doc, 5, owner, "tjetër"), auditFor(owner, "version.save")); policydesk.ErrorCode(err) != policydesk.EConflict {
		t.Fatalf("AddVersion on a stale head: %v, want conflict", err)
	}
	// Removing someone who is not a member fails after the DELETE statement.
	if err := db.RemoveMember(ctx, doc.ID, owner.ID, auditFor(owner, "member.remove")); policydesk.ErrorCode(err) != policydesk.ENotFound {
		t.Fatalf("RemoveMember of a non-member: %v, want not found", err)
	}
	// A comment that breaks a CHECK.
	c := newComment(doc, owner, 0, 1, "x")
	c.Status = "bogus"
	if err := db.CreateComment(ctx, c, auditFor(owner, "comment.add")); err == nil {
		t.Fatal("a comment with a bad status was stored")
	}
	if events := outboxEvents(t, raw); len(events) != 0 {
		t.Errorf("failed changes left outbox events: %+v", events)
	}
	if n, err := db.Backlog(ctx); err != nil || n != 0 {
		t.Errorf("Backlog = %d, %v; want 0", n, err)
	}

	// A transaction cancelled mid-way (context ends) leaves nothing either.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	d := *doc
	d.Title = "Anuluar"
	if err := db.UpdateDocument(cctx, &d, auditFor(owner, "document.update")); err == nil {
		t.Fatal("UpdateDocument with a cancelled context succeeded")
	}
	if events := outboxEvents(t, raw); len(events) != 0 {
		t.Errorf("cancelled change left outbox events: %+v", events)
	}
}

func testOutbox_PendingDoneRetryBacklog(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	db, raw := openOutboxDB(t, open)
	owner := MustCreateUser(t, db, "drita", policydesk.RoleEditor)
	a := MustCreateDocument(t, db, owner, "A", "internal", reviewBody)
	b := MustCreateDocument(t, db, owner, "B", "internal", reviewBody)
	for n := 2; n <= 3; n++ {
		if err := db.AddVersion(ctx, newVersion(a, n, owner, reviewBody+"\nv"+string(rune('0'+n))+"\n"), auditFor(owner, "version.save")); err != nil {
			t.Fatal(err)
		}
	}
	c := MustCreateDocument(t, db, owner, "C", "restricted", reviewBody)

	events := outboxEvents(t, raw)
	maxID := map[int64]int64{}
	for _, e := range events {
		maxID[e.DocumentID] = max(maxID[e.DocumentID], e.ID)
	}
	if len(maxID) != 3 {
		t.Fatalf("events for %d documents, want 3: %+v", len(maxID), events)
	}

	if n, err := db.Backlog(ctx); err != nil || n != 3 {
		t.Fatalf("Backlog = %d, %v; want 3 distinct documents (events: %d)", n, err, len(events))
	}
	pending, err := db.PendingDocuments(ctx, 10, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var gotDocs []int64
	for _, p := range pending {
		gotDocs = append(gotDocs, p.DocumentID)
		if p.UpTo != maxID[p.DocumentID] {
			t.Errorf("document %d: UpTo = %d, want the newest event %d", p.DocumentID, p.UpTo, maxID[p.DocumentID])
		}
		if p.Attempts != 0 {
			t.Errorf("document %d: Attempts = %d, want 0", p.DocumentID, p.Attempts)
		}
	}
	if want := []int64{a.ID, b.ID, c.ID}; !slices.Equal(gotDocs, want) {
		t.Errorf("pending documents %v, want one row each, oldest first %v", gotDocs, want)
	}
	if p, err := db.PendingDocuments(ctx, 2, time.Now()); err != nil || len(p) != 2 {
		t.Errorf("limit 2: %d rows, %v", len(p), err)
	}

	// An event arriving while A is indexed stays queued after DoneDocument.
	var upToA int64
	for _, p := range pending {
		if p.DocumentID == a.ID {
			upToA = p.UpTo
		}
	}
	if err := db.AddVersion(ctx, newVersion(a, 4, owner, reviewBody+"\nv4\n"), auditFor(owner, "version.save")); err != nil {
		t.Fatal(err)
	}
	if err := db.DoneDocument(ctx, a.ID, upToA); err != nil {
		t.Fatal(err)
	}
	var left []outboxEvent
	for _, e := range outboxEvents(t, raw) {
		if e.DocumentID == a.ID {
			left = append(left, e)
		}
	}
	if len(left) != 1 || left[0].ID <= upToA {
		t.Errorf("after DoneDocument(upTo=%d) document A keeps %+v, want only the newer event", upToA, left)
	}
	if n, _ := db.Backlog(ctx); n != 3 {
		t.Errorf("Backlog = %d, want 3 (A still has a newer event)", n)
	}

	// RetryDocument postpones B: not pending now, pending after next_at.
	pending, _ = db.PendingDocuments(ctx, 10, time.Now())
	var upToB int64
	for _, p := range pending {
		if p.DocumentID == b.ID {
			upToB = p.UpTo
		}
	}
	next := time.Now().Add(time.Minute)
	if err := db.RetryDocument(ctx, b.ID, upToB, next, "engine down"); err != nil {
		t.Fatal(err)
	}
	pending, _ = db.PendingDocuments(ctx, 10, time.Now())
	for _, p := range pending {
		if p.DocumentID == b.ID {
			t.Errorf("document B is pending right after RetryDocument postponed it")
		}
	}
	if n, _ := db.Backlog(ctx); n != 3 {
		t.Errorf("Backlog = %d, want 3: a postponed document still waits", n)
	}
	pending, _ = db.PendingDocuments(ctx, 10, next.Add(time.Second))
	found := false
	for _, p := range pending {
		if p.DocumentID == b.ID {
			found = true
			if p.Attempts != 1 {
				t.Errorf("B attempts = %d, want 1", p.Attempts)
			}
		}
	}
	if !found {
		t.Errorf("document B is not pending after its retry time")
	}
	var lastErr string
	if err := raw.QueryRow(`SELECT last_error FROM search_outbox WHERE document_id = ? LIMIT 1`, b.ID).Scan(&lastErr); err != nil || lastErr != "engine down" {
		t.Errorf("last_error = %q, %v", lastErr, err)
	}

	// Done for everything empties the backlog.
	pending, _ = db.PendingDocuments(ctx, 10, next.Add(time.Second))
	for _, p := range pending {
		if err := db.DoneDocument(ctx, p.DocumentID, p.UpTo); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.Backlog(ctx); err != nil || n != 0 {
		t.Errorf("Backlog = %d, %v; want 0", n, err)
	}
}
