package review

import (
	"fmt"
	"strings"
	"testing"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/draftstest"
	"policydesk/drafts/outline"
	"policydesk/review/docx"
	"policydesk/review/docx/docxtest"
)

// wordShapes are hostile review files at a size n: the version's body and
// the Word paragraphs of the reviewer's file with their changes and
// comments.
var wordShapes = []struct {
	name string
	gen  func(n int) (body string, paras []string, changeEvery, commentEvery int)
}{
	{"many comments", func(n int) (string, []string, int, int) { b, p := paragraphs(n, 8, "fjala"); return b, p, 0, 1 }},
	{"many changes", func(n int) (string, []string, int, int) { b, p := paragraphs(n, 8, "fjala"); return b, p, 1, 0 }},
	{"long paragraph", func(n int) (string, []string, int, int) { b, p := paragraphs(1, 40*n, "fjala"); return b, p, 1, 1 }},
	{"nothing matches", func(n int) (string, []string, int, int) {
		b, _ := paragraphs(n, 8, "fjala")
		_, p := paragraphs(n, 8, "tjeter")
		return b, p, 1, 0
	}},
}

// paragraphs are n numbered paragraphs of words words each (stem and
// numbers), as Markdown and as
// the paragraphs Word shows (numbers by Word's numbering, not in the text).
func paragraphs(n, words int, stem string) (string, []string) {
	var md strings.Builder
	paras := make([]string, n)
	for i := range n {
		ws := make([]string, words)
		for k := range ws {
			ws[k] = fmt.Sprintf("%s%d_%d", stem, i, k)
		}
		paras[i] = strings.Join(ws, " ")
		fmt.Fprintf(&md, "%d. %s\n\n", i+1, paras[i])
	}
	return md.String(), paras
}

// wordInput is a shape at size n as one string: the body, a NUL, the file.
func wordInput(b *testing.B, gen func(int) (string, []string, int, int), n int) string {
	body, paras, ce, cc := gen(n)
	wbody, comments := docxtest.TrackedParagraphs(paras, ce, cc, "Vjosa")
	return body + "\x00" + string(docxtest.WordReview(b, wbody, comments, ""))
}

// importPure reads and anchors one review (no store).
func importPure(b testing.TB, in string) *wordItems {
	body, file, _ := strings.Cut(in, "\x00")
	p, err := docx.Open(strings.NewReader(file), int64(len(file)))
	if err != nil {
		b.Fatal(err)
	}
	rv, err := docx.ReadReview(p)
	if err != nil {
		b.Fatal(err)
	}
	v := &drafts.Version{Number: 1, Body: body, Outline: outline.Parse(body)}
	return anchorWordReview("sq", policydesk.English, v, Comment{}, rv)
}

// BenchmarkWordImportRatio imports each hostile shape at n and 8n (250
// and 2000 items, the most a file may hold): a ratio near 8 or below is
// linear.
//
//	go test -run '^$' -bench WordImportRatio ./review/
func BenchmarkWordImportRatio(b *testing.B) {
	for _, s := range wordShapes {
		small, large := wordInput(b, s.gen, docx.MaxReviewItems/8), wordInput(b, s.gen, docx.MaxReviewItems)
		b.Run(strings.ReplaceAll(s.name, " ", "_"), func(b *testing.B) {
			draftstest.Ratio(b, small, large, func(in string) { importPure(b, in) })
		})
	}
}

// TestWordImportShapes: each hostile shape imports every item, anchored
// where its words are in the version and unanchored where they are not.
func TestWordImportShapes(t *testing.T) {
	for _, s := range wordShapes {
		body, paras, ce, cc := s.gen(50)
		wbody, comments := docxtest.TrackedParagraphs(paras, ce, cc, "Vjosa")
		in := body + "\x00" + string(docxtest.WordReview(t, wbody, comments, ""))
		w := importPure(t, in)
		unanchored := len(w.sum.Unanchored)
		if s.name == "nothing matches" && unanchored != len(w.comments) || s.name != "nothing matches" && unanchored != 0 {
			t.Errorf("%s: %d of %d unanchored", s.name, unanchored, len(w.comments))
		}
	}
}

// TestWordTextMentions: an imported text keeps a few mentions (they
// notify as a typed comment's do) but one mentioning more people than a
// comment may mentions no one.
func TestWordTextMentions(t *testing.T) {
	if got := Mentions(word("Arta", "Pyet @vjosa.")); len(got) != 1 || got[0] != "vjosa" {
		t.Errorf("a mention was lost: %v", got)
	}
	var logins strings.Builder
	for i := range MaxMentions + 1 {
		fmt.Fprintf(&logins, "@u%d ", i)
	}
	many := word("Arta", logins.String())
	if got := Mentions(many); len(got) != 0 || !strings.HasPrefix(many, "[Word: Arta] ＠u0") {
		t.Errorf("%d mentions kept: %q", len(got), many[:40])
	}
}
