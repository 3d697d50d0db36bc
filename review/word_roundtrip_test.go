package review_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"policydesk/drafts"
	"policydesk/review"
	"policydesk/review/docx"
	"policydesk/review/docx/docxtest"
)

// reviewerEdits are what the reviewer does to the Day Care Centers
// regulation in Word, and the comment each must become: the version's
// words, the wording proposed and the article.
var reviewerEdits = []struct {
	edit                   func(t *testing.T, xml string) string
	quote, suggestion, art string
}{
	{func(t *testing.T, x string) string {
		return docxtest.TrackedReplace(t, x, "fushëveprimin", "fushën e veprimit", "Vjosa B.")
	}, "fushëveprimin,", "fushën e veprimit,", "1"},
	{func(t *testing.T, x string) string {
		return docxtest.TrackedReplace(t, x, "cilësore dhe ", "", "Vjosa B.")
	}, "cilësore dhe të", "të", "1"},
	{func(t *testing.T, x string) string {
		return docxtest.TrackedInsert(t, x, "ashkali dhe egjiptian", ", goran", "Vjosa B.")
	}, "egjiptian,", "egjiptian, goran,", "1"},
	{func(t *testing.T, x string) string {
		return docxtest.Commented(t, x, "Plani Individual i Shërbimeve", 1)
	}, "Plani Individual i Shërbimeve", "", "3"},
	{func(t *testing.T, x string) string {
		return docxtest.TrackedReplace(t, x, "pesëmbëdhjetë (15)", "tetëmbëdhjetë (18)", "Vjosa B.")
	}, "pesëmbëdhjetë (15)", "tetëmbëdhjetë (18)", "5"},
	{func(t *testing.T, x string) string {
		// Pandoc writes the apostrophe curly, Policy Desk as typed.
		apostrophe := "’"
		if !strings.Contains(x, "t’u gjendur") {
			apostrophe = "'"
		}
		return docxtest.TrackedReplace(t, x, " ose në rrezik për t"+apostrophe+"u gjendur në situatë rruge", "", "Vjosa B.")
	}, "rruge ose në rrezik për t'u gjendur në situatë rruge;", "rruge;", "5"},
}

// dayCare creates the demo Day Care Centers regulation (its last
// version).
func dayCare(t *testing.T, f *fixture) (*drafts.Document, *drafts.Version) {
	body, err := os.ReadFile("../cmd/policydesk/demodata/rregullore-qendrat-ditore/v3.md")
	if err != nil {
		t.Fatal(err)
	}
	doc, v, err := f.drafts.CreateDocument(f.as(f.editor), drafts.NewDocument{Title: "Qendrat Ditore", Kind: "regulation",
		Language: "sq", Visibility: "internal", Body: string(body)})
	if err != nil {
		t.Fatal(err)
	}
	return doc, v
}

// TestImportWordReviewRoundTrip: the Day Care Centers regulation goes out
// as .docx (Policy Desk's export, and pandoc's as another writer), the
// reviewer edits it in Word with tracked changes and a comment, and the
// file comes back as suggestions and a comment on the exact words of the
// version, in the right articles.
func TestImportWordReviewRoundTrip(t *testing.T) {
	f := newFixture(t)
	doc, v := dayCare(t, f)
	exported, err := docx.Version(context.Background(), f.drafts.Renderer, v.Body,
		docx.Meta{Title: doc.Title, Author: "arta", Language: doc.Language, Created: v.CreatedAt, Modified: v.CreatedAt})
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range []struct {
		name string
		docx []byte
	}{{"exported by Policy Desk", exported}, {"written by pandoc", docxtest.PandocWrite(t, v.Body, "markdown")}} {
		t.Run(src.name, func(t *testing.T) { roundTrip(t, f, doc, v, src.docx) })
	}
}

// roundTrip imports the reviewer's edits of out into a new round and
// checks each comment.
func roundTrip(t *testing.T, f *fixture, doc *drafts.Document, v *drafts.Version, out []byte) {
	r, err := f.svc.OpenRoundWith(f.as(f.editor), doc.ID, review.RoundSpec{Name: "Konsultimi", Reviewers: []string{"vjosa"}})
	if err != nil {
		t.Fatal(err)
	}
	comments := `<w:comment w:id="1" w:author="Vjosa B."><w:p>` + run("A është i detyrueshëm?") + `</w:p></w:comment>`
	file := docxtest.AddReview(t, out, func(xml string) string {
		for _, e := range reviewerEdits {
			xml = e.edit(t, xml)
		}
		return xml
	}, comments, "")
	sum, err := f.svc.ImportWordReview(f.as(f.editor), doc.ID, r.Number, "vjosa", file)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Comments != 1 || sum.Suggestions != 5 || len(sum.Unanchored) != 0 {
		t.Fatalf("summary = %+v", sum)
	}
	cs, err := f.svc.Comments(f.as(f.editor), doc.ID, review.CommentFilter{Round: r.Number}, v.Number)
	if err != nil {
		t.Fatal(err)
	}
	got := byQuote(cs)
	for _, e := range reviewerEdits {
		c := got[e.quote]
		if c == nil {
			t.Errorf("no comment on %q; have %q", e.quote, quotes(got))
			continue
		}
		if c.Suggestion != e.suggestion || c.ArticleNum != e.art || runes(v.Body, c.Anchor) != e.quote || c.Outdated {
			t.Errorf("comment on %q: suggestion %q, article %q, anchored on %q", e.quote, c.Suggestion, c.ArticleNum, runes(v.Body, c.Anchor))
		}
	}
}
