package storetest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/review"
	"policydesk/storage/sqldb"
)

const reviewBody = "# Rregullore\n\n## Neni 1 – Qëllimi\n\nKjo rregullore përcakton çështjet e fëmijëve.\n"

func auditFor(u *policydesk.User, action string) *policydesk.AuditEntry {
	return &policydesk.AuditEntry{At: t0, ActorID: u.ID, Actor: u.Login, Action: action, ObjectType: "document"}
}

func mustCreateRound(tb testing.TB, db *sqldb.DB, doc *drafts.Document, u *policydesk.User, version int) *review.Round {
	tb.Helper()
	r := &review.Round{DocumentID: doc.ID, Name: "Raundi", Version: version, Status: "open", OpenedBy: u.ID, CreatedAt: t0}
	if err := db.CreateRound(context.Background(), r, auditFor(u, "round.open")); err != nil {
		tb.Fatalf("create round: %v", err)
	}
	return r
}

func newComment(doc *drafts.Document, u *policydesk.User, round, version int, body string) *review.Comment {
	return &review.Comment{DocumentID: doc.ID, Round: round, Version: version, Start: 3, End: 8, Quote: "rregu",
		Body: body, ArticleID: "a1", ArticleNum: "1", Paragraph: "1.2", AuthorID: u.ID, Status: "open", CreatedAt: t0}
}

func testReviewStore_RoundsNumberedPerDocumentConcurrently(t *testing.T, open Opener) {
	be := open(t)
	db := be.DB
	ctx := context.Background()
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	docA := MustCreateDocument(t, db, ana, "A", "internal", reviewBody)
	docB := MustCreateDocument(t, db, ana, "B", "internal", reviewBody)

	const n = 12
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := 0; i < n; i++ {
		for _, doc := range []*drafts.Document{docA, docB} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := &review.Round{DocumentID: doc.ID, Name: "R", Version: 1, Status: "open", OpenedBy: ana.ID, CreatedAt: t0}
				errs <- db.CreateRound(ctx, r, auditFor(ana, "round.open"))
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent CreateRound: %v", err)
		}
	}
	for _, doc := range []*drafts.Document{docA, docB} {
		rounds, err := db.FindRounds(ctx, doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var nums []int
		for _, r := range rounds {
			nums = append(nums, r.Number)
		}
		want := make([]int, n)
		for i := range want {
			want[i] = i + 1
		}
		if !slices.Equal(nums, want) {
			t.Errorf("document %d rounds = %v, want %v", doc.ID, nums, want)
		}
	}
}

func testReviewStore_CloseRoundTwiceConflicts(t *testing.T, open Opener) {
	be := open(t)
	db := be.DB
	ctx := context.Background()
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	doc := MustCreateDocument(t, db, ana, "A", "internal", reviewBody)
	r := mustCreateRound(t, db, doc, ana, 1)

	at := t0.Add(time.Hour)
	if err := db.CloseRound(ctx, doc.ID, r.Number, at, auditFor(ana, "round.close")); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindRound(ctx, doc.ID, r.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "closed" || !got.ClosedAt.Equal(at) {
		t.Errorf("closed round = %+v", got)
	}
	before := auditTotal(t, db)
	assertCode(t, db.CloseRound(ctx, doc.ID, r.Number, at, auditFor(ana, "round.close")), policydesk.EConflict)
	assertCode(t, db.CloseRound(ctx, doc.ID, 99, at, auditFor(ana, "round.close")), policydesk.ENotFound)
	if after := auditTotal(t, db); after != before {
		t.Errorf("refused closes wrote %d audit rows", after-before)
	}
	_, err = db.FindRound(ctx, doc.ID, 7)
	assertCode(t, err, policydesk.ENotFound)

	// Reopened, the round is open with no closing time; reopening an open
	// round or a missing one is refused and writes no audit row.
	if err := db.ReopenRound(ctx, doc.ID, r.Number, auditFor(ana, "round.reopen")); err != nil {
		t.Fatal(err)
	}
	if got, err := db.FindRound(ctx, doc.ID, r.Number); err != nil || got.Status != "open" || !got.ClosedAt.IsZero() {
		t.Errorf("reopened round = %+v, %v", got, err)
	}
	before = auditTotal(t, db)
	assertCode(t, db.ReopenRound(ctx, doc.ID, r.Number, auditFor(ana, "round.reopen")), policydesk.EConflict)
	assertCode(t, db.ReopenRound(ctx, doc.ID, 99, auditFor(ana, "round.reopen")), policydesk.ENotFound)
	if after := auditTotal(t, db); after != before {
		t.Errorf("refused reopenings wrote %d audit rows", after-before)
	}
}

func testReviewStore_CommentsWithReplies(t *testing.T, open Opener) {
	be := open(t)
	db := be.DB
	ctx := context.Background()
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	rev := MustCreateUser(t, db, "vesa", policydesk.RoleReviewer)
	doc := MustCreateDocument(t, db, ana, "A", "internal", reviewBody)
	other := MustCreateDocument(t, db, ana, "B", "internal", reviewBody)
	r := mustCreateRound(t, db, doc, ana, 1)

	c1 := newComment(doc, rev, r.Number, 1, "E para")
	c2 := newComment(doc, rev, 0, 1, "E dyta, pa raund")
	c3 := newComment(other, rev, 0, 1, "Në dokument tjetër")
	for _, c := range []*review.Comment{c1, c2, c3} {
		if err := db.CreateComment(ctx, c, auditFor(rev, "comment.create")); err != nil {
			t.Fatal(err)
		}
		if c.ID == 0 {
			t.Fatal("CreateComment did not set the id")
		}
	}
	for i, body := range []string{"Përgjigja 1", "Përgjigja 2"} {
		author := []*policydesk.User{ana, rev}[i]
		rp := &review.Reply{CommentID: c1.ID, AuthorID: author.ID, Body: body, CreatedAt: t0.Add(time.Duration(i) * time.Minute)}
		if err := db.AddReply(ctx, rp, auditFor(author, "comment.reply")); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AddReply(ctx, &review.Reply{CommentID: c3.ID, AuthorID: ana.ID, Body: "tjetër", CreatedAt: t0}, nil); err != nil {
		t.Fatal(err)
	}

	all, err := db.FindComments(ctx, review.CommentFilter{DocumentID: doc.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != c1.ID || all[1].ID != c2.ID {
		t.Fatalf("FindComments = %d comments, want c1, c2 in order", len(all))
	}
	got := all[0]
	if len(got.Replies) != 2 || got.Replies[0].Body != "Përgjigja 1" || got.Replies[1].Body != "Përgjigja 2" ||
		got.Replies[0].Author != "ana" || got.Replies[1].Name != "VESA" {
		t.Errorf("c1 replies = %+v", got.Replies)
	}
	if all[1].Replies == nil || len(all[1].Replies) != 0 {
		t.Errorf("c2 replies = %#v, want an empty list", all[1].Replies)
	}
	if got.Author != "vesa" || got.AuthorName != "VESA" || got.Quote != "rregu" || got.Start != 3 || got.End != 8 ||
		got.ArticleNum != "1" || got.Paragraph != "1.2" || got.Round != r.Number || got.Body != "E para" {
		t.Errorf("c1 loaded as %+v", got)
	}
	if all[1].Round != 0 {
		t.Errorf("comment without round has round %d", all[1].Round)
	}
	byRound, err := db.FindComments(ctx, review.CommentFilter{DocumentID: doc.ID, Round: r.Number})
	if err != nil {
		t.Fatal(err)
	}
	if len(byRound) != 1 || byRound[0].ID != c1.ID || len(byRound[0].Replies) != 2 {
		t.Errorf("round filter = %d comments", len(byRound))
	}
	one, err := db.FindComment(ctx, c1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Replies) != 2 {
		t.Errorf("FindComment replies = %d, want 2", len(one.Replies))
	}
	_, err = db.FindComment(ctx, 9999)
	assertCode(t, err, policydesk.ENotFound)
}

func testReviewStore_UpdateCommentPersistsDecision(t *testing.T, open Opener) {
	be := open(t)
	db := be.DB
	ctx := context.Background()
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	rev := MustCreateUser(t, db, "vesa", policydesk.RoleReviewer)
	doc := MustCreateDocument(t, db, ana, "A", "internal", reviewBody)
	c := newComment(doc, rev, 0, 1, "Koment")
	if err := db.CreateComment(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	decided := t0.Add(2 * time.Hour)
	c.Status, c.Decision, c.Reason, c.DecidedByID, c.DecidedAt, c.AppliedVersion = "resolved", "partially", "Pjesërisht e pranuar", ana.ID, decided, 1
	if err := db.UpdateComment(ctx, c, auditFor(ana, "comment.decide")); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindComment(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "resolved" || got.Decision != "partially" || got.Reason != "Pjesërisht e pranuar" ||
		got.DecidedByID != ana.ID || got.DecidedBy != "ana" || !got.DecidedAt.Equal(decided) || got.AppliedVersion != 1 {
		t.Errorf("after update: %+v", got)
	}
	// A decision outside the allowed set is refused by the schema.
	got.Decision = "maybe"
	if err := db.UpdateComment(ctx, got, nil); err == nil {
		t.Error("UpdateComment accepted decision \"maybe\"")
	}
	missing := *c
	missing.ID = 4242
	assertCode(t, db.UpdateComment(ctx, &missing, nil), policydesk.ENotFound)
}

func testReviewStore_ForeignKeys(t *testing.T, open Opener) {
	be := open(t)
	db := be.DB
	ctx := context.Background()
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	doc := MustCreateDocument(t, db, ana, "A", "internal", reviewBody)
	before := auditTotal(t, db)

	if err := db.CreateComment(ctx, newComment(doc, ana, 0, 2, "v2 does not exist"), auditFor(ana, "comment.create")); err == nil {
		t.Error("comment on a nonexistent version was stored")
	}
	if err := db.CreateComment(ctx, newComment(doc, ana, 5, 1, "round 5 does not exist"), auditFor(ana, "comment.create")); err == nil {
		t.Error("comment in a nonexistent round was stored")
	}
	r := &review.Round{DocumentID: doc.ID, Name: "R", Version: 3, Status: "open", OpenedBy: ana.ID, CreatedAt: t0}
	if err := db.CreateRound(ctx, r, auditFor(ana, "round.open")); err == nil {
		t.Error("round on a nonexistent version was stored")
	}
	if err := db.AddReply(ctx, &review.Reply{CommentID: 777, AuthorID: ana.ID, Body: "x", CreatedAt: t0}, auditFor(ana, "comment.reply")); err == nil {
		t.Error("reply to a nonexistent comment was stored")
	}
	raw := be.Raw
	for _, table := range []string{"comments", "rounds", "replies"} {
		if n := CountRows(t, raw, table); n != 0 {
			t.Errorf("%s has %d rows after refused writes", table, n)
		}
	}
	if after := auditTotal(t, db); after != before {
		t.Errorf("refused writes appended %d audit rows", after-before)
	}
	if err := db.Check(ctx); err != nil {
		t.Error(err)
	}
}

func testReviewStore_EveryChangeAudited(t *testing.T, open Opener) {
	be := open(t)
	db := be.DB
	ctx := context.Background()
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	doc := MustCreateDocument(t, db, ana, "A", "internal", reviewBody)
	var c *review.Comment
	steps := []struct {
		action string
		run    func(a *policydesk.AuditEntry) error
	}{
		{"round.open", func(a *policydesk.AuditEntry) error {
			return db.CreateRound(ctx, &review.Round{DocumentID: doc.ID, Name: "R", Version: 1, Status: "open", OpenedBy: ana.ID, CreatedAt: t0}, a)
		}},
		{"comment.create", func(a *policydesk.AuditEntry) error {
			c = newComment(doc, ana, 1, 1, "K")
			return db.CreateComment(ctx, c, a)
		}},
		{"comment.reply", func(a *policydesk.AuditEntry) error {
			return db.AddReply(ctx, &review.Reply{CommentID: c.ID, AuthorID: ana.ID, Body: "P", CreatedAt: t0}, a)
		}},
		{"comment.decide", func(a *policydesk.AuditEntry) error {
			c.Decision, c.DecidedByID, c.DecidedAt = "accepted", ana.ID, t0
			return db.UpdateComment(ctx, c, a)
		}},
		{"round.close", func(a *policydesk.AuditEntry) error { return db.CloseRound(ctx, doc.ID, 1, t0, a) }},
		{"round.reopen", func(a *policydesk.AuditEntry) error { return db.ReopenRound(ctx, doc.ID, 1, a) }},
	}
	for _, s := range steps {
		before := auditTotal(t, db)
		a := auditFor(ana, s.action)
		if err := s.run(a); err != nil {
			t.Fatalf("%s: %v", s.action, err)
		}
		if after := auditTotal(t, db); after != before+1 {
			t.Errorf("%s appended %d audit rows, want 1", s.action, after-before)
		}
		if a.ID == 0 {
			t.Errorf("%s: audit entry id not set", s.action)
		}
		entries, _, err := db.FindAudit(ctx, policydesk.AuditFilter{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Action != s.action || entries[0].Actor != "ana" {
			t.Errorf("newest audit entry after %s = %+v", s.action, entries)
		}
	}
}
