package review_test

import (
	"regexp"
	"strings"
	"testing"

	"policydesk/drafts"
	"policydesk/drafts/draftstest"
	"policydesk/review"
	"policydesk/review/docx/docxtest"
)

// markup is what starts a Markdown line and is not in Word's text.
var markup = regexp.MustCompile(`^\s*(?:#+ |[0-9]+(?:\.[0-9]+)*\.? )`)

// wordParagraphs are a body's lines as Word shows them: without heading
// marks, with the paragraph numbers made by Word's numbering, and a
// table's cells one paragraph each.
func wordParagraphs(body string) []string {
	var out []string
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "|") {
			if strings.Trim(line, "|-: ") != "" {
				for _, cell := range strings.Split(strings.Trim(line, "|"), "|") {
					out = append(out, strings.TrimSpace(cell))
				}
			}
			continue
		}
		if line = strings.TrimSpace(markup.ReplaceAllString(line, "")); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// BenchmarkImportWordReview200 imports a review with about 200 tracked
// changes and 20 comments of the 100-article, 60,000-word regulation into
// a round (SQLite, every comment and its audit entry stored):
//
//	go test -run '^$' -bench ImportWordReview200 ./review/
func BenchmarkImportWordReview200(b *testing.B) {
	f := newFixture(b)
	body := draftstest.Regulation(100, 60000, 1)
	doc, _, err := f.drafts.CreateDocument(f.as(f.editor), drafts.NewDocument{Title: "Rregullore", Kind: "regulation",
		Language: "sq", Visibility: "internal", Body: body})
	if err != nil {
		b.Fatal(err)
	}
	paras := wordParagraphs(body)
	wbody, comments := docxtest.TrackedParagraphs(paras, len(paras)/200, len(paras)/20, "Vjosa B.")
	file := docxtest.WordReview(b, wbody, comments, "")
	var sum *review.WordImportSummary
	for b.Loop() {
		b.StopTimer()
		r, err := f.svc.OpenRoundWith(f.as(f.editor), doc.ID, review.RoundSpec{Name: "R", Reviewers: []string{"vjosa"}})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if sum, err = f.svc.ImportWordReview(f.as(f.editor), doc.ID, r.Number, "vjosa", file); err != nil {
			b.Fatal(err)
		}
	}
	if sum.Suggestions < 190 || len(sum.Unanchored) != 0 {
		b.Fatalf("summary = %d suggestions, %d comments, unanchored %+v", sum.Suggestions, sum.Comments, sum.Unanchored)
	}
	b.ReportMetric(float64(sum.Suggestions+sum.Comments), "items")
}
