package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/attachments"
	"policydesk/search"
	"policydesk/storage/sqldb"
)

func mustAttach(t *testing.T, db *sqldb.DB, doc *drafts.Document, owner *policydesk.User, name string) *attachments.Attachment {
	t.Helper()
	a := &attachments.Attachment{DocumentID: doc.ID, Filename: name, Size: 3, SHA256: drafts.SHA256Hex(name),
		ContentType: "application/pdf", Key: "k/" + name, UploaderID: owner.ID, CreatedAt: t0}
	if err := db.CreateAttachment(context.Background(), a, auditFor(owner, "attachment.add")); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestAttachmentText_QueueSaveRetry: an attachment is queued for its text
// in the transaction that stores it (so a crash right after loses nothing);
// saving the text re-queues its document in the same transaction; retries
// postpone; a deleted attachment takes its text with it.
func testAttachmentText_QueueSaveRetry(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	db, raw := openOutboxDB(t, open)
	owner := MustCreateUser(t, db, "drita", policydesk.RoleEditor)
	doc := MustCreateDocument(t, db, owner, "Rregullore", "internal", reviewBody)
	a := mustAttach(t, db, doc, owner, "a.pdf")
	b := mustAttach(t, db, doc, owner, "b.docx")

	pending, err := db.PendingTexts(ctx, 10, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 2 || pending[0].AttachmentID != a.ID || pending[1].AttachmentID != b.ID ||
		pending[0].DocumentID != doc.ID || pending[0].Key != a.Key || pending[0].Filename != "a.pdf" || pending[0].Size != 3 {
		t.Fatalf("pending texts = %+v", pending)
	}
	if n, err := db.TextBacklog(ctx); err != nil || n != 2 {
		t.Fatalf("TextBacklog = %d, %v; want 2", n, err)
	}

	// A failed attempt postpones the attachment and counts.
	next := time.Now().Add(time.Minute)
	if err := db.RetryText(ctx, b.ID, next, "took longer than 20s"); err != nil {
		t.Fatal(err)
	}
	if p, _ := db.PendingTexts(ctx, 10, time.Now()); len(p) != 1 || p[0].AttachmentID != a.ID {
		t.Errorf("after postponing b, pending = %+v, want only a", p)
	}
	if p, _ := db.PendingTexts(ctx, 10, next.Add(time.Second)); len(p) != 2 || p[1].AttachmentID != b.ID || p[1].Attempts != 1 {
		t.Errorf("after b's retry time, pending = %+v, want b with 1 attempt", p)
	}

	// Saving the text queues the document, in the same transaction.
	clearOutbox(t, db)
	if err := db.SaveText(ctx, &search.AttachmentText{AttachmentID: a.ID, DocumentID: doc.ID, Status: search.TextDone, Text: "Qendrat ditore", Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	if ev := outboxEvents(t, raw); len(ev) != 1 || ev[0].DocumentID != doc.ID {
		t.Errorf("outbox after SaveText = %+v, want one event for the document", ev)
	}
	texts, err := db.AttachmentTexts(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := texts[a.ID]; got == nil || got.Status != search.TextDone || got.Text != "Qendrat ditore" {
		t.Errorf("stored text of a = %+v", got)
	}
	if got := texts[b.ID]; got == nil || got.Status != search.TextPending || got.Reason != "took longer than 20s" {
		t.Errorf("stored text of b = %+v", got)
	}
	if err := db.SaveText(ctx, &search.AttachmentText{AttachmentID: a.ID, Status: search.TextPending}); err == nil {
		t.Error("SaveText accepted pending as an outcome")
	}

	// A deleted attachment takes its text along; saving it later is a no-op.
	if err := db.DeleteAttachment(ctx, b.ID, auditFor(owner, "attachment.delete")); err != nil {
		t.Fatal(err)
	}
	if n := CountRows(t, raw, "attachment_texts"); n != 1 {
		t.Errorf("attachment_texts rows after a delete = %d, want 1", n)
	}
	if err := db.SaveText(ctx, &search.AttachmentText{AttachmentID: b.ID, DocumentID: doc.ID, Status: search.TextFailed, Reason: "x"}); err != nil {
		t.Errorf("SaveText of a deleted attachment: %v", err)
	}
	if n, err := db.TextBacklog(ctx); err != nil || n != 0 {
		t.Errorf("TextBacklog = %d, %v; want 0", n, err)
	}
}

// TestOutbox_AccessChangesFirst: documents with a visibility or member
// change are due before older documents with content changes only.
func testOutbox_AccessChangesFirst(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openOutboxDB(t, open)
	owner := MustCreateUser(t, db, "drita", policydesk.RoleEditor)
	reviewer := MustCreateUser(t, db, "besa", policydesk.RoleReviewer)
	var docs []*drafts.Document
	for _, title := range []string{"A", "B", "C", "D"} {
		docs = append(docs, MustCreateDocument(t, db, owner, title, "internal", reviewBody))
	}
	clearOutbox(t, db)
	// Content changes on A and B first, then a title change on C, a
	// visibility change on D, a member added to B.
	for i, d := range docs[:2] {
		if err := db.AddVersion(ctx, newVersion(d, 2, owner, reviewBody+"\nv2\n"), auditFor(owner, "version.save")); err != nil {
			t.Fatalf("%d: %v", i, err)
		}
	}
	c := *docs[2]
	c.Title = "C2"
	if err := db.UpdateDocument(ctx, &c, auditFor(owner, "document.update")); err != nil {
		t.Fatal(err)
	}
	d := *docs[3]
	d.Visibility = "restricted"
	if err := db.UpdateDocument(ctx, &d, auditFor(owner, "document.update")); err != nil {
		t.Fatal(err)
	}
	if err := db.SetMember(ctx, &drafts.Member{DocumentID: docs[1].ID, UserID: reviewer.ID, Role: "reader"}, auditFor(owner, "member.set")); err != nil {
		t.Fatal(err)
	}
	pending, err := db.PendingDocuments(ctx, 10, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, p := range pending {
		got = append(got, p.DocumentID)
	}
	// Access first (B's member event is newer than D's, but B's first
	// event is older), then the others oldest first.
	if want := []int64{docs[1].ID, docs[3].ID, docs[0].ID, docs[2].ID}; !slices.Equal(got, want) {
		t.Errorf("pending order %v, want access changes first %v", got, want)
	}
	if p, _ := db.PendingDocuments(ctx, 1, time.Now()); len(p) != 1 || (p[0].DocumentID != docs[1].ID && p[0].DocumentID != docs[3].ID) {
		t.Errorf("a batch of one takes %+v, want an access change", p)
	}
}

// TestOutbox_SetAsideAndRetry: a set-aside document leaves the backlog and
// the due list, is listed with its reason, comes back when it changes again
// and when an admin retries it (audited in the same transaction).
func testOutbox_SetAsideAndRetry(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openOutboxDB(t, open)
	admin := MustCreateUser(t, db, "root", policydesk.RoleAdmin)
	owner := MustCreateUser(t, db, "drita", policydesk.RoleEditor)
	bad := MustCreateDocument(t, db, owner, "Bad", "internal", reviewBody)
	good := MustCreateDocument(t, db, owner, "Good", "internal", reviewBody)
	att := mustAttach(t, db, good, owner, "poison.pdf")

	pending, _ := db.PendingDocuments(ctx, 10, time.Now())
	var upTo int64
	for _, p := range pending {
		if p.DocumentID == bad.ID {
			upTo = p.UpTo
		}
	}
	if err := db.SetAsideDocument(ctx, bad.ID, upTo, "corrupt outline"); err != nil {
		t.Fatal(err)
	}
	if p, _ := db.PendingDocuments(ctx, 10, time.Now().Add(time.Hour)); len(p) != 1 || p[0].DocumentID != good.ID {
		t.Errorf("pending after setting aside = %+v, want only the good document", p)
	}
	if n, _ := db.Backlog(ctx); n != 1 {
		t.Errorf("Backlog = %d, want 1: a set-aside document does not wait", n)
	}
	if err := db.SaveText(ctx, &search.AttachmentText{AttachmentID: att.ID, DocumentID: good.ID, Status: search.TextFailed,
		Reason: "The PDF's page tree loops.", Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.NotIndexed(ctx); err != nil || n != 2 {
		t.Errorf("NotIndexed = %d, %v; want 2", n, err)
	}
	problems, err := db.IndexingProblems(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 2 {
		t.Fatalf("problems = %+v, want the document and the attachment", problems)
	}
	for _, p := range problems {
		switch {
		case p.AttachmentID == 0:
			if p.DocumentID != bad.ID || p.Title != "Bad" || !p.SetAside || p.Attempts != 1 || p.Reason != "corrupt outline" {
				t.Errorf("document problem %+v", p)
			}
		default:
			if p.AttachmentID != att.ID || p.DocumentID != good.ID || p.Title != "Good" || p.Filename != "poison.pdf" || !p.SetAside || p.Reason != "The PDF's page tree loops." {
				t.Errorf("attachment problem %+v", p)
			}
		}
	}

	// A new change makes the document due again, with fresh attempts.
	if err := db.AddVersion(ctx, newVersion(bad, 2, owner, reviewBody+"\nv2\n"), auditFor(owner, "version.save")); err != nil {
		t.Fatal(err)
	}
	p, _ := db.PendingDocuments(ctx, 10, time.Now())
	i := slices.IndexFunc(p, func(p search.Pending) bool { return p.DocumentID == bad.ID })
	if i < 0 || p[i].Attempts != 0 {
		t.Fatalf("after a new change, pending = %+v, want the document due with 0 attempts", p)
	}
	if err := db.SetAsideDocument(ctx, bad.ID, p[i].UpTo, "still corrupt"); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.Backlog(ctx); n != 1 {
		t.Errorf("Backlog = %d after setting aside again, want 1", n)
	}

	// An admin's retry: due now, audited; nothing to retry is ENOTFOUND.
	before := auditTotal(t, db)
	if err := db.RetryDocumentNow(ctx, bad.ID, auditFor(admin, "indexing.retry")); err != nil {
		t.Fatal(err)
	}
	if err := db.RetryTextNow(ctx, att.ID, auditFor(admin, "indexing.retry")); err != nil {
		t.Fatal(err)
	}
	if got := auditTotal(t, db); got != before+2 {
		t.Errorf("audit entries %d, want %d", got, before+2)
	}
	if p, _ := db.PendingDocuments(ctx, 10, time.Now()); !slices.ContainsFunc(p, func(p search.Pending) bool { return p.DocumentID == bad.ID && p.Attempts == 0 }) {
		t.Errorf("after the retry, pending = %+v", p)
	}
	if p, _ := db.PendingTexts(ctx, 10, time.Now()); len(p) != 1 || p[0].AttachmentID != att.ID || p[0].Attempts != 0 {
		t.Errorf("after the retry, pending texts = %+v", p)
	}
	if n, _ := db.NotIndexed(ctx); n != 0 {
		t.Errorf("NotIndexed after retries = %d", n)
	}
	assertCode(t, db.RetryDocumentNow(ctx, good.ID, auditFor(admin, "indexing.retry")), policydesk.ENotFound)
	assertCode(t, db.RetryTextNow(ctx, att.ID, auditFor(admin, "indexing.retry")), policydesk.ENotFound)
	if got := auditTotal(t, db); got != before+2 {
		t.Errorf("a refused retry was audited: %d entries, want %d", got, before+2)
	}
}
