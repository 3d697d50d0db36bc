// Package extracttest builds the files that once poisoned text extraction —
// PDFs whose page tree loops or lies about its size, a PDF whose reader
// never returns, a PDF whose reader allocates without bound, DOCX files of
// deeply nested XML or of a document.xml that inflates to far more than its
// size — and small good files, for tests of every layer that reads
// attachments.
package extracttest

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
)

// PDF writes a PDF of the given objects (object i+1 is objs[i], without the
// "obj"/"endobj" lines), with a cross-reference table and a trailer whose
// Root is object 1. extraTrailer is added to the trailer dictionary.
func PDF(objs []string, extraTrailer string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	extraTrailer = strings.ReplaceAll(extraTrailer, "XREF", fmt.Sprint(xref))
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, extraTrailer, xref)
	return b.Bytes()
}

func streamObj(dict, data string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

const helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"

// TextPDF is a good one-page PDF that reads text.
func TextPDF(text string) []byte {
	return PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		streamObj("", "BT /F1 12 Tf 72 720 Td ("+text+") Tj ET"),
		helvetica,
	}, "")
}

// SelfParentPDF is the PDF of the issue: its one page names itself as its
// /Parent and has no /Resources, so a reader looking the resources up the
// tree walks in a circle for ever.
func SelfParentPDF() []byte {
	return PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 3 0 R /Contents 4 0 R >>",
		streamObj("", "BT (Nothing here) Tj ET"),
	}, "")
}

// KidsLoopPDF has a page-tree node that lists itself among its /Kids.
func KidsLoopPDF() []byte {
	return PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 5 >>",
		"<< /Type /Page /Parent 2 0 R /Resources << >> /Contents 4 0 R >>",
		streamObj("", "BT (Nothing here) Tj ET"),
	}, "")
}

// HugeCountPDF declares 2^31 pages while holding one.
func HugeCountPDF() []byte {
	return PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 2147483648 >>",
		"<< /Type /Page /Parent 2 0 R /Resources << >> /Contents 4 0 R >>",
		streamObj("", "BT (Nothing here) Tj ET"),
	}, "")
}

// XrefLoopPDF's cross-reference table names itself as the /Prev section:
// the reader loops for ever while opening the file, before any page tree
// could be checked. Only a time budget ends it.
func XrefLoopPDF() []byte {
	return PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Resources << >> /Contents 4 0 R >>",
		streamObj("", "BT (Nothing here) Tj ET"),
	}, "/Prev XREF")
}

// HogPDF's page content is a compressed stream that inflates to one string
// of about inflated bytes, which the reader holds in memory whole: a small
// file that makes the reader allocate without bound.
func HogPDF(inflated int) []byte {
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	zw.Write([]byte("BT ("))
	chunk := bytes.Repeat([]byte("A"), 1<<20)
	for n := 0; n < inflated; n += len(chunk) {
		zw.Write(chunk)
	}
	zw.Write([]byte(") Tj ET"))
	zw.Close()
	return PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Resources << >> /Contents 4 0 R >>",
		streamObj("/Filter /FlateDecode", z.String()),
	}, "")
}

// DOCX packs document.xml as word/document.xml.
func DOCX(documentXML []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("word/document.xml")
	w.Write(documentXML)
	zw.Close()
	return buf.Bytes()
}

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// TextDOCX is a good DOCX with one paragraph per argument.
func TextDOCX(paragraphs ...string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><w:document ` + wordNS + `><w:body>`)
	for _, p := range paragraphs {
		b.WriteString(`<w:p><w:r><w:t>` + p + `</w:t></w:r></w:p>`)
	}
	b.WriteString(`</w:body></w:document>`)
	return DOCX([]byte(b.String()))
}

// NestedDOCX is a DOCX whose document.xml nests depth elements: a few KB
// compressed.
func NestedDOCX(depth int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0"?><w:document ` + wordNS + `><w:body>`)
	for range depth {
		b.WriteString("<w:p>")
	}
	b.WriteString("<w:r><w:t>deep</w:t></w:r>")
	for range depth {
		b.WriteString("</w:p>")
	}
	b.WriteString(`</w:body></w:document>`)
	return DOCX(b.Bytes())
}

// ZipBombDOCX is a DOCX whose document.xml inflates to inflated bytes of
// text in one run: a highly compressed member far larger than its file.
func ZipBombDOCX(inflated int) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte(`<?xml version="1.0"?><w:document ` + wordNS + `><w:body><w:p><w:r><w:t>`))
	chunk := bytes.Repeat([]byte("a "), 1<<19)
	for n := 0; n < inflated; n += len(chunk) {
		w.Write(chunk)
	}
	w.Write([]byte(`</w:t></w:r></w:p></w:body></w:document>`))
	zw.Close()
	return buf.Bytes()
}
