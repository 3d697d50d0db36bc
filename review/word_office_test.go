package review_test

import (
	"os"
	"strings"
	"testing"

	"policydesk/review"
	"policydesk/review/docx/docxtest"
)

// TestImportWordReviewFromLibreOffice: a review written in LibreOffice
// (testdata/word_review.fodt: a replacement, an insertion and a comment,
// with the paragraph numbers typed) and saved as .docx by LibreOffice
// imports onto the right words. LibreOffice writes no reply threads, so
// the summary says comments were imported on their own.
func TestImportWordReviewFromLibreOffice(t *testing.T) {
	fodt, err := os.ReadFile("testdata/word_review.fodt")
	if err != nil {
		t.Fatal(err)
	}
	file := docxtest.Convert(t, fodt, "fodt", "docx:MS Word 2007 XML")
	f := newFixture(t)
	r, err := f.svc.OpenRoundWith(f.as(f.editor), f.doc.ID, review.RoundSpec{Name: "R", Reviewers: []string{"vjosa"}})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := f.importReview(f.reviewer, r.Number, "", file)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Comments != 1 || sum.Suggestions != 2 || len(sum.Unanchored) != 0 || sum.Threads {
		t.Fatalf("summary = %+v", sum)
	}
	cs := byQuote(f.roundComments(r.Number))
	for quote, suggestion := range map[string]string{"mënyrën": "rregullat", "shëndetshëm": "shëndetshëm dhe ujë", "qendrave ditore": ""} {
		c := cs[quote]
		if c == nil || c.Suggestion != suggestion || c.HasSuggestion != (suggestion != "") || !strings.HasPrefix(c.Body, "[Word: Vjosa B.]") {
			t.Errorf("comment on %q = %+v; have %v", quote, c, quotes(cs))
		}
	}
	if c := cs["qendrave ditore"]; c != nil && c.Body != "[Word: Vjosa B.] Cilat qendra?" {
		t.Errorf("comment text = %q", c.Body)
	}
}
