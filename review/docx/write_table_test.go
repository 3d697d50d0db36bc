package docx_test

import (
	"context"
	"strings"
	"testing"

	"policydesk/drafts/markdown"
	"policydesk/review/docx"
	"policydesk/review/docx/docxtest"
	"policydesk/review/redline"
)

// TestComparativeTable: one row per article with the earlier text (its
// deletions struck through), the proposed text (its insertions
// underlined) and the reasons, on landscape pages; pandoc and LibreOffice
// read it.
func TestComparativeTable(t *testing.T) {
	rl := redline.Compute(earlier, later, nil, nil)
	c := docx.Comparison{
		Intro:   []docx.Para{docx.Text("Tabela krahasuese: versioni 1 → versioni 2")},
		Columns: [4]string{"Neni", "Teksti aktual", "Teksti i propozuar", "Arsyetimi"},
	}
	for _, art := range rl.Articles {
		row := docx.ComparisonRow{Article: docx.Cell{docx.Text(redline.Label(art))}, Ops: art.Ops}
		if strings.Contains(art.Heading, "Stafi") {
			row.Reasons = docx.Cell{{{Text: "Besa: ", Bold: true}, {Text: "Të shtohet licenca."}}, docx.Text("E pranuar: për qartësi.")}
		}
		c.Rows = append(c.Rows, row)
	}
	out, err := docx.Comparative(context.Background(), markdown.NewRenderer(0), c, meta())
	if err != nil {
		t.Fatal(err)
	}
	doc := part(t, out, "word/document.xml")
	for _, want := range []string{`<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>`, `<w:tblHeader/>`,
		`<w:strike/><w:color w:val="C00000"/></w:rPr><w:t xml:space="preserve">2</w:t>`,
		`<w:color w:val="1F5FAF"/><w:u w:val="single"/></w:rPr><w:t xml:space="preserve">3</w:t>`} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	if n := strings.Count(doc, "<w:tr>"); n != len(rl.Articles)+1 {
		t.Errorf("%d rows, want %d articles and the heading row", n, len(rl.Articles)+1)
	}
	md := docxtest.PandocRead(t, out, "markdown")
	for _, want := range []string{"Teksti i propozuar", "Arsyetimi", "Të shtohet licenca.", "Ekipet mobile", "Mbikëqyrja"} {
		if !strings.Contains(md, want) {
			t.Errorf("pandoc's reading lacks %q:\n%s", want, md)
		}
	}
	pdf := strings.Join(strings.Fields(docxtest.PDFText(t, out)), " ")
	for _, want := range []string{"Teksti aktual", "E pranuar: për qartësi.", "psikologu"} {
		if !strings.Contains(pdf, want) {
			t.Errorf("LibreOffice's reading lacks %q:\n%s", want, pdf)
		}
	}
}

// TestDocBuilder: headings, paragraphs and tables built from text, as the
// consultation report is, are escaped and read by pandoc and LibreOffice.
func TestDocBuilder(t *testing.T) {
	d := &docx.Doc{}
	d.Heading(1, "Raporti i konsultimit")
	d.Paragraph(docx.Para{{Text: "Rregullore <A & B>", Bold: true}, {Text: " · Raundi 2", Italic: true}})
	d.Table([]int{1, 3}, []string{"Nr.", "Komenti"}, [][]docx.Cell{
		{{docx.Text("1")}, {docx.Text("“qendrat ditore”"), docx.Text("Të saktësohet.\x01")}},
		{{docx.Text("2")}, nil},
	})
	out, err := d.Write(meta(), true)
	if err != nil {
		t.Fatal(err)
	}
	if doc := part(t, out, "word/document.xml"); !strings.Contains(doc, "Rregullore &lt;A &amp; B&gt;") || strings.Contains(doc, "\x01") {
		t.Errorf("the text is not escaped and cleaned:\n%s", doc)
	}
	md := docxtest.PandocRead(t, out, "markdown")
	for _, want := range []string{"# Raporti i konsultimit", "**Rregullore \\<A & B\\>**", "Komenti", "Të saktësohet."} {
		if !strings.Contains(md, want) {
			t.Errorf("pandoc's reading lacks %q:\n%s", want, md)
		}
	}
	if pdf := docxtest.PDFText(t, out); !strings.Contains(pdf, "Rregullore <A & B>") || !strings.Contains(pdf, "“qendrat ditore”") {
		t.Errorf("LibreOffice's reading:\n%s", pdf)
	}
}
