package review_test

import (
	"context"
	"strings"
	"testing"

	"policydesk"
	"policydesk/drafts"
	"policydesk/review"
	"policydesk/review/docx/docxtest"
)

const by = `w:author="Vjosa B." w:date="2026-11-20T10:00:00Z"`

// run is a Word run of text.
func run(s string) string { return docxtest.Run(s) }

func para(runs ...string) string { return `<w:p>` + strings.Join(runs, "") + `</w:p>` }

func ins(s string) string { return `<w:ins w:id="1" ` + by + `>` + run(s) + `</w:ins>` }

func del(s string) string {
	return `<w:del w:id="2" ` + by + `><w:r><w:delText xml:space="preserve">` + s + `</w:delText></w:r></w:del>`
}

// numbered is a paragraph Word numbers itself: its number is not in the
// text.
func numbered(runs ...string) string {
	return `<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>` + strings.Join(runs, "") + `</w:p>`
}

// handReview is bodyV1 as Word shows it to a reviewer who replaced words,
// inserted and deleted some, commented on a phrase (and was answered in
// the thread), on two paragraphs at once, and on a paragraph that is not
// in the version.
func handReview(t *testing.T) []byte {
	body := para(run("Rregullore për qendrat ditore")) +
		para(run("Neni 1 – Qëllimi")) +
		numbered(run("Kjo rregullore përcakton "), del("mënyrën"), ins("rregullat"), run(" e funksionimit të "),
			`<w:commentRangeStart w:id="0"/>`, run("qendrave ditore"), `<w:commentRangeEnd w:id="0"/>`, `<w:r><w:commentReference w:id="0"/></w:r>`,
			`<w:r><w:commentReference w:id="1"/></w:r>`, run(" për fëmijë.")) +
		para(run("1.2. Çdo qendër siguron "), run("ushqim të shëndetshëm"), ins(" dhe ujë të pijshëm"), run(" për çdo fëmijë.")) +
		para(run("Neni 2 – Fushëveprimi")) +
		para(`<w:commentRangeStart w:id="2"/>`, run("Rregullorja zbatohet për të gjitha qendrat ditore, "), del("publike dhe "), run("private.")) +
		para(run("Neni 3 – Hyrja në fuqi"), `<w:commentRangeEnd w:id="2"/>`, `<w:r><w:commentReference w:id="2"/></w:r>`) +
		para(run("Kjo rregullore hyn në fuqi "), del("shtatë"), ins("pesëmbëdhjetë"), run(" ditë pas publikimit në Gazetën Zyrtare.")) +
		para(`<w:commentRangeStart w:id="3"/>`, run("Një paragraf që nuk është në version."), `<w:commentRangeEnd w:id="3"/>`, `<w:r><w:commentReference w:id="3"/></w:r>`)
	comments := `<w:comment w:id="0" w:author="Vjosa B." w:initials="VB"><w:p w14:paraId="00000001">` + run("Cilat qendra?") + `</w:p></w:comment>` +
		`<w:comment w:id="1" w:author="Arta K."><w:p w14:paraId="00000002">` + run("Publike dhe private.") + `</w:p></w:comment>` +
		`<w:comment w:id="2" w:author="Vjosa B."><w:p w14:paraId="00000003">` + run("Dy nene bashkë.") + `</w:p></w:comment>` +
		`<w:comment w:id="3" w:author="Vjosa B."><w:p w14:paraId="00000004">` + run("Ky mungon.") + `</w:p></w:comment>`
	threads := `<w15:commentEx w15:paraId="00000001"/><w15:commentEx w15:paraId="00000002" w15:paraIdParent="00000001"/>`
	return docxtest.WordReview(t, body, comments, threads)
}

func (f *fixture) importReview(u *policydesk.User, round int, reviewer string, file []byte) (*review.WordImportSummary, error) {
	return f.svc.ImportWordReview(f.as(u), f.doc.ID, round, reviewer, file)
}

func (f *fixture) roundComments(round int) []*review.Comment {
	f.t.Helper()
	cs, err := f.db.FindComments(context.Background(), review.CommentFilter{DocumentID: f.doc.ID, Round: round})
	if err != nil {
		f.t.Fatal(err)
	}
	return cs
}

// byQuote files comments by their quote ("" for those on the document).
func byQuote(cs []*review.Comment) map[string]*review.Comment {
	m := map[string]*review.Comment{}
	for _, c := range cs {
		m[c.Quote] = c
	}
	return m
}

// TestImportWordReviewAsWordWritesIt: every comment and tracked change of
// a file written the way Word writes them becomes a comment of the named
// reviewer on the exact words of the version (through Word's numbering,
// which takes "1." out of the text), with the suggested wording; the reply
// joins its thread; the comment on words not in the version becomes a
// comment on the document listed in the summary.
func TestImportWordReviewAsWordWritesIt(t *testing.T) {
	f := newFixture(t)
	r, err := f.svc.OpenRoundWith(f.as(f.editor), f.doc.ID, review.RoundSpec{Name: "R", Reviewers: []string{"vjosa"}})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := f.importReview(f.editor, r.Number, "vjosa", handReview(t))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Comments != 3 || sum.Suggestions != 4 || sum.Replies != 1 || len(sum.Unanchored) != 1 || !sum.Threads {
		t.Fatalf("summary = %+v", sum)
	}
	if u := sum.Unanchored[0]; u.Kind != "comment" || u.Author != "Vjosa B." || !strings.Contains(u.Text, "Ky mungon.") || !strings.Contains(u.Text, "Një paragraf që nuk është në version.") {
		t.Fatalf("unanchored = %+v", u)
	}
	cs := byQuote(f.roundComments(r.Number))
	want := []struct{ quote, suggestion, body string }{
		{"mënyrën", "rregullat", "[Word: Vjosa B.] "},
		{"shëndetshëm", "shëndetshëm dhe ujë të pijshëm", "[Word: Vjosa B.] "},
		{"publike dhe private.", "private.", "[Word: Vjosa B.] "},
		{"shtatë", "pesëmbëdhjetë", "[Word: Vjosa B.] "},
		{"qendrave ditore", "", "[Word: Vjosa B.] Cilat qendra?"},
		{"", "", "[Word: Vjosa B.] Ky mungon."},
	}
	for _, w := range want {
		c := cs[w.quote]
		if c == nil {
			t.Fatalf("no comment on %q; have %v", w.quote, quotes(cs))
		}
		if c.Suggestion != w.suggestion || !strings.HasPrefix(c.Body, w.body) || c.Author != "vjosa" || c.Round != r.Number || c.Version != 1 {
			t.Errorf("comment on %q = suggestion %q body %q author %s", w.quote, c.Suggestion, c.Body, c.Author)
		}
		if w.quote != "" && []rune(bodyV1)[c.Start] != []rune(w.quote)[0] {
			t.Errorf("comment on %q starts at %d, which is not its quote", w.quote, c.Start)
		}
	}
	if c := cs["qendrave ditore"]; len(c.Replies) != 1 || c.Replies[0].Body != "[Word: Arta K.] Publike dhe private." || c.ArticleNum != "1" {
		t.Errorf("thread = %+v (article %q)", c.Replies, c.ArticleNum)
	}
	if c := cs["Rregullorja zbatohet për të gjitha qendrat ditore, publike dhe private.\n\n## Neni 3 – Hyrja në fuqi"]; c == nil {
		t.Errorf("the comment over two paragraphs is not on both: %v", quotes(cs))
	}
}

func quotes(cs map[string]*review.Comment) []string {
	var out []string
	for q := range cs {
		out = append(out, q)
	}
	return out
}

// TestImportWordReviewRepeatedSentence: a sentence the version has in two
// articles is changed in the second; the suggestion is on the second.
func TestImportWordReviewRepeatedSentence(t *testing.T) {
	f := newFixture(t)
	same := "Ministria mbikëqyr zbatimin e këtij neni."
	body := "## Neni 1 – Një\n\n" + same + "\n\n## Neni 2 – Dy\n\n" + same + "\n"
	doc, _, err := f.drafts.CreateDocument(f.as(f.editor), drafts.NewDocument{Title: "Dy nene", Kind: "regulation", Language: "sq", Visibility: "internal", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.svc.OpenRoundWith(f.as(f.editor), doc.ID, review.RoundSpec{Name: "R", Reviewers: []string{"vjosa"}})
	if err != nil {
		t.Fatal(err)
	}
	file := docxtest.WordReview(t, para(run("Neni 1 – Një"))+para(run(same))+para(run("Neni 2 – Dy"))+
		para(run("Ministria "), del("mbikëqyr"), ins("kontrollon"), run(" zbatimin e këtij neni.")), "", "")
	if _, err := f.svc.ImportWordReview(f.as(f.reviewer), doc.ID, r.Number, "", file); err != nil {
		t.Fatal(err)
	}
	cs, err := f.db.FindComments(context.Background(), review.CommentFilter{DocumentID: doc.ID})
	if err != nil || len(cs) != 1 {
		t.Fatalf("comments %v, %v", cs, err)
	}
	if c := cs[0]; c.Quote != "mbikëqyr" || c.ArticleNum != "2" || c.Suggestion != "kontrollon" {
		t.Errorf("the suggestion is on %q in article %q: %q", c.Quote, c.ArticleNum, c.Suggestion)
	}
}

// insPara is a paragraph the reviewer typed whole with tracking on: its
// paragraph mark and its text are both inserted.
func insPara(s string) string {
	return `<w:p><w:pPr><w:rPr><w:ins w:id="5" ` + by + `/></w:rPr></w:pPr>` + ins(s) + `</w:p>`
}

// TestImportWordReviewNewParagraphs: paragraphs a reviewer adds whole
// (two in a row after an article's paragraph, one before the first
// paragraph) become suggestions on the neighbouring word, the one before
// them or, at the start, the one after; applied one after the other, they
// put the new paragraphs where the reviewer typed them.
func TestImportWordReviewNewParagraphs(t *testing.T) {
	f := newFixture(t)
	body := "## Neni 1 – Qëllimi\n\nKjo rregullore përcakton rregullat.\n\n## Neni 2 – Hyrja në fuqi\n\nHyn në fuqi pas publikimit.\n"
	doc, _, err := f.drafts.CreateDocument(f.as(f.editor), drafts.NewDocument{Title: "Paragrafë", Kind: "regulation", Language: "sq", Visibility: "internal", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.svc.OpenRoundWith(f.as(f.editor), doc.ID, review.RoundSpec{Name: "R", Reviewers: []string{"vjosa"}})
	if err != nil {
		t.Fatal(err)
	}
	file := docxtest.WordReview(t, insPara("Hyrje e re.")+para(run("Neni 1 – Qëllimi"))+para(run("Kjo rregullore përcakton rregullat."))+
		insPara("2. Paragraf i ri.")+insPara("3. Edhe një.")+para(run("Neni 2 – Hyrja në fuqi"))+para(run("Hyn në fuqi pas publikimit.")), "", "")
	sum, err := f.svc.ImportWordReview(f.as(f.reviewer), doc.ID, r.Number, "", file)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Suggestions != 2 || len(sum.Unanchored) != 0 {
		t.Fatalf("summary %+v", sum)
	}
	byQ := byQuote(f.roundCommentsOf(doc.ID))
	after, first := byQ["rregullat."], byQ["## Neni"]
	if after == nil || after.Suggestion != "rregullat.\n\n2. Paragraf i ri.\n\n3. Edhe një." || after.ArticleNum != "1" {
		t.Fatalf("the two new paragraphs: %+v", after)
	}
	if first == nil || first.Suggestion != "Hyrje e re.\n\n## Neni" {
		t.Fatalf("the new opening paragraph: %+v (quotes %v)", first, byQ)
	}
	v, err := f.svc.Apply(f.as(f.editor), after.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := "## Neni 1 – Qëllimi\n\nKjo rregullore përcakton rregullat.\n\n2. Paragraf i ri.\n\n3. Edhe një.\n\n## Neni 2"; !strings.HasPrefix(v.Body, want) {
		t.Errorf("applied:\n%s\nwant it to begin\n%s", v.Body, want)
	}
}

func (f *fixture) roundCommentsOf(docID int64) []*review.Comment {
	f.t.Helper()
	cs, err := f.db.FindComments(context.Background(), review.CommentFilter{DocumentID: docID})
	if err != nil {
		f.t.Fatal(err)
	}
	return cs
}
