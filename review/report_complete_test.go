package review_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"policydesk"
	"policydesk/drafts/accounts"
	"policydesk/review"
	"policydesk/timefmt"
)

// completeRound fills round 1 of f's document: the reviewer's suggestion
// applied (accepted, version 2), her second comment partially accepted,
// a third not accepted, the editor's comment undecided; the editor, the
// reviewer and a second editor who never commented reply. It returns the
// round and the applied comment.
func completeRound(t *testing.T, f *fixture) (*review.Round, *review.Comment) {
	t.Helper()
	round := f.openRound(1)
	c1 := f.comment(f.reviewer, review.NewComment{Round: 1, Quote: quote, Body: "Shtohet larmia.", Suggestion: strp("ushqim të larmishëm")})
	c2 := f.comment(f.reviewer, review.NewComment{Round: 1, Quote: "shtatë ditë", Body: "Shumë shpejt.", Suggestion: strp("tridhjetë ditë")})
	c3 := f.comment(f.reviewer, review.NewComment{Round: 1, Quote: "publike dhe private", Body: "Edhe komunale."})
	f.comment(f.editor, review.NewComment{Round: 1, Quote: "Fushëveprimi", Body: "Shiko edhe ligjin."})
	f.share("besnik", "editor")
	for _, r := range []struct {
		u    *policydesk.User
		c    *review.Comment
		body string
	}{{f.editor, c1, "Faleminderit, e pranojmë."}, {f.reviewer, c1, "Ju faleminderit."}, {f.other, c2, "Pesëmbëdhjetë ditë mjaftojnë."}} {
		if _, err := f.svc.Reply(f.as(r.u), r.c.ID, r.body); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.Apply(f.as(f.editor), c1.ID, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Decide(f.as(f.editor), c2.ID, "partially", "Afati zgjatet në pesëmbëdhjetë ditë."); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Decide(f.as(f.editor), c3.ID, "rejected", "Komunat janë publike."); err != nil {
		t.Fatal(err)
	}
	return round, c1
}

// TestReportComplete: the report gives the round's period, its
// participants once each with their organisation, comments and replies
// (someone who only replied has not commented), the comments by decision,
// every reply, and the version where the accepted suggestion was applied;
// closing the round gives its closing time.
func TestReportComplete(t *testing.T) {
	f := newFixture(t)
	round, c1 := completeRound(t, f)
	rep, err := f.svc.Report(f.as(f.reviewer), f.doc.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Period.Opened.Equal(round.CreatedAt) || rep.Period.Due != "2026-12-31" || !rep.Period.Closed.IsZero() {
		t.Errorf("period = %+v, want opened %v, due 2026-12-31, not closed", rep.Period, round.CreatedAt)
	}
	want := review.Counts{Accepted: 1, Partially: 1, Rejected: 1, Undecided: 1, Replies: 3}
	if rep.Counts != want || rep.Undecided != 1 {
		t.Errorf("counts = %+v (undecided %d), want %+v", rep.Counts, rep.Undecided, want)
	}
	got := participantsText(rep.Participants)
	if wantP := "Vjosa Berisha|Ministria e Drejtësisë|3|1|true; Arta Krasniqi|Ministria e Punës|1|1|true; Besnik Gashi||0|1|false"; got != wantP {
		t.Errorf("participants = %s\nwant           %s", got, wantP)
	}
	r1 := rep.Rows[0]
	if r1.Comment != c1.Body || r1.AppliedVersion != 2 || !r1.Applied() || r1.DecisionCode != "accepted" || len(r1.Replies) != 2 ||
		r1.Replies[0].Name != "Arta Krasniqi" || r1.Replies[0].Organisation != "Ministria e Punës" || r1.Replies[1].Body != "Ju faleminderit." {
		t.Errorf("applied row = %+v", r1)
	}
	for _, r := range rep.Rows[1:] {
		if r.Applied() {
			t.Errorf("row %d (%s) says applied in version %d", r.No, r.DecisionCode, r.AppliedVersion)
		}
	}
	if r2 := rep.Rows[1]; r2.DecisionCode != "partially" || len(r2.Replies) != 1 || r2.Replies[0].Name != "Besnik Gashi" {
		t.Errorf("row 2 = %+v", r2)
	}

	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf, timefmt.Kosovo()); err != nil {
		t.Fatal(err)
	}
	records := readCSV(t, buf.Bytes())
	reply := func(r *review.Reply) string {
		return r.Name + ", " + timefmt.Format(r.CreatedAt, timefmt.Kosovo()) + ": " + r.Body
	}
	if got, want := records[1][11:], []string{reply(r1.Replies[0]) + "\n\n" + reply(r1.Replies[1]), "2"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("CSV replies and applied of row 1 = %q, want %q", got, want)
	}
	if got := records[2][11:]; got[1] != "" || !strings.HasPrefix(got[0], "Besnik Gashi, ") {
		t.Errorf("CSV replies and applied of row 2 = %q", got)
	}

	if _, err := f.svc.CloseRound(f.as(f.editor), f.doc.ID, 1); err != nil {
		t.Fatal(err)
	}
	rep, err = f.svc.Report(f.as(f.editor), f.doc.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Period.Closed.IsZero() || rep.Period.Closed.Before(rep.Period.Opened) {
		t.Errorf("closed round: period %+v", rep.Period)
	}
}

// TestReportParticipantsHook: the reviewers Service.Participants names
// come first, also when they did not comment, and one who did comment is
// listed once with their counts.
func TestReportParticipantsHook(t *testing.T) {
	f := newFixture(t)
	completeRound(t, f)
	var asked [2]int64
	f.svc.Participants = func(_ context.Context, docID int64, round int) ([]review.Participant, error) {
		asked = [2]int64{docID, int64(round)}
		return []review.Participant{
			{UserID: f.reader.ID, Login: f.reader.Login, Name: f.reader.Name, Organisation: "Avokati i Popullit"},
			{UserID: f.reviewer.ID, Login: f.reviewer.Login, Name: f.reviewer.Name, Organisation: f.reviewer.Organisation},
		}, nil
	}
	rep, err := f.svc.Report(f.as(f.editor), f.doc.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if asked != [2]int64{f.doc.ID, 1} {
		t.Errorf("the hook was asked for %v", asked)
	}
	want := "Dren Hoxha|Avokati i Popullit|0|0|false; Vjosa Berisha|Ministria e Drejtësisë|3|1|true; " +
		"Arta Krasniqi|Ministria e Punës|1|1|true; Besnik Gashi||0|1|false"
	if got := participantsText(rep.Participants); got != want {
		t.Errorf("participants = %s\nwant           %s", got, want)
	}
	f.svc.Participants = func(context.Context, int64, int) ([]review.Participant, error) {
		return nil, policydesk.Errorf(policydesk.EUnavailable, "The reviewers cannot be read.")
	}
	_, err = f.svc.Report(f.as(f.editor), f.doc.ID, 1)
	wantCode(t, err, policydesk.EUnavailable)
}

// TestReportCSVHostileParticipant: a reviewer whose name is a formula,
// and a reply that is one, come out of the CSV as text.
func TestReportCSVHostileParticipant(t *testing.T) {
	f := newFixture(t)
	acc := accounts.NewService(f.db)
	acc.BcryptCost = bcrypt.MinCost
	evil, err := acc.AddUserOffline(context.Background(), accounts.NewUser{Login: "evil", Name: `=HYPERLINK("http://x","y")`,
		Organisation: "+cmd|' /C calc'!A0", Password: password, Role: policydesk.RoleReviewer})
	if err != nil {
		t.Fatal(err)
	}
	f.share("evil", "reviewer")
	round := f.openRound(1)
	c := f.comment(evil, review.NewComment{Round: round.Number, Quote: quote, Body: "-2+3"})
	if _, err := f.svc.Reply(f.as(evil), c.ID, "=1+1"); err != nil {
		t.Fatal(err)
	}
	rep, err := f.svc.Report(f.as(f.editor), f.doc.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf, timefmt.Kosovo()); err != nil {
		t.Fatal(err)
	}
	row := readCSV(t, buf.Bytes())[1]
	for i, cell := range row {
		if strings.IndexAny(cell, "=+-@") == 0 {
			t.Errorf("column %d starts with a formula: %q", i, cell)
		}
	}
	if row[1] != `'=HYPERLINK("http://x","y")` || row[2] != "'+cmd|' /C calc'!A0" || !strings.HasPrefix(row[11], `'=HYPERLINK("http://x","y"), `) ||
		!strings.HasSuffix(row[11], ": =1+1") {
		t.Errorf("hostile row = %q", row)
	}
}

// TestReportLargeRound: a round of many comments from a few people gives
// a row each, their counts, and as many participants as people.
func TestReportLargeRound(t *testing.T) {
	f := newFixture(t)
	f.openRound(1)
	const n = 300
	for i := range n {
		u := f.reviewer
		if i%3 == 0 {
			u = f.editor
		}
		f.comment(u, review.NewComment{Round: 1, Quote: quote, Body: fmt.Sprintf("Koment %d", i)})
	}
	start := time.Now()
	rep, err := f.svc.Report(f.as(f.editor), f.doc.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("report of %d comments in %v", n, time.Since(start))
	if len(rep.Rows) != n || rep.Counts.Undecided != n || participantsText(rep.Participants) !=
		"Arta Krasniqi|Ministria e Punës|100|0|true; Vjosa Berisha|Ministria e Drejtësisë|200|0|true" {
		t.Errorf("%d rows, counts %+v, participants %s", len(rep.Rows), rep.Counts, participantsText(rep.Participants))
	}
}

// participantsText is "name|organisation|comments|replies|commented; ...".
func participantsText(ps []review.Participant) string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s|%s|%d|%d|%t", p.Name, p.Organisation, p.Comments, p.Replies, p.Commented))
	}
	return strings.Join(out, "; ")
}

// readCSV parses a CSV that starts with a byte order mark.
func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	data, ok := bytes.CutPrefix(data, []byte("\ufeff"))
	if !ok {
		t.Fatal("the CSV does not start with a byte order mark")
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v\n%s", err, data)
	}
	return records
}
