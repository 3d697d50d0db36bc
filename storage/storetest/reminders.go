package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"policydesk"
	"policydesk/calendar"
	"policydesk/notify"
	"policydesk/review"
)

func init() {
	cases = append(cases, struct {
		name string
		test func(*testing.T, Opener)
	}{"Reminders_DueAndOverdue", testReminders_DueAndOverdue}, struct {
		name string
		test func(*testing.T, Opener)
	}{"Report_NamedReviewers", testReport_NamedReviewers})
}

// The consultation report lists a round's named reviewers as participants,
// the one who never commented too, each once, with their comments.
func testReport_NamedReviewers(t *testing.T, open Opener) {
	w := newInboxWorld(t, open(t).DB)
	r, err := w.rv.OpenRoundWith(w.as(w.editor), w.doc.ID, review.RoundSpec{Reviewers: []string{"vjosa", "dren"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.rv.AddComment(w.as(w.reviewer), w.doc.ID, review.NewComment{Round: r.Number, Version: r.Version, Quote: "ushqim", Body: "Cili ushqim?"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.rv.Reply(w.as(w.editor), c.ID, "Ushqim i shëndetshëm."); err != nil {
		t.Fatal(err)
	}
	rep, err := w.rv.Report(w.as(w.editor), w.doc.ID, r.Number)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range rep.Participants {
		if _, twice := got[p.Login]; twice {
			t.Errorf("%s is listed twice", p.Login)
		}
		got[p.Login] = fmt.Sprintf("%d comments, commented %v", p.Comments, p.Commented)
	}
	// arta, the editor, only replied.
	want := map[string]string{"vjosa": "1 comments, commented true", "dren": "0 comments, commented false", "arta": "0 comments, commented false"}
	if !maps.Equal(got, want) {
		t.Errorf("participants = %v, want %v", got, want)
	}
}

// Reminders over the store: the reviewers not done of open rounds due
// within three working days are reminded once, in their inbox, by one of
// two replicas; a done reviewer and a closed round are not; the overdue
// reminder comes on the next working day.
func testReminders_DueAndOverdue(t *testing.T, open Opener) {
	w := newInboxWorld(t, open(t).DB)
	ctx := context.Background()
	ed := w.as(w.editor)
	zone, _ := time.LoadLocation("Europe/Belgrade")
	// Due Friday 04.12.2026; dren (a reader of the document) is named too.
	r, err := w.rv.OpenRoundWith(ed, w.doc.ID, review.RoundSpec{Due: "04.12.2026", Reviewers: []string{"vjosa", "dren"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.rv.SetDone(w.as(w.reader), w.doc.ID, r.Number, true); err != nil {
		t.Fatal(err)
	}
	unfinished, err := w.db.FindUnfinishedReviewers(ctx, "2026-12-04")
	if err != nil || len(unfinished) != 1 || unfinished[0].UserID != w.reviewer.ID || unfinished[0].Due != "2026-12-04" {
		t.Fatalf("unfinished reviewers = %+v, %v; want vjosa alone", unfinished, err)
	}
	if early, _ := w.db.FindUnfinishedReviewers(ctx, "2026-12-03"); len(early) != 0 {
		t.Errorf("a round due on the 4th is found up to the 3rd: %+v", early)
	}
	src := notify.Sources{Comments: w.db, Documents: w.db, Users: w.db, Rounds: w.db}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, zone)
	replicas := []*notify.Reminders{
		notify.NewReminders(w.db, w.db, src, calendar.NewService(w.db), zone, "a"),
		notify.NewReminders(w.db, w.db, src, calendar.NewService(w.db), zone, "b"),
	}
	for _, rem := range replicas {
		rem.Now = func() time.Time { return now }
		rem.Lease = time.Millisecond
	}
	step := func(at time.Time) int {
		now = at
		total := 0
		for _, rem := range replicas {
			n, err := rem.Step(ctx)
			if err != nil && policydesk.ErrorCode(err) != policydesk.EConflict {
				t.Fatal(err)
			}
			total += n
		}
		return total
	}
	if n := step(now); n != 1 {
		t.Errorf("Tuesday: %d reminders, want vjosa's", n)
	}
	if n := step(now.Add(time.Hour)); n != 0 {
		t.Errorf("Tuesday again: %d reminders", n)
	}
	if n := step(time.Date(2026, 12, 7, 9, 0, 0, 0, zone)); n != 1 {
		t.Errorf("Monday after the due date: %d reminders, want the overdue one", n)
	}
	page, err := w.db.FindInbox(ctx, w.reviewer.ID, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, it := range page.Items {
		if it.Kind == notify.KindRoundDueSoon || it.Kind == notify.KindRoundOverdue {
			kinds = append(kinds, it.Kind)
		}
	}
	if !slices.Equal(kinds, []string{notify.KindRoundOverdue, notify.KindRoundDueSoon}) {
		t.Errorf("vjosa's reminders = %v", kinds)
	}
	if done, _ := w.db.FindInbox(ctx, w.reader.ID, 10, 0); slices.ContainsFunc(done.Items, func(it *notify.Item) bool {
		return it.Kind == notify.KindRoundDueSoon || it.Kind == notify.KindRoundOverdue
	}) {
		t.Error("a reviewer who is done was reminded")
	}
	if _, err := w.rv.CloseRound(ed, w.doc.ID, r.Number); err != nil {
		t.Fatal(err)
	}
	if closed, _ := w.db.FindUnfinishedReviewers(ctx, "2026-12-31"); len(closed) != 0 {
		t.Errorf("a closed round's reviewers are still found: %+v", closed)
	}
}
