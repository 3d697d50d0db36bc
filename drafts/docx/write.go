package docx

// Writing Word documents: a version, the redline of two versions with
// tracked changes, the comparative table and the consultation report. A
// written package holds only what is listed in writeParts: the document,
// its styles, settings, footnotes and properties, and hyperlinks as
// external relationships to http, https and mailto URLs from the text. No
// macros, no fields, no images, no other external reference.

import (
	"archive/zip"
	"bytes"
	"context"
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

// parseFlow parses body into a flow; a body beyond p's bounds becomes a
// flow of its lines, one paragraph each.
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

// plainFlow is text as its lines.
func plainFlow(text string) *flow {
	fl := &flow{}
	for at := 0; at < len(text); {
		end := strings.IndexByte(text[at:], '\n')
		if end < 0 {
			end = len(text) - at
		}
		if end > 0 {
			fl.items = append(fl.items, item{kind: itemText, text: text[at : at+end], start: at, end: at + end, exact: true})
		}
		fl.items = append(fl.items, item{kind: itemPara, start: at + end, end: at + end})
		at += end + 1
	}
	return fl
}

// writeDocument writes the package of a document of items and footnotes.
func writeDocument(x *xmlWriter, items []item, notes [][]item, meta Meta, landscape bool) ([]byte, error) {
	if landscape {
		x.textWidth = landWidth
	}
	x.WriteString(xmlHeader + `<w:document xmlns:w="` + nsW + `" xmlns:r="` + nsR + `"><w:body>`)
	x.items(items)
	x.section(landscape)
	x.WriteString("</w:body></w:document>")
	document := x.Bytes()
	var footnotes []byte
	if len(notes) > 0 {
		footnotes = x.footnotesPart(notes)
	}
	return writeParts(meta, document, footnotes, x.links)
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

// footnotesPart writes the footnotes, each id its index + 1 (Word keeps
// -1 and 0 for the separators). It writes to a new buffer but shares the
// hyperlinks and change ids of x, the main document's writer: the
// footnotes' links are relationships of the footnotes part, listed with
// the document's, which is allowed as the ids do not clash.
func (x *xmlWriter) footnotesPart(notes [][]item) []byte {
	main := x.Buffer
	x.Buffer = bytes.Buffer{}
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
	part := bytes.Clone(x.Bytes())
	x.Buffer = main
	return part
}

// zipWriter collects parts into a .docx.
type zipWriter struct {
	buf bytes.Buffer
	zw  *zip.Writer
	err error
}

func (z *zipWriter) part(name string, data []byte) {
	if z.err != nil {
		return
	}
	w, err := z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err == nil {
		_, err = w.Write(data)
	}
	z.err = err
}
