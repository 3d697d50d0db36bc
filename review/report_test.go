package review_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"policydesk/review"
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
		if err := rep.WriteCSV(&buf); err != nil {
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
