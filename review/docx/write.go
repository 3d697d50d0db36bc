package docx

// Writing Word documents: a version, the redline of two versions with
// tracked changes, the comparative table and the consultation report. A
// written package holds only what is listed in writeParts: the document,
// its styles, settings, footnotes and properties, and hyperlinks as
// external relationships to http, https and mailto URLs from the text. No
// macros, no fields, no images, no other external reference.

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/yuin/goldmark/ast"

	"policydesk"
)

// ContentType is the media type of a .docx.
const ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// Page geometry, in twentieths of a point: A4 with 2.5 cm margins.
const (
	pageShort     = 11906
	pageLong      = 16838
	pageMargin    = 1417
	portraitWidth = pageShort - 2*pageMargin
	landWidth     = pageLong - 2*pageMargin
)

// Meta describes a written document: its properties (docProps/core.xml)
// and language, which Word checks the spelling in.
type Meta struct {
	Title    string
	Author   string // the creator: who wrote the version
	Language string // "sq", "sr" or "en"
	Created  time.Time
	Modified time.Time
	Subject  string // e.g. "Version 3"
}

// Parser parses Markdown within the bounds of the service's renderer;
// markdown.Renderer is one.
type Parser interface {
	Parse(ctx context.Context, body string) (ast.Node, []byte, error)
}

// Version writes body, a version's Markdown, as a .docx: headings as Word
// headings, paragraphs with their numbers as written, bold, italic, lists,
// tables, footnotes and links. A body beyond the parser's bounds (saved
// before they existed) is written as its lines, as the page shows it.
// The error is p's EUnavailable when time runs out.
func Version(ctx context.Context, p Parser, body string, meta Meta) ([]byte, error) {
	fl, err := parseFlow(ctx, p, body)
	if err != nil {
		return nil, err
	}
	x := newXMLWriter(meta.Author, meta.Modified)
	return writeDocument(x, fl.items, fl.notes, meta, false)
}

// parseFlow parses body into a flow; a body beyond p's bounds becomes
// its plain text.
func parseFlow(ctx context.Context, p Parser, body string) (*flow, error) {
	doc, src, err := p.Parse(ctx, body)
	switch {
	case policydesk.ErrorCode(err) == policydesk.ETooComplex:
		return plainFlow(body), nil
	case err != nil:
		return nil, err
	}
	return newFlow(doc, src), nil
}

// plainFlow is text as it is: a paragraph per block of lines, their
// lines kept as line breaks. It is how a version beyond the parser's
// bounds is written. After maxPlainParagraphs the rest is one paragraph,
// so that no text makes more than that many.
func plainFlow(text string) *flow {
	fl := &flow{}
	for at, k := 0, 0; at < len(text); k++ {
		end := len(text)
		if i := strings.Index(text[at:], "\n\n"); i >= 0 && k < maxPlainParagraphs {
			end = at + i
		} else if strings.HasSuffix(text, "\n") {
			end--
		}
		if end > at {
			fl.items = append(fl.items, item{kind: itemText, text: text[at:end], start: at, end: end, exact: true})
		}
		fl.items = append(fl.items, item{kind: itemPara, start: end, end: end})
		for at = end + 1; at < len(text) && text[at] == '\n'; at++ {
		}
	}
	return fl
}

const maxPlainParagraphs = 10_000

// writeDocument writes the package of a document of items and footnotes.
// The XML goes straight into the zip's compressor: a document holds far
// less compressed than as XML, the most memory a large one needs.
func writeDocument(x *xmlWriter, items []item, notes [][]item, meta Meta, landscape bool) ([]byte, error) {
	if landscape {
		x.textWidth = landWidth
	}
	z := newZipWriter()
	x.Writer = bufio.NewWriterSize(z.create("word/document.xml"), 32<<10)
	x.WriteString(xmlHeader + `<w:document xmlns:w="` + nsW + `" xmlns:r="` + nsR + `"><w:body>`)
	x.items(items)
	x.section(landscape)
	x.WriteString("</w:body></w:document>")
	if len(notes) > 0 {
		if err := x.Flush(); err != nil {
			return nil, err
		}
		x.Reset(z.create("word/footnotes.xml"))
		x.footnotes(notes)
	}
	if err := x.Flush(); err != nil {
		return nil, err
	}
	writeParts(z, meta, len(notes) > 0, x.links)
	return z.close()
}

// section writes the page size and margins: A4, portrait or landscape.
func (x *xmlWriter) section(landscape bool) {
	w, h, orient := pageShort, pageLong, ""
	if landscape {
		w, h, orient = pageLong, pageShort, ` w:orient="landscape"`
	}
	m := strconv.Itoa(pageMargin)
	x.WriteString(`<w:sectPr><w:pgSz w:w="` + strconv.Itoa(w) + `" w:h="` + strconv.Itoa(h) + `"` + orient + `/>` +
		`<w:pgMar w:top="` + m + `" w:right="` + m + `" w:bottom="` + m + `" w:left="` + m + `" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr>`)
}

// footnotes writes the footnotes part, each id its index + 1 (Word keeps
// -1 and 0 for the separators). It shares the hyperlinks and change ids
// of the main document: the footnotes' links are relationships of the
// footnotes part too, listed with the document's, as the ids do not clash.
func (x *xmlWriter) footnotes(notes [][]item) {
	x.WriteString(xmlHeader + `<w:footnotes xmlns:w="` + nsW + `" xmlns:r="` + nsR + `">` +
		`<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>` +
		`<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>`)
	for k, note := range notes {
		x.WriteString(`<w:footnote w:id="` + strconv.Itoa(k+1) + `">`)
		if len(note) == 0 {
			note = []item{{kind: itemPara}}
		}
		x.items(append([]item{{kind: itemText, text: " ", start: -1}}, note...))
		x.WriteString("</w:footnote>")
	}
	x.WriteString("</w:footnotes>")
}

// zipWriter collects parts into a .docx; its first error sticks.
type zipWriter struct {
	buf bytes.Buffer
	zw  *zip.Writer
	err error
}

func newZipWriter() *zipWriter {
	z := &zipWriter{}
	z.zw = zip.NewWriter(&z.buf)
	return z
}

// create starts a part and returns its writer.
func (z *zipWriter) create(name string) io.Writer {
	if z.err != nil {
		return io.Discard
	}
	w, err := z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		z.err = err
		return io.Discard
	}
	return w
}

func (z *zipWriter) part(name, data string) {
	if _, err := io.WriteString(z.create(name), data); err != nil && z.err == nil {
		z.err = err
	}
}

func (z *zipWriter) close() ([]byte, error) {
	if z.err != nil {
		return nil, z.err
	}
	if err := z.zw.Close(); err != nil {
		return nil, err
	}
	return z.buf.Bytes(), nil
}
