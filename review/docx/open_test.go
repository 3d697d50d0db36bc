package docx_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"policydesk"
	"policydesk/review/docx"
	"policydesk/review/docx/docxtest"
)

// zipOf builds a zip of the given parts (name, content), in order.
func zipOf(t *testing.T, parts ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for i := 0; i+1 < len(parts); i += 2 {
		f, err := w.Create(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(f, parts[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const (
	typesDoc  = `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`
	typesDocm = `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>`
	rootRels  = `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`
	body      = `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Neni 1</w:t></w:r></w:p></w:body></w:document>`
)

func open(b []byte) (*docx.Package, error) { return docx.Open(bytes.NewReader(b), int64(len(b))) }

func TestOpenAcceptsAWordDocument(t *testing.T) {
	p, err := open(zipOf(t, "[Content_Types].xml", typesDoc, "_rels/.rels", rootRels, "word/document.xml", body))
	if err != nil {
		t.Fatal(err)
	}
	if p.Main != "word/document.xml" {
		t.Fatalf("Main = %q", p.Main)
	}
	d, c, err := p.Open(p.Main)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if cd, ok := tok.(xml.CharData); ok {
			text.Write(cd)
		}
	}
	if text.String() != "Neni 1" {
		t.Fatalf("text = %q", text.String())
	}
}

func TestOpenAcceptsPandocsDocx(t *testing.T) {
	b := docxtest.PandocWrite(t, "# Neni 1\n\nFëmijët kanë të drejtë.\n", "markdown")
	p, err := open(b)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Has(p.Main) || p.Main == "" {
		t.Fatalf("Main = %q", p.Main)
	}
}

// TestOpenRefusals: each kind of file that is not a readable .docx is
// refused with a message that says what it is.
func TestOpenRefusals(t *testing.T) {
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)
	encrypted := append(append([]byte{}, ole...), []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o\x00")...)
	valid := zipOf(t, "[Content_Types].xml", typesDoc, "_rels/.rels", rootRels, "word/document.xml", body)
	for _, c := range []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "not a Word document"},
		{"text", []byte("Neni 1. Qëllimi"), "not a Word document"},
		{"pdf", []byte("%PDF-1.7\n..."), "not a Word document"},
		{"old doc", ole, "old Word document (.doc)"},
		{"encrypted", encrypted, "password"},
		{"truncated zip", valid[:len(valid)/2], "damaged"},
		{"zip without Word", zipOf(t, "a.txt", "hello"), "[Content_Types].xml"},
		{"docm", zipOf(t, "[Content_Types].xml", typesDocm, "_rels/.rels", rootRels, "word/document.xml", body), "macros"},
		{"vba part", zipOf(t, "[Content_Types].xml", typesDoc, "_rels/.rels", rootRels, "word/document.xml", body, "word/vbaProject.bin", "x"), "macros"},
		{"no main part", zipOf(t, "[Content_Types].xml", typesDoc, "_rels/.rels", rootRels), "no Word text part"},
		{"bad XML", zipOf(t, "[Content_Types].xml", "<Types><Override", "_rels/.rels", rootRels), "not well-formed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := open(c.file)
			if policydesk.ErrorCode(err) != policydesk.EInvalid || !strings.Contains(policydesk.ErrorMessage(err), c.want) {
				t.Fatalf("err = %v, want invalid with %q", err, c.want)
			}
		})
	}
}

// TestOpenBoundsUncompressedSize: a zip bomb (a part that inflates past
// MaxUncompressed) is refused when read, whatever its header says.
func TestOpenBoundsUncompressedSize(t *testing.T) {
	big := strings.Repeat("<w:p/>", docx.MaxUncompressed/6+10)
	b := zipOf(t, "[Content_Types].xml", typesDoc, "_rels/.rels", rootRels, "word/document.xml", body, "word/big.xml", big)
	_, err := open(b)
	if policydesk.ErrorCode(err) != policydesk.EInvalid || !strings.Contains(policydesk.ErrorMessage(err), "50 MB") {
		t.Fatalf("err = %v, want the 50 MB refusal", err)
	}
}

func TestDecoderBoundsDepth(t *testing.T) {
	deep := strings.Repeat("<a>", docx.MaxDepth+1) + strings.Repeat("</a>", docx.MaxDepth+1)
	d := docx.NewDecoder(strings.NewReader(deep), "word/document.xml")
	var err error
	for err == nil {
		_, err = d.Token()
	}
	if policydesk.ErrorCode(err) != policydesk.EInvalid || !strings.Contains(policydesk.ErrorMessage(err), "deeper than") {
		t.Fatalf("err = %v, want the depth refusal", err)
	}
}

// TestOpenAcceptsLibreOfficesDocx: a document LibreOffice writes as Word
// 2007 XML opens, and LibreOffice reads it back (the docxtest tools work).
func TestOpenAcceptsLibreOfficesDocx(t *testing.T) {
	b := docxtest.Convert(t, []byte("<html><body><h1>Neni 1</h1><p>Qendrat ditore për fëmijë.</p></body></html>"), "html", "docx:MS Word 2007 XML")
	if _, err := open(b); err != nil {
		t.Fatal(err)
	}
	if text := docxtest.PDFText(t, b); !strings.Contains(text, "Qendrat ditore për fëmijë") {
		t.Fatalf("LibreOffice reads back %q", text)
	}
}
