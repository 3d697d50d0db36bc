package docxtest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"
)

// Namespaces Word declares on its parts.
const (
	NSWord = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	NSW14  = `xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"`
	NSW15  = `xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"`
)

const (
	ctComments   = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
	ctCommentsEx = "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"
	relComments  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
	relCommentEx = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
)

// WordReview builds a .docx the way Word writes a reviewed document: body
// is the content of w:body (paragraphs with w:ins, w:del,
// w:commentRangeStart/End and w:commentReference), comments the content
// of w:comments ("" for none) and extended the content of w15:commentsEx
// ("" for none).
func WordReview(t testing.TB, body, comments, extended string) []byte {
	t.Helper()
	types := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`
	root := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`
	docRels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>`
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + NSWord + ` ` + NSW14 + `><w:body>` + body + `</w:body></w:document>`
	b := zipParts(t, map[string]string{"[Content_Types].xml": types, "_rels/.rels": root,
		"word/_rels/document.xml.rels": docRels, "word/document.xml": doc}, nil)
	return AddReview(t, b, nil, comments, extended)
}

// AddReview returns docx with its document.xml passed through edit (nil
// keeps it) and, when comments or extended is not "", a comments part and
// a commentsExtended part holding them, related to the main document as
// Word relates them. The main document must be word/document.xml.
func AddReview(t testing.TB, docx []byte, edit func(string) string, comments, extended string) []byte {
	t.Helper()
	parts, order := readParts(t, docx)
	if edit != nil {
		parts["word/document.xml"] = edit(parts["word/document.xml"])
	}
	addPart := func(name, ct, rel, content string) {
		parts[name] = content
		parts["[Content_Types].xml"] = strings.Replace(parts["[Content_Types].xml"], "</Types>",
			`<Override PartName="/`+name+`" ContentType="`+ct+`"/></Types>`, 1)
		rels := parts["word/_rels/document.xml.rels"]
		if rels == "" {
			rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>`
		}
		parts["word/_rels/document.xml.rels"] = strings.Replace(rels, "</Relationships>",
			`<Relationship Id="rIdReview`+name[5:len(name)-4]+`" Type="`+rel+`" Target="`+name[5:]+`"/></Relationships>`, 1)
	}
	if comments != "" {
		addPart("word/comments.xml", ctComments, relComments, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments `+NSWord+` `+NSW14+`>`+comments+`</w:comments>`)
	}
	if extended != "" {
		addPart("word/commentsExtended.xml", ctCommentsEx, relCommentEx, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w15:commentsEx `+NSW15+`>`+extended+`</w15:commentsEx>`)
	}
	return zipParts(t, parts, order)
}

// DocumentXML returns the word/document.xml of a .docx.
func DocumentXML(t testing.TB, docx []byte) string {
	t.Helper()
	parts, _ := readParts(t, docx)
	return parts["word/document.xml"]
}

func readParts(t testing.TB, docx []byte) (map[string]string, []string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	var order []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name] = string(b)
		order = append(order, f.Name)
	}
	return parts, order
}

// zipParts zips parts, those named in order first in that order.
func zipParts(t testing.TB, parts map[string]string, order []string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	done := map[string]bool{}
	write := func(name string) {
		if done[name] {
			return
		}
		done[name] = true
		f, err := w.Create(name)
		if err == nil {
			_, err = io.WriteString(f, parts[name])
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range order {
		write(name)
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", "word/document.xml", "word/comments.xml", "word/commentsExtended.xml"} {
		if _, ok := parts[name]; ok {
			write(name)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TrackedParagraphs writes paragraphs as Word paragraphs for WordReview,
// with a tracked replacement of the first word of every changeEvery-th
// paragraph and a comment on the last word of every commentEvery-th (0:
// none), both by author. It returns the body and the comments.
func TrackedParagraphs(paras []string, changeEvery, commentEvery int, author string) (body, comments string) {
	var b, c strings.Builder
	attrs := `w:author="` + author + `" w:date="2026-11-20T10:00:00Z"`
	text := Run
	for i, p := range paras {
		b.WriteString("<w:p>")
		first, rest, _ := strings.Cut(p, " ")
		if changeEvery > 0 && i%changeEvery == changeEvery-1 && rest != "" {
			b.WriteString(`<w:del w:id="` + itoa(2*i) + `" ` + attrs + `><w:r><w:delText>` + xmlEscape(first) + `</w:delText></w:r></w:del>`)
			b.WriteString(`<w:ins w:id="` + itoa(2*i+1) + `" ` + attrs + `>` + text("ndryshuar") + `</w:ins>`)
			p = " " + rest
		}
		if commentEvery > 0 && i%commentEvery == commentEvery-1 {
			cut := strings.LastIndexByte(p, ' ') + 1
			id := itoa(i)
			b.WriteString(text(p[:cut]) + `<w:commentRangeStart w:id="` + id + `"/>` + text(p[cut:]) + `<w:commentRangeEnd w:id="` + id + `"/><w:r><w:commentReference w:id="` + id + `"/></w:r>`)
			c.WriteString(`<w:comment w:id="` + id + `" ` + attrs + `><w:p>` + text("Koment "+id) + `</w:p></w:comment>`)
		} else {
			b.WriteString(text(p))
		}
		b.WriteString("</w:p>")
	}
	return b.String(), c.String()
}

// Run is a Word run of text, spaces kept.
func Run(text string) string {
	return `<w:r><w:t xml:space="preserve">` + xmlEscape(text) + `</w:t></w:r>`
}

func itoa(n int) string { return strconv.Itoa(n) }

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// Tracked edits of a document.xml, as Word writes them when a reviewer
// edits with Track Changes on. Each finds its words in the text of one
// w:t (the test fails if they are not) and splits the run there.

// inText returns the offset of the first s (with &, < and > escaped, as
// every writer escapes them; quotes are written as they are) in a
// document.xml that lies in the text of one w:t, and its length there.
func inText(t testing.TB, xml, s string) (int, int) {
	t.Helper()
	s = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
	for from := 0; ; {
		i := strings.Index(xml[from:], s)
		if i < 0 {
			t.Fatalf("%q is not in the text of one run", s)
		}
		i += from
		open := strings.LastIndex(xml[:i], "<w:t")
		if open >= 0 && !strings.Contains(xml[strings.Index(xml[open:], ">")+open:i], "<") {
			return i, len(s)
		}
		from = i + len(s)
	}
}

// splitRun ends the run at offset at, puts mark there and starts a new run
// at end.
func splitRun(xml string, at, end int, mark string) string {
	return xml[:at] + `</w:t></w:r>` + mark + `<w:r><w:t xml:space="preserve">` + xml[end:]
}

func trackAttrs(id int, author string) string {
	return `w:id="` + itoa(id) + `" w:author="` + author + `" w:date="2026-11-20T10:00:00Z"`
}

// TrackedReplace replaces old by new (either may be "") as a w:del and a
// w:ins by author.
func TrackedReplace(t testing.TB, xml, old, new, author string) string {
	t.Helper()
	at, n := inText(t, xml, old)
	mark := ""
	if old != "" {
		mark = `<w:del ` + trackAttrs(9001, author) + `><w:r><w:delText xml:space="preserve">` + xmlEscape(old) + `</w:delText></w:r></w:del>`
	}
	if new != "" {
		mark += `<w:ins ` + trackAttrs(9002, author) + `>` + Run(new) + `</w:ins>`
	}
	return splitRun(xml, at, at+n, mark)
}

// TrackedInsert inserts new right after words as a w:ins by author.
func TrackedInsert(t testing.TB, xml, words, new, author string) string {
	t.Helper()
	at, n := inText(t, xml, words)
	return splitRun(xml, at+n, at+n, `<w:ins `+trackAttrs(9003, author)+`>`+Run(new)+`</w:ins>`)
}

// Commented puts the range of comment id (in the comments part) on words.
func Commented(t testing.TB, xml, words string, id int) string {
	t.Helper()
	at, size := inText(t, xml, words)
	n := itoa(id)
	mark := `<w:commentRangeStart w:id="` + n + `"/>` + Run(words) + `<w:commentRangeEnd w:id="` + n + `"/><w:r><w:commentReference w:id="` + n + `"/></w:r>`
	return splitRun(xml, at, at+size, mark)
}
