package docx_test

import (
	"fmt"
	"testing"

	"policydesk/review/docx"
	"policydesk/review/docx/docxtest"
)

const arta = `w:author="Arta Krasniqi" w:date="2026-11-20T10:00:00Z"`

// wordBody is written the way Word writes a reviewed paragraph: runs,
// a deletion next to an insertion (a replacement), a comment range with
// its reference, a reply, a hyperlink, a complex field and a simple
// field, a table cell, an insertion deleted again by another reviewer,
// and a point comment.
const wordBody = `<w:p><w:pPr><w:rPr><w:ins w:id="90" ` + arta + `/></w:rPr></w:pPr>` +
	`<w:r><w:t xml:space="preserve">Qendra </w:t></w:r>` +
	`<w:del w:id="1" ` + arta + `><w:r><w:delText>duhet</w:delText></w:r></w:del>` +
	`<w:ins w:id="2" ` + arta + `><w:r><w:t>mund</w:t></w:r></w:ins>` +
	`<w:r><w:t xml:space="preserve"> të ketë </w:t></w:r>` +
	`<w:commentRangeStart w:id="0"/><w:r><w:rPr><w:b/></w:rPr><w:t>leje</w:t></w:r><w:commentRangeEnd w:id="0"/>` +
	`<w:r><w:commentReference w:id="0"/></w:r><w:r><w:commentReference w:id="1"/></w:r>` +
	`<w:r><w:t>.</w:t></w:r></w:p>` +
	`<w:p><w:hyperlink r:id="rId9" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:r><w:t>Ligji</w:t></w:r></w:hyperlink>` +
	`<w:r><w:t xml:space="preserve"> nr. </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> SEQ x </w:instrText></w:r>` +
	`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>06</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>` +
	`<w:fldSimple w:instr=" DATE "><w:r><w:t>/L-2026</w:t></w:r></w:fldSimple>` +
	`<w:ins w:id="3" ` + arta + `><w:r><w:t xml:space="preserve"> i ndryshuar</w:t></w:r></w:ins></w:p>` +
	`<w:tbl><w:tblPr/><w:tr><w:tc><w:tcPr/><w:p><w:r><w:t>Qeliza</w:t></w:r>` +
	`<w:ins w:id="4" w:author="Besa"><w:del w:id="5" w:author="Drita"><w:r><w:delText>hequr</w:delText></w:r></w:del></w:ins>` +
	`<w:del w:id="6" ` + arta + `><w:r><w:delText xml:space="preserve"> e vjetër</w:delText></w:r></w:del></w:p></w:tc></w:tr></w:tbl>` +
	`<w:p><w:r><w:t>Pika</w:t></w:r><w:r><w:commentReference w:id="2"/></w:r></w:p>`

const wordComments = `<w:comment w:id="0" ` + arta + ` w:initials="AK"><w:p w14:paraId="0A000001"><w:r><w:annotationRef/></w:r><w:r><w:t>Cila leje?</w:t></w:r></w:p><w:p w14:paraId="0A000002"><w:r><w:t>Nga ministria.</w:t></w:r></w:p></w:comment>` +
	`<w:comment w:id="1" w:author="Drita" w:date="2026-11-21T09:00:00Z" w:initials="D"><w:p w14:paraId="0A000003"><w:r><w:t>Leja e punës.</w:t></w:r></w:p></w:comment>` +
	`<w:comment w:id="2" ` + arta + `><w:p w14:paraId="0A000004"><w:r><w:t>Shih pikën.</w:t></w:r></w:p></w:comment>`

const wordThreads = `<w15:commentEx w15:paraId="0A000002" w15:done="0"/><w15:commentEx w15:paraId="0A000003" w15:paraIdParent="0A000002" w15:done="0"/>`

func readReview(t *testing.T, b []byte) *docx.Review {
	t.Helper()
	p, err := open(b)
	if err != nil {
		t.Fatal(err)
	}
	rv, err := docx.ReadReview(p)
	if err != nil {
		t.Fatal(err)
	}
	return rv
}

// TestReadReviewAsWordWritesIt: the original text of each paragraph (the
// deleted words in, the inserted out, field results, hyperlinks and cells
// in), each change's kind, words, author and date, and each comment's
// words, text, author, initials and thread.
func TestReadReviewAsWordWritesIt(t *testing.T) {
	rv := readReview(t, docxtest.WordReview(t, wordBody, wordComments, wordThreads))
	var originals []string
	for _, p := range rv.Paragraphs {
		originals = append(originals, p.Original)
	}
	want := []string{"Qendra duhet të ketë leje.", "Ligji nr. 06/L-2026", "Qeliza e vjetër", "Pika"}
	if fmt.Sprintf("%q", originals) != fmt.Sprintf("%q", want) {
		t.Fatalf("originals = %q, want %q", originals, want)
	}
	if !rv.Paragraphs[2].Table || rv.Paragraphs[0].Table {
		t.Fatalf("table flags wrong: %+v", rv.Paragraphs)
	}
	p0 := rv.Paragraphs[0]
	if len(p0.Changes) != 1 {
		t.Fatalf("paragraph 1 changes = %+v", p0.Changes)
	}
	c := p0.Changes[0]
	if c.Kind != "replace" || p0.Original[c.Start:c.End] != "duhet" || c.Deleted != "duhet" || c.Inserted != "mund" || c.Author != "Arta Krasniqi" || c.Date != "2026-11-20T10:00:00Z" {
		t.Fatalf("replacement = %+v", c)
	}
	if c := rv.Paragraphs[1].Changes; len(c) != 1 || c[0].Kind != "insert" || c[0].Start != len("Ligji nr. 06/L-2026") || c[0].Inserted != " i ndryshuar" {
		t.Fatalf("insertion = %+v", c)
	}
	// Besa's insertion that Drita deleted again was never in the version.
	if c := rv.Paragraphs[2].Changes; len(c) != 1 || c[0].Kind != "delete" || c[0].Deleted != " e vjetër" {
		t.Fatalf("cell changes = %+v", c)
	}
	if len(rv.Comments) != 3 || !rv.Replies {
		t.Fatalf("comments = %+v (replies %v)", rv.Comments, rv.Replies)
	}
	c0, c1, c2 := rv.Comments[0], rv.Comments[1], rv.Comments[2]
	if !c0.Placed || c0.StartPara != 0 || c0.EndPara != 0 || p0.Original[c0.Start:c0.End] != "leje" ||
		c0.Text != "Cila leje?\nNga ministria." || c0.Author != "Arta Krasniqi" || c0.Initials != "AK" || c0.Parent != "" {
		t.Fatalf("comment 0 = %+v", c0)
	}
	if c1.Parent != "0" || c1.Author != "Drita" || c1.Text != "Leja e punës." {
		t.Fatalf("reply = %+v", c1)
	}
	if !c2.Placed || c2.StartPara != 3 || c2.Start != 4 || c2.End != 4 {
		t.Fatalf("point comment = %+v", c2)
	}
}
