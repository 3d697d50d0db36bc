package extract

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
)

func TestPlainAndMarkdown(t *testing.T) {
	text, ok, err := Text("shtojca.md", "text/markdown", strings.NewReader("## Neni 1\n\nQendrat Ditore për fëmijët"))
	if err != nil || !ok || !strings.Contains(text, "fëmijët") {
		t.Fatalf("markdown: %q %v %v", text, ok, err)
	}
	text, ok, _ = Text("bad.txt", "text/plain", bytes.NewReader([]byte{'a', 0xff, 'b'}))
	if !ok || text != "a b" {
		t.Fatalf("invalid UTF-8 must be replaced, got %q", text)
	}
	if _, ok, _ := Text("photo.png", "image/png", strings.NewReader("x")); ok {
		t.Fatal("a PNG has no text to extract")
	}
}

func TestDOCX(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte(`<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		`<w:p><w:r><w:t>Memorandumi i Mirëkuptimit</w:t></w:r></w:p>` +
		`<w:p><w:r><w:t xml:space="preserve">Akademia e </w:t></w:r><w:r><w:t>Drejtësisë</w:t></w:r><w:r><w:tab/><w:t>Član 1</w:t></w:r></w:p>` +
		`</w:body></w:document>`))
	zw.Close()
	text, ok, err := Text("MoU.docx", "", bytes.NewReader(buf.Bytes()))
	if err != nil || !ok {
		t.Fatalf("docx: %v %v", ok, err)
	}
	want := "Memorandumi i Mirëkuptimit\nAkademia e Drejtësisë\tČlan 1\n"
	if text != want {
		t.Fatalf("docx text = %q, want %q", text, want)
	}
	if _, ok, _ := Text("broken.docx", "", strings.NewReader("not a zip")); ok {
		t.Fatal("a broken DOCX must yield no text")
	}
}

func TestPDF(t *testing.T) {
	doc := fpdf.New("P", "mm", "A4", "")
	doc.AddPage()
	doc.SetFont("Helvetica", "", 12)
	doc.Cell(40, 10, "Memorandum of Understanding with the Academy of Justice")
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		t.Fatal(err)
	}
	text, ok, err := Text("mou.pdf", "application/pdf", bytes.NewReader(buf.Bytes()))
	if err != nil || !ok {
		t.Fatalf("pdf: %v %v", ok, err)
	}
	if !strings.Contains(text, "Academy of Justice") {
		t.Fatalf("pdf text = %q", text)
	}
	if _, ok, _ := Text("broken.pdf", "", strings.NewReader("%PDF-1.4 garbage")); ok {
		t.Fatal("a broken PDF must yield no text")
	}
}
