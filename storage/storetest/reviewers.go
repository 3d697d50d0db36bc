package storetest

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/markdown"
	"policydesk/review"
)

// The reviewers' cases join the suite here, so the list in storetest.go
// stays as it is.
func init() {
	cases = append(cases, []struct {
		name string
		test func(*testing.T, Opener)
	}{
		{"Reviewers_Lifecycle", testReviewers_Lifecycle},
		{"Reviewers_RefusedWriteNothing", testReviewers_RefusedWriteNothing},
		{"Reviewers_Extend", testReviewers_Extend},
		{"Reviewers_WaitingOrder", testReviewers_WaitingOrder},
	}...)
}

// statuses lists a round's reviewers as "login:status:comments".
func statuses(t *testing.T, w *inboxWorld, ctx context.Context, number int) []string {
	t.Helper()
	r, err := w.rv.RoundDetail(ctx, w.doc.ID, number)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, rv := range r.Reviewers {
		out = append(out, rv.Login+":"+rv.Status+":"+strconv.Itoa(rv.Comments))
	}
	return out
}

func wantStatuses(t *testing.T, w *inboxWorld, ctx context.Context, number int, want ...string) {
	t.Helper()
	if got := statuses(t, w, ctx, number); !slices.Equal(got, want) {
		t.Errorf("reviewers = %v, want %v", got, want)
	}
}

func wantCode(t *testing.T, err error, code, what string) {
	t.Helper()
	if policydesk.ErrorCode(err) != code {
		t.Errorf("%s: err = %v, want %s", what, err, code)
	}
}

// A round names reviewers (one who could not read is shared the document),
// each goes invited → opened → commenting → done and back, the follower
// tells them the round opened and closed, and a closed round takes no
// changes.
func testReviewers_Lifecycle(t *testing.T, open Opener) {
	w := newInboxWorld(t, open(t).DB)
	ed := w.as(w.editor)
	r, err := w.rv.OpenRoundWith(ed, w.doc.ID, review.RoundSpec{Name: "Konsultimi", Due: "20.03.2026",
		Reviewers: []string{"vjosa", "@lulzim", "dren", "vjosa"}, Instructions: "  Lexoni nenin 1.\r\n"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.db.FindRound(context.Background(), w.doc.ID, r.Number)
	if err != nil || got.Instructions != "Lexoni nenin 1." {
		t.Fatalf("round = %+v, %v; want the instructions trimmed", got, err)
	}
	members, _ := w.db.FindMembers(context.Background(), w.doc.ID)
	if !slices.ContainsFunc(members, func(m *drafts.Member) bool { return m.Login == "lulzim" && m.Role == "reviewer" }) {
		t.Errorf("lulzim, who could not read, was not shared the document as reviewer: %+v", members)
	}
	wantStatuses(t, w, ed, r.Number, "dren:invited:0", "lulzim:invited:0", "vjosa:invited:0")

	rv := w.as(w.reviewer)
	if err := w.rv.OpenedBy(rv, w.doc.ID, r.Number); err != nil {
		t.Fatal(err)
	}
	if err := w.rv.OpenedBy(ed, w.doc.ID, r.Number); err != nil { // not a reviewer: nothing
		t.Fatal(err)
	}
	wantStatuses(t, w, ed, r.Number, "dren:invited:0", "lulzim:invited:0", "vjosa:opened:0")
	if _, err := w.rv.AddComment(rv, w.doc.ID, review.NewComment{Round: r.Number, Quote: "ushqim", Body: "Cili ushqim?"}); err != nil {
		t.Fatal(err)
	}
	wantStatuses(t, w, ed, r.Number, "dren:invited:0", "lulzim:invited:0", "vjosa:commenting:1")
	if _, err := w.rv.SetDone(rv, w.doc.ID, r.Number, true); err != nil {
		t.Fatal(err)
	}
	wantStatuses(t, w, ed, r.Number, "dren:invited:0", "lulzim:invited:0", "vjosa:done:1")
	if waiting, _ := w.rv.WaitingRounds(rv, t0); len(waiting) != 0 {
		t.Errorf("a done reviewer still has rounds waiting: %+v", waiting[0])
	}
	if _, err := w.rv.SetDone(rv, w.doc.ID, r.Number, false); err != nil {
		t.Fatal(err)
	}
	wantStatuses(t, w, ed, r.Number, "dren:invited:0", "lulzim:invited:0", "vjosa:commenting:1")
	if waiting, _ := w.rv.WaitingRounds(rv, t0); len(waiting) != 1 || waiting[0].Status != "commenting" || waiting[0].Title != "Rregullore" {
		t.Errorf("waiting after undo = %v, want the round, commenting", waiting)
	}
	_, err = w.rv.SetDone(ed, w.doc.ID, r.Number, true)
	wantCode(t, err, policydesk.EForbidden, "done by a non-reviewer")

	if _, err := w.rv.RemoveReviewer(ed, w.doc.ID, r.Number, "dren"); err != nil {
		t.Fatal(err)
	}
	_, err = w.rv.RemoveReviewer(ed, w.doc.ID, r.Number, "dren")
	wantCode(t, err, policydesk.ENotFound, "removing a reviewer twice")
	if _, err := w.rv.AddReviewer(ed, w.doc.ID, r.Number, "dren"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.rv.AddReviewer(ed, w.doc.ID, r.Number, "dren"); err != nil {
		t.Errorf("adding a reviewer twice: %v, want nothing", err)
	}

	f := w.follower("a")
	drain(t, f)
	if got := inboxOf(t, w.db, w.outside); !slices.Contains(got, "round_opened:arta") {
		t.Errorf("lulzim's inbox = %v, want the round opened", got)
	}
	if _, err := w.rv.CloseRound(ed, w.doc.ID, r.Number); err != nil {
		t.Fatal(err)
	}
	drain(t, f)
	for _, u := range []*policydesk.User{w.outside, w.reviewer, w.reader} {
		if got := inboxOf(t, w.db, u); !slices.Contains(got, "round_closed:arta") {
			t.Errorf("%s's inbox = %v, want the round closed", u.Login, got)
		}
	}
	if got := inboxOf(t, w.db, w.editor); slices.Contains(got, "round_closed:arta") {
		t.Errorf("the editor who closed the round is told of it: %v", got)
	}
	_, err = w.rv.SetDone(rv, w.doc.ID, r.Number, true)
	wantCode(t, err, policydesk.EConflict, "done in a closed round")
	_, err = w.rv.AddReviewer(ed, w.doc.ID, r.Number, "lulzim")
	wantCode(t, err, policydesk.EConflict, "adding to a closed round")
	err = w.db.SetReviewerDone(context.Background(), w.doc.ID, r.Number, w.reviewer.ID, t0, auditFor(w.reviewer, "round.reviewer.done"))
	wantCode(t, err, policydesk.EConflict, "store: done in a closed round")
}

// Bad reviewers, instructions or a reviewer the opener may not share the
// document with refuse the round and write nothing.
func testReviewers_RefusedWriteNothing(t *testing.T, open Opener) {
	w := newInboxWorld(t, open(t).DB)
	besim := MustCreateUser(t, w.db, "besim", policydesk.RoleEditor)
	disabled := MustCreateUser(t, w.db, "gone", policydesk.RoleReviewer)
	disabled.Disabled = true
	if err := w.db.UpdateUser(context.Background(), disabled, nil); err != nil {
		t.Fatal(err)
	}
	internal := MustCreateDocument(t, w.db, w.editor, "Udhëzim", "internal", inboxBody)
	before := auditCount(t, w)
	for name, spec := range map[string]review.RoundSpec{
		"unknown login":         {Reviewers: []string{"vjosa", "nobody"}},
		"disabled":              {Reviewers: []string{"gone"}},
		"instructions too long": {Reviewers: []string{"vjosa"}, Instructions: strings.Repeat("a", review.MaxInstructionsRunes+1)},
		"control character":     {Reviewers: []string{"vjosa"}, Instructions: "a\x07b"},
		"too many":              {Reviewers: slices.Repeat([]string{"x"}, review.MaxReviewers+1)},
	} {
		_, err := w.rv.OpenRoundWith(w.as(w.editor), w.doc.ID, spec)
		wantCode(t, err, policydesk.EInvalid, name)
	}
	// besim edits the internal document but may not share it: lulzim,
	// who cannot read it, is refused, and not shared it.
	_, err := w.rv.OpenRoundWith(w.as(besim), internal.ID, review.RoundSpec{Reviewers: []string{"lulzim"}})
	wantCode(t, err, policydesk.EForbidden, "reviewer who may not read, opener who may not share")
	if err == nil || !strings.Contains(err.Error(), "lulzim may not read") {
		t.Errorf("refusal = %v, want it to name lulzim", err)
	}
	_, err = w.rv.OpenRoundWith(w.as(w.reviewer), w.doc.ID, review.RoundSpec{Reviewers: []string{"dren"}})
	wantCode(t, err, policydesk.EForbidden, "a reviewer opening a round")
	for _, doc := range []*drafts.Document{w.doc, internal} {
		if rounds, _ := w.db.FindRounds(context.Background(), doc.ID); len(rounds) != 0 {
			t.Errorf("a refused round was written: %+v", rounds[0])
		}
	}
	if members, _ := w.db.FindMembers(context.Background(), internal.ID); len(members) != 0 {
		t.Errorf("a refused round shared the document: %+v", members[0])
	}
	if after := auditCount(t, w); after != before {
		t.Errorf("refusals wrote %d audit entries", after-before)
	}
}

func auditCount(t *testing.T, w *inboxWorld) int {
	t.Helper()
	entries, err := w.db.AuditAfter(context.Background(), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// An extension needs a reason and a later date; it moves the due date,
// is kept in the round's history and audited with its reason; a stale one
// writes nothing.
func testReviewers_Extend(t *testing.T, open Opener) {
	w := newInboxWorld(t, open(t).DB)
	ed := w.as(w.editor)
	r, err := w.rv.OpenRoundWith(ed, w.doc.ID, review.RoundSpec{Due: "2026-03-20", Reviewers: []string{"vjosa"}})
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string][2]string{
		"no reason":   {"27.03.2026", "  "},
		"earlier":     {"19.03.2026", "Më shumë kohë."},
		"same day":    {"20.03.2026", "Më shumë kohë."},
		"not a date":  {"32.03.2026", "Më shumë kohë."},
		"long reason": {"27.03.2026", strings.Repeat("a", review.MaxReasonRunes+1)},
	} {
		_, err := w.rv.ExtendRound(ed, w.doc.ID, r.Number, c[0], c[1])
		wantCode(t, err, policydesk.EInvalid, name)
	}
	_, err = w.rv.ExtendRound(w.as(w.reviewer), w.doc.ID, r.Number, "27.03.2026", "Kohë.")
	wantCode(t, err, policydesk.EForbidden, "a reviewer extending")
	got, err := w.rv.ExtendRound(ed, w.doc.ID, r.Number, "27.03.2026", "Kërkesë e ministrisë.")
	if err != nil {
		t.Fatal(err)
	}
	if got.Due != "2026-03-27" || len(got.Extensions) != 1 || got.Extensions[0].OldDue != "2026-03-20" ||
		got.Extensions[0].Reason != "Kërkesë e ministrisë." || got.Extensions[0].By != "arta" {
		t.Errorf("extended round = due %s, extensions %+v", got.Due, got.Extensions)
	}
	entries, _ := w.db.AuditAfter(context.Background(), 0, 1000)
	last := entries[len(entries)-1]
	if last.Action != "round.extend" || !strings.Contains(last.Detail, "27.03.2026 instead of 20.03.2026, because: Kërkesë e ministrisë.") {
		t.Errorf("audit = %s %q", last.Action, last.Detail)
	}
	stale := &review.Extension{At: t0, ByID: w.editor.ID, OldDue: "2026-03-20", NewDue: "2026-04-03", Reason: "x"}
	err = w.db.ExtendRound(context.Background(), w.doc.ID, r.Number, stale, auditFor(w.editor, "round.extend"))
	wantCode(t, err, policydesk.EConflict, "a stale extension")
	if after, _ := w.db.FindExtensions(context.Background(), w.doc.ID, r.Number); len(after) != 1 {
		t.Errorf("a stale extension was kept: %d extensions", len(after))
	}
}

// Rounds waiting for a reviewer come soonest due first, undated last,
// overdue ones marked; closed rounds and other users' are not listed.
func testReviewers_WaitingOrder(t *testing.T, open Opener) {
	w := newInboxWorld(t, open(t).DB)
	ed := w.as(w.editor)
	ds := drafts.NewService(w.db, w.db, markdown.NewRenderer(16))
	ds.Now = func() time.Time { return w.clock }
	other := MustCreateDocument(t, w.db, w.editor, "Ligj", "restricted", inboxBody)
	if _, err := ds.SetMember(ed, other.ID, "vjosa", "reviewer"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		doc int64
		due string
	}{{w.doc.ID, ""}, {other.ID, "2026-03-10"}, {w.doc.ID, "2026-03-05"}, {other.ID, "2026-03-01"}} {
		if _, err := w.rv.OpenRoundWith(ed, c.doc, review.RoundSpec{Due: c.due, Reviewers: []string{"vjosa"}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.rv.CloseRound(ed, other.ID, 2); err != nil { // the one due 01.03
		t.Fatal(err)
	}
	waiting, err := w.rv.WaitingRounds(w.as(w.reviewer), time.Date(2026, 3, 7, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range waiting {
		s := r.Title + "/" + strconv.Itoa(r.Round) + "/" + r.Due
		if r.Overdue {
			s += "/overdue"
		}
		got = append(got, s)
	}
	want := []string{"Rregullore/2/2026-03-05/overdue", "Ligj/1/2026-03-10", "Rregullore/1/"}
	if !slices.Equal(got, want) {
		t.Errorf("waiting = %v, want %v", got, want)
	}
	if others, _ := w.rv.WaitingRounds(w.as(w.reader), t0); len(others) != 0 {
		t.Errorf("a user who is no reviewer has rounds waiting: %+v", others[0])
	}
}
