package review_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"policydesk"
	"policydesk/review"
	"policydesk/timefmt"
)

// TestCSVNeutralisesFormulas checks that no cell of the exported CSV can be
// read as a formula by a spreadsheet, also when the formula character
// follows whitespace (which spreadsheets skip) or invisible characters, and
// that ordinary text, dashes inside it and negative-looking words after
// other text stay as they are.
func TestCSVNeutralisesFormulas(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"=1+1", "'=1+1"},
		{"+1", "'+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"\tText", "'\tText"},
		{" =HYPERLINK(\"http://x\")", "' =HYPERLINK(\"http://x\")"},
		{"  \t @cmd", "'  \t @cmd"},
		{"\n=1", "'\n=1"},
		{"\u00a0=1", "'\u00a0=1"},   // no-break space
		{"\u3000+1", "'\u3000+1"},   // ideographic space
		{"\u200b=1", "'\u200b=1"},   // zero-width space
		{"\ufeff=1", "'\ufeff=1"},   // byte order mark
		{"\u202e=1", "'\u202e=1"},   // right-to-left override
		{"\uff1d1+1", "'\uff1d1+1"}, // fullwidth equals sign
		{"Neni 5 - paragrafi 2", "Neni 5 - paragrafi 2"},
		{"Propozim: =1", "Propozim: =1"},
		{"  Tekst i zakonshëm", "  Tekst i zakonshëm"},
		{"", ""},
		{"   ", "   "},
	} {
		rep := &review.Report{Rows: []review.ReportRow{{No: 1, Comment: c.in, Reason: c.in}}}
		var buf bytes.Buffer
		if err := rep.WriteCSV(&buf, timefmt.Kosovo()); err != nil {
			t.Fatal(err)
		}
		records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		want := c.want
		if got := records[1][6]; got != want {
			t.Errorf("comment %q exported as %q, want %q", c.in, got, want)
		}
		if got := records[1][9]; got != want {
			t.Errorf("reason %q exported as %q, want %q", c.in, got, want)
		}
	}
}

func TestReport(t *testing.T) {
	f := newFixture(t)
	round := f.openRound(1)
	c1 := f.comment(f.reviewer, review.NewComment{Round: round.Number, Quote: quote, Body: "=HYPERLINK(\"http://x\") është e rrezikshme",
		Suggestion: strp("ushqim të larmishëm")})
	c2 := f.comment(f.reviewer, review.NewComment{Round: round.Number, Quote: "shtatë ditë", Body: "Shumë shpejt.", Suggestion: strp("")})
	f.comment(f.reviewer, review.NewComment{Quote: "publike dhe private", Body: "Jashtë raundit"})
	if _, err := f.svc.Decide(f.as(f.editor), c1.ID, "accepted", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Decide(f.as(f.editor), c2.ID, "rejected", "Afati është i zakonshëm."); err != nil {
		t.Fatal(err)
	}
	f.comment(f.editor, review.NewComment{Round: round.Number, Quote: "Fushëveprimi", Body: "@ todo"})

	rep, err := f.svc.Report(f.as(f.reviewer), f.doc.ID, round.Number)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 3 || rep.Undecided != 1 {
		t.Fatalf("report has %d rows, %d undecided; want 3 and 1", len(rep.Rows), rep.Undecided)
	}
	r1, r2, r3 := rep.Rows[0], rep.Rows[1], rep.Rows[2]
	if r1.No != 1 || r1.Reviewer != "Vjosa Berisha" || r1.Organisation != "Ministria e Drejtësisë" || r1.Article != "1" ||
		r1.Paragraph != "1.2" || r1.Quote != quote || r1.Comment != c1.Body || r1.Suggestion != "ushqim të larmishëm" ||
		r1.Decision != "Accepted" || r1.Reason != "" {
		t.Errorf("row 1 = %+v", r1)
	}
	if r2.No != 2 || r2.Article != "3" || r2.Suggestion != "(delete these words)" || r2.Decision != "Not accepted" || r2.Reason != "Afati është i zakonshëm." {
		t.Errorf("row 2 = %+v", r2)
	}
	if r3.No != 3 || r3.Reviewer != "Arta Krasniqi" || r3.Article != "2" || r3.Decision != "Not yet decided" {
		t.Errorf("row 3 = %+v", r3)
	}
	_, err = f.svc.Report(f.as(f.outsider), f.doc.ID, round.Number)
	wantCode(t, err, policydesk.ENotFound)
	_, err = f.svc.Report(f.as(f.editor), f.doc.ID, 9)
	wantCode(t, err, policydesk.ENotFound)

	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf, timefmt.Kosovo()); err != nil {
		t.Fatal(err)
	}
	data, ok := bytes.CutPrefix(buf.Bytes(), []byte("\ufeff"))
	if !ok {
		t.Fatalf("CSV does not start with a UTF-8 BOM: %q", buf.Bytes()[:min(8, buf.Len())])
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v\n%s", err, data)
	}
	if len(records) != 4 {
		t.Fatalf("CSV has %d records, want header + 3", len(records))
	}
	header := strings.Join(records[0], "|")
	if header != "No.|Reviewer|Organisation|Article|Paragraph|Quoted text|Comment|Suggested wording|Decision|Reason|Received (Europe/Belgrade)|Replies|Applied in version" {
		t.Errorf("header = %q", header)
	}
	want := []string{"1", "Vjosa Berisha", "Ministria e Drejtësisë", "1", "1.2", quote, "'" + c1.Body, "ushqim të larmishëm", "Accepted", "", timefmt.Format(c1.CreatedAt, timefmt.Kosovo()), "", ""}
	if strings.Join(records[1], "|") != strings.Join(want, "|") {
		t.Errorf("row 1 = %q\nwant    %q", records[1], want)
	}
	if got := records[3][6]; got != "'@ todo" {
		t.Errorf("comment %q starting with @ not defused", got)
	}
}

// The CSV says when each contribution came in, in the zone it is given
// (named in the header), on both sides of the clock changes.
func TestReportCSV_ReceivedInTheZone(t *testing.T) {
	rep := &review.Report{Rows: []review.ReportRow{
		{No: 1, Comment: "a", Received: time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)},
		{No: 2, Comment: "b", Received: time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)},
		{No: 3, Comment: "c", Received: time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC)},
	}}
	for _, c := range []struct {
		loc    *time.Location
		header string
		times  []string
	}{
		{timefmt.Kosovo(), "Received (Europe/Belgrade)", []string{"29.03.2026 03:00", "25.10.2026 02:30", "25.10.2026 02:30"}},
		{time.UTC, "Received (UTC)", []string{"29.03.2026 01:00", "25.10.2026 00:30", "25.10.2026 01:30"}},
	} {
		var buf bytes.Buffer
		if err := rep.WriteCSV(&buf, c.loc); err != nil {
			t.Fatal(err)
		}
		records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
		if err != nil || len(records) != 4 {
			t.Fatalf("%s: %d records, %v", c.loc, len(records), err)
		}
		if got := records[0][10]; got != c.header {
			t.Errorf("%s: header %q, want %q", c.loc, got, c.header)
		}
		for i, want := range c.times {
			if got := records[i+1][10]; got != want {
				t.Errorf("%s: row %d received %q, want %q", c.loc, i+1, got, want)
			}
		}
	}
}
