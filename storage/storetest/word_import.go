package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"policydesk"
	"policydesk/review"
	"policydesk/storage/sqldb"
)

// wordImport is an import of two comments, the first with two replies.
func wordImport(doc int64, round int, sha string, author *policydesk.User, ana *policydesk.User) *review.WordImport {
	c1 := &review.Comment{DocumentID: doc, Round: round, Version: 1, Start: 3, End: 8, Quote: "rregu", Body: "[Word: Arta] K1",
		AuthorID: author.ID, Status: "open", CreatedAt: t0, Replies: []*review.Reply{
			{AuthorID: author.ID, Body: "[Word: Drita] P1", CreatedAt: t0}, {AuthorID: author.ID, Body: "[Word: Arta] P2", CreatedAt: t0}}}
	c2 := &review.Comment{DocumentID: doc, Round: round, Version: 1, Body: "[Word: Arta] not found", AuthorID: author.ID,
		Status: "open", CreatedAt: t0, Suggestion: "", HasSuggestion: false}
	return &review.WordImport{DocumentID: doc, Round: round, SHA256: strings.Repeat(sha, 64), ReviewerID: author.ID, ImportedBy: ana.ID,
		At: t0, Comments: []*review.Comment{c1, c2},
		Audit: func(c *review.Comment, r *review.Reply) *policydesk.AuditEntry {
			if r != nil {
				a := auditFor(ana, "comment.reply")
				a.Describe("reply %d", review.NewID)
				return a
			}
			a := auditFor(ana, "comment.create")
			a.Describe("comment %d on version %d", review.NewID, 1)
			return a
		}}
}

func roundComments(t *testing.T, db *sqldb.DB, doc int64, round int) []*review.Comment {
	t.Helper()
	cs, err := db.FindComments(context.Background(), review.CommentFilter{DocumentID: doc, Round: round})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// testReviewStore_WordImport: an import stores its comments, replies and
// their audit entries (each naming its new row) at once; the same file
// again, a closed round, or a failure part-way write nothing.
func testReviewStore_WordImport(t *testing.T, open Opener) {
	db := open(t).DB
	ctx := context.Background()
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	besa := MustCreateUser(t, db, "besa", policydesk.RoleReviewer)
	doc := MustCreateDocument(t, db, ana, "A", "internal", reviewBody)
	r := mustCreateRound(t, db, doc, ana, 1)

	broken := wordImport(doc.ID, r.Number, "a", besa, ana)
	broken.Comments[1].AuthorID = 999999 // no such user: the second insert fails
	before := auditTotal(t, db)
	if err := db.ImportWordReview(ctx, broken); err == nil {
		t.Fatal("an import failing part-way was accepted")
	}
	if cs := roundComments(t, db, doc.ID, r.Number); len(cs) != 0 || auditTotal(t, db) != before {
		t.Fatalf("a failed import left %d comments and %d audit entries", len(cs), auditTotal(t, db)-before)
	}

	imp := wordImport(doc.ID, r.Number, "a", besa, ana)
	if err := db.ImportWordReview(ctx, imp); err != nil {
		t.Fatalf("import: %v", err)
	}
	cs := roundComments(t, db, doc.ID, r.Number)
	if len(cs) != 2 || len(cs[0].Replies) != 2 || cs[0].Replies[0].Body != "[Word: Drita] P1" || cs[1].Quote != "" || cs[0].Author != "besa" {
		t.Fatalf("imported comments = %+v", cs)
	}
	if got := auditTotal(t, db) - before; got != 4 {
		t.Fatalf("%d audit entries, want 4 (two comments, two replies)", got)
	}
	entries, _, err := db.FindAudit(ctx, policydesk.AuditFilter{Action: "comment.create", Limit: 10})
	if err != nil || len(entries) != 2 || entries[0].Detail != fmt.Sprintf("comment %d on version 1", cs[1].ID) {
		t.Fatalf("comment audit entries = %+v (%v)", entries, err)
	}

	err = db.ImportWordReview(ctx, wordImport(doc.ID, r.Number, "a", besa, ana))
	if policydesk.ErrorCode(err) != policydesk.EConflict || !strings.Contains(err.Error(), "already imported") {
		t.Fatalf("second import of the same file: %v", err)
	}
	if err := db.CloseRound(ctx, doc.ID, r.Number, t0, auditFor(ana, "round.close")); err != nil {
		t.Fatal(err)
	}
	err = db.ImportWordReview(ctx, wordImport(doc.ID, r.Number, "b", besa, ana))
	if policydesk.ErrorCode(err) != policydesk.EConflict || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("import into a closed round: %v", err)
	}
	if cs := roundComments(t, db, doc.ID, r.Number); len(cs) != 2 {
		t.Fatalf("refused imports changed the comments: %d", len(cs))
	}
}
