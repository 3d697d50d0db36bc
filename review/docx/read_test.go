package docx_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"html"
	"slices"
	"strings"
	"testing"

	"policydesk"
	"policydesk/drafts/markdown"
	"policydesk/drafts/outline"
	"policydesk/review/docx"
	"policydesk/review/docx/docxtest"
)

const wNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"`

// wordDoc builds a .docx the way Word lays one out: body is the inside of
// w:body; extra parts are (name, content) pairs related to the document by
// their file name (numbering.xml, footnotes.xml, header1.xml...).
func wordDoc(t testing.TB, body string, extra ...string) []byte {
	t.Helper()
	types := `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`
	rels := `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`
	core := `<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Rregullore për Qendrat</dc:title></cp:coreProperties>`
	var docRels strings.Builder
	docRels.WriteString(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	docRels.WriteString(`<Relationship Id="rLink" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://gzk.rks-gov.net/a?b=1&amp;c=(2)" TargetMode="External"/>`)
	docRels.WriteString(`<Relationship Id="rBad" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="javascript:alert(1)" TargetMode="External"/>`)
	parts := []string{"[Content_Types].xml", types, "_rels/.rels", rels, "docProps/core.xml", core,
		"word/document.xml", `<?xml version="1.0"?><w:document ` + wNS + `><w:body>` + body + `</w:body></w:document>`}
	for i := 0; i+1 < len(extra); i += 2 {
		name := extra[i]
		typ := strings.TrimRight(strings.TrimSuffix(name, ".xml"), "0123456789")
		fmt.Fprintf(&docRels, `<Relationship Id="rX%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/%s" Target="%s"/>`, i, typ, name)
		parts = append(parts, "word/"+name, extra[i+1])
	}
	docRels.WriteString(`</Relationships>`)
	parts = append(parts, "word/_rels/document.xml.rels", docRels.String())
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for i := 0; i+1 < len(parts); i += 2 {
		f, err := zw.Create(parts[i])
		if err == nil {
			_, err = f.Write([]byte(parts[i+1]))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func p(style, text string) string {
	pPr := ""
	if style != "" {
		pPr = `<w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>`
	}
	return `<w:p>` + pPr + `<w:r><w:t xml:space="preserve">` + html.EscapeString(text) + `</w:t></w:r></w:p>`
}

func numbered(numID, ilvl int, text string) string {
	return fmt.Sprintf(`<w:p><w:pPr><w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%d"/></w:numPr></w:pPr><w:r><w:t>%s</w:t></w:r></w:p>`, ilvl, numID, text)
}

func read(t testing.TB, b []byte) *docx.Imported {
	t.Helper()
	pkg, err := docx.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	im, err := docx.Read(context.Background(), pkg, 5<<20)
	if err != nil {
		t.Fatal(err)
	}
	checkRenders(t, im.Markdown)
	return im
}

// checkRenders proves the Markdown passes the renderer's bounds and
// carries no raw HTML.
func checkRenders(t testing.TB, md string) {
	t.Helper()
	html, err := markdown.NewRenderer(0).Render(context.Background(), md)
	if err != nil {
		t.Fatalf("the imported Markdown does not render: %v\n%s", err, md)
	}
	if strings.Contains(string(html), "raw HTML omitted") || strings.Contains(string(html), "<script") {
		t.Fatalf("the imported Markdown carries raw HTML:\n%s\n%s", md, html)
	}
}

func outlineOf(md string) []string {
	var got []string
	for _, a := range outline.Parse(md) {
		got = append(got, a.Num+"|"+a.Title)
	}
	return got
}

// Word's automatic numbering: a multilevel list whose level 0 is
// "Neni %1" (on Heading 2), level 1 "%2." and level 2 "%2.%3.", a
// separate "%1)" list of letters that restarts (a w:num with a start
// override) and continues (another w:num of the same list), and a bullet
// list.
const numberingXML = `<?xml version="1.0"?><w:numbering ` + wNS + `>
<w:abstractNum w:abstractNumId="0">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Neni %1"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2.%3."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num>
<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>`

const stylesXML = `<?xml version="1.0"?><w:styles ` + wNS + `>
<w:style w:type="paragraph" w:styleId="Titolo1"><w:name w:val="heading 1"/></w:style>
<w:style w:type="paragraph" w:styleId="Neni"><w:name w:val="Neni"/><w:basedOn w:val="Titolo2"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Titolo2"><w:name w:val="heading 2"/></w:style>
<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/><w:rPr><w:b/></w:rPr></w:style>
</w:styles>`

func TestReadWordAutomaticNumbering(t *testing.T) {
	body := p("Titolo1", "KAPITULLI I – DISPOZITAT E PËRGJITHSHME") +
		p("Neni", "Qëllimi") +
		numbered(1, 1, "Kjo Rregullore përcakton organizimin.") +
		numbered(1, 2, "nën-paragrafi i parë;") +
		numbered(1, 2, "nën-paragrafi i dytë.") +
		numbered(1, 1, "Paragrafi i dytë:") +
		numbered(2, 0, "shkronja e parë;") +
		numbered(2, 0, "shkronja e dytë.") +
		p("Neni", "Fushëveprimi") +
		numbered(1, 1, "Zbatohet kudo:") +
		numbered(3, 0, "rishtas nga a;") +
		numbered(5, 0, "vazhdon me b.") +
		numbered(4, 0, "një pikë") +
		`<w:p><w:pPr><w:pStyle w:val="Neni"/></w:pPr></w:p>` +
		numbered(1, 1, "Hyn në fuqi.")
	im := read(t, wordDoc(t, body, "numbering.xml", numberingXML, "styles.xml", stylesXML))
	want := []string{"1|Qëllimi", "2|Fushëveprimi", "3|"}
	if got := outlineOf(im.Markdown); !slices.Equal(got, want) {
		t.Fatalf("articles %q, want %q\n%s", got, want, im.Markdown)
	}
	for _, line := range []string{"# KAPITULLI I – DISPOZITAT E PËRGJITHSHME\n", "## Neni 1 – Qëllimi\n", "\n1. Kjo Rregullore",
		"\n1.1. nën-paragrafi i parë;", "\n1.2. nën-paragrafi i dytë.", "\n2. Paragrafi i dytë:", "\na) shkronja e parë;",
		"\nb) shkronja e dytë.", "## Neni 2 – Fushëveprimi\n", "\n1. Zbatohet kudo:", "\na) rishtas nga a;", "\nb) vazhdon me b.", "\n- një pikë", "## Neni 3\n", "\n1. Hyn në fuqi."} {
		if !strings.Contains(im.Markdown, line) {
			t.Errorf("missing %q in\n%s", line, im.Markdown)
		}
	}
	if im.Title != "Rregullore për Qendrat" {
		t.Errorf("title %q", im.Title)
	}
}

func TestReadTrackedChangesAccepted(t *testing.T) {
	body := `<w:p><w:r><w:t xml:space="preserve">Afati është </w:t></w:r>` +
		`<w:del w:id="1" w:author="A"><w:r><w:delText>30</w:delText></w:r></w:del>` +
		`<w:ins w:id="2" w:author="A"><w:r><w:t>15</w:t></w:r></w:ins>` +
		`<w:r><w:t xml:space="preserve"> ditë</w:t></w:r>` +
		`<w:moveFrom w:id="3"><w:r><w:t xml:space="preserve"> (zhvendosur)</w:t></w:r></w:moveFrom>` +
		`<w:r><w:t>.</w:t></w:r><w:moveTo w:id="4"><w:r><w:t xml:space="preserve"> Fund</w:t></w:r></w:moveTo></w:p>` +
		`<w:del w:id="5"><w:p><w:r><w:delText>Paragrafi i fshirë</w:delText></w:r></w:p></w:del>` +
		`<w:p><w:r><w:t xml:space="preserve">Koment </w:t></w:r><w:commentRangeStart w:id="0"/><w:r><w:t>këtu</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>`
	im := read(t, wordDoc(t, body))
	if !strings.Contains(im.Markdown, "Afati është 15 ditë. Fund") || strings.Contains(im.Markdown, "30") ||
		strings.Contains(im.Markdown, "zhvendosur") || strings.Contains(im.Markdown, "fshirë") {
		t.Fatalf("tracked changes not accepted:\n%s", im.Markdown)
	}
	if im.TrackedChanges != 5 {
		t.Errorf("tracked changes = %d, want 5", im.TrackedChanges)
	}
	if !hasNote(im, docx.NoteTrackedChanges, 5) || !hasNote(im, docx.NoteComments, 1) {
		t.Errorf("notes %+v", im.Notes)
	}
}

func hasNote(im *docx.Imported, code string, n int) bool {
	return slices.Contains(im.Notes, docx.Note{Code: code, Count: n})
}

func TestReadFootnotesLinksFieldsAndLeftOut(t *testing.T) {
	footnotes := `<?xml version="1.0"?><w:footnotes ` + wNS + `>
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:id="8"><w:p><w:r><w:t>Ibid.</w:t></w:r></w:p></w:footnote>
<w:footnote w:id="9"><w:p><w:r><w:t xml:space="preserve">Shih (nenin 5)</w:t></w:r></w:p></w:footnote>
<w:footnote w:id="7"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Ligji Nr. 06/L-084, neni 3.</w:t></w:r></w:p></w:footnote>
</w:footnotes>`
	header := `<?xml version="1.0"?><w:hdr ` + wNS + `><w:p><w:r><w:t>Kreu i faqes</w:t></w:r></w:p></w:hdr>`
	body := `<w:p><w:r><w:t>Shih ligjin</w:t></w:r><w:r><w:footnoteReference w:id="7"/></w:r>` +
		`<w:r><w:footnoteReference w:id="8"/></w:r><w:r><w:footnoteReference w:id="9"/></w:r><w:r><w:footnoteReference w:id="7"/></w:r>` +
		`<w:r><w:t xml:space="preserve"> në </w:t></w:r><w:hyperlink r:id="rLink"><w:r><w:t>Gazetën Zyrtare</w:t></w:r></w:hyperlink>` +
		`<w:r><w:t xml:space="preserve"> dhe </w:t></w:r><w:hyperlink r:id="rBad"><w:r><w:t>këtë</w:t></w:r></w:hyperlink>` +
		`<w:r><w:t xml:space="preserve">, faqe </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>` +
		`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>4</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>` +
		`<w:r><w:drawing><wp:inline xmlns:wp="x"/></w:drawing></w:r>` +
		`<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>Kuti</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice></mc:AlternateContent>` +
		`<w:r><w:pict/></w:r></w:p>`
	im := read(t, wordDoc(t, body, "footnotes.xml", footnotes, "header1.xml", header))
	for _, want := range []string{"Shih ligjin[^1][^2][^3][^1] në [Gazetën Zyrtare](https://gzk.rks-gov.net/a?b=1&c=%282%29) dhe këtë, faqe 4",
		"\n[^1]: Ligji Nr. 06/L-084, neni 3.\n", "\n\\[^2]: Ibid.\n", "\n\\[^3]: Shih (nenin 5)\n"} {
		if !strings.Contains(im.Markdown, want) {
			t.Errorf("missing %q in\n%s", want, im.Markdown)
		}
	}
	// The notes show in the rendering: none became a link definition.
	html, _ := markdown.NewRenderer(0).Render(context.Background(), im.Markdown)
	for _, want := range []string{"Ligji Nr. 06/L-084", "Ibid.", "Shih (nenin 5)"} {
		if !strings.Contains(string(html), want) || strings.Contains(string(html), `href="Ibid.`) {
			t.Errorf("the note %q does not show:\n%s", want, html)
		}
	}
	for _, bad := range []string{"javascript", "PAGE", "Kuti", "Kreu"} {
		if strings.Contains(im.Markdown, bad) {
			t.Errorf("%q came through:\n%s", bad, im.Markdown)
		}
	}
	for _, n := range []docx.Note{{docx.NoteImages, 2}, {docx.NoteTextBoxes, 1}, {docx.NoteHeadersFooters, 1}, {docx.NoteFields, 1}} {
		if !slices.Contains(im.Notes, n) {
			t.Errorf("notes %+v lack %+v", im.Notes, n)
		}
	}
}

func TestReadEscapesMarkdownAndHTML(t *testing.T) {
	body := p("", "# jo titull") + p("", `<script>alert(1)</script> *jo* _jo_ [a](javascript:x) | &lt; Nr. ____/2025`) +
		p("", "- jo pikë") + p("Titolo2", "Titull me <b>")
	im := read(t, wordDoc(t, body, "styles.xml", stylesXML))
	for _, want := range []string{`\# jo titull`, `\<script\>alert(1)\</script\> \*jo\* \_jo\_ \[a\](javascript:x) \| \&lt; Nr. ____/2025`,
		`\- jo pikë`, `## Titull me \<b\>`} {
		if !strings.Contains(im.Markdown, want) {
			t.Errorf("missing %q in\n%s", want, im.Markdown)
		}
	}
}

func TestReadTables(t *testing.T) {
	cell := func(s string) string { return `<w:tc><w:tcPr/>` + p("", s) + `</w:tc>` }
	inner := `<w:tbl><w:tr>` + cell("i1") + cell("i2") + `</w:tr></w:tbl>`
	body := `<w:tbl><w:tblPr/><w:tr>` + cell("Kategoria") + cell("Tarifa") + `</w:tr><w:tr>` + cell("a | b") +
		`<w:tc>` + p("", "x") + inner + `</w:tc></w:tr><w:tr>` + cell("vetëm") + `</w:tr></w:tbl>`
	im := read(t, wordDoc(t, body))
	want := "| Kategoria | Tarifa |\n| --- | --- |\n| a \\| b | x i1 i2 |\n| vetëm |  |\n"
	if !strings.Contains(im.Markdown, want) {
		t.Fatalf("table:\n%s\nwant\n%s", im.Markdown, want)
	}
	if !hasNote(im, docx.NoteNestedTables, 1) {
		t.Errorf("notes %+v", im.Notes)
	}
}

func TestReadRefusesDeepNesting(t *testing.T) {
	deep := strings.Repeat(`<w:tbl><w:tr><w:tc>`, 80) + p("", "x") + strings.Repeat(`</w:tc></w:tr></w:tbl>`, 80)
	b := wordDoc(t, deep)
	pkg, err := docx.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = docx.Read(context.Background(), pkg, 5<<20)
	if policydesk.ErrorCode(err) != policydesk.EInvalid || !strings.Contains(policydesk.ErrorMessage(err), "deeper") {
		t.Fatalf("err = %v, want a refusal of the nesting", err)
	}
	// Tables nested as deep as the limit allows are flattened.
	ok := strings.Repeat(`<w:tbl><w:tr><w:tc>`, 30) + p("", "x") + strings.Repeat(`</w:tc></w:tr></w:tbl>`, 30)
	if im := read(t, wordDoc(t, ok)); !strings.Contains(im.Markdown, "| x |") {
		t.Fatalf("nested tables:\n%s", im.Markdown)
	}
}

func TestReadRefusesTextBeyondTheLimit(t *testing.T) {
	b := wordDoc(t, strings.Repeat(p("", strings.Repeat("fjalë ", 200)), 100))
	pkg, _ := docx.Open(bytes.NewReader(b), int64(len(b)))
	_, err := docx.Read(context.Background(), pkg, 64<<10)
	if policydesk.ErrorCode(err) != policydesk.ETooLarge {
		t.Fatalf("err = %v, want ETooLarge", err)
	}
}

var _ = docxtest.Words

// Content controls are read through, without their properties leaking
// formatting; alternate content is read once, through its fallback.
func TestReadContentControlsAndAlternateContent(t *testing.T) {
	body := `<w:sdt><w:sdtPr><w:rPr><w:b/></w:rPr><w:alias w:val="Titulli"/></w:sdtPr><w:sdtContent>` + p("", "Brenda kontrollit") + `</w:sdtContent></w:sdt>` +
		`<w:p><w:sdt><w:sdtPr><w:rPr><w:i/></w:rPr></w:sdtPr><w:sdtContent><w:r><w:t>fjala</w:t></w:r></w:sdtContent></w:sdt></w:p>` +
		`<mc:AlternateContent><mc:Choice Requires="w14">` + p("", "Zgjedhja") + `</mc:Choice><mc:Fallback>` + p("", "Rezerva") + `</mc:Fallback></mc:AlternateContent>`
	im := read(t, wordDoc(t, body))
	if want := "Brenda kontrollit\n\nfjala\n\nRezerva\n"; im.Markdown != want {
		t.Fatalf("got %q, want %q", im.Markdown, want)
	}
}
