package docx_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"policydesk/drafts/markdown"
	"policydesk/review/docx"
	"policydesk/review/docx/docxtest"
)

// regulation is a short regulation with every construct the export writes.
const regulation = `# Rregullore Nr. 05/2026 për Qendrat Ditore

Ministri i Drejtësisë nxjerr:

## KAPITULLI I – DISPOZITAT E PËRGJITHSHME

### Neni 1 – Qëllimi

1. Kjo Rregullore përcakton **organizimin** e Qendrave Ditore.
   1.1. fëmijët e moshës _gjashtë (6)_ vjeç;
   1.2. familjet në nevojë[^1].

2. Shërbimet ofrohen sipas [Ligjit](https://gzk.rks-gov.net/ligji) dhe [këtij linku](javascript:alert(1)).

### Neni 2 – Stafi

- psikologu;
- punëtori social.

| Kategoria | Numri |
|---|---:|
| Psikologë | 2 |
| Edukatorë | 5 |

[^1]: Sipas Ligjit Nr. 08/L-255.
`

func meta() docx.Meta {
	return docx.Meta{Title: "Rregullore për Qendrat Ditore", Author: "Drita Krasniqi", Language: "sq",
		Created: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), Modified: time.Date(2026, 3, 5, 10, 30, 0, 0, time.UTC), Subject: "Versioni 2"}
}

func exportVersion(t testing.TB, body string, m docx.Meta) []byte {
	t.Helper()
	out, err := docx.Version(context.Background(), markdown.NewRenderer(0), body, m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// part returns a part of a written .docx, read through docx.Open, and
// checks it is well-formed XML.
func part(t *testing.T, file []byte, name string) string {
	t.Helper()
	p, err := docx.Open(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatalf("the export does not open as a .docx: %v", err)
	}
	rc, err := p.Part(name)
	if err != nil {
		t.Fatalf("part %s: %v", name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("part %s is not well-formed XML: %v\n%s", name, err, b)
		}
	}
	return string(b)
}

// TestVersionExportStructure reads the written XML: headings as Word
// heading styles, numbers kept as text, formatting, the table, the
// footnote, one hyperlink (the javascript: one is text), properties and
// language.
func TestVersionExportStructure(t *testing.T) {
	out := exportVersion(t, regulation, meta())
	doc := part(t, out, "word/document.xml")
	for _, want := range []string{
		`<w:pStyle w:val="Heading1"/>`, `<w:pStyle w:val="Heading3"/>`, `Neni 1 – Qëllimi`,
		`>1. Kjo Rregullore përcakton </w:t>`, `>1.1. fëmijët e moshës </w:t>`, `<w:b/>`, `<w:i/>`, `<w:tbl>`, `<w:tblHeader/>`,
		`<w:footnoteReference w:id="1"/>`, `<w:hyperlink r:id="rIdL1">`, `këtij linku`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	if strings.Contains(doc, "javascript") || strings.Count(doc, "<w:hyperlink") != 1 {
		t.Errorf("only the https link may be a hyperlink:\n%s", doc)
	}
	rels := part(t, out, "word/_rels/document.xml.rels")
	if !strings.Contains(rels, `Target="https://gzk.rks-gov.net/ligji" TargetMode="External"`) || strings.Count(rels, "External") != 1 {
		t.Errorf("relationships: %s", rels)
	}
	core := part(t, out, "docProps/core.xml")
	for _, want := range []string{"<dc:title>Rregullore për Qendrat Ditore</dc:title>", "<dc:creator>Drita Krasniqi</dc:creator>",
		"<dc:language>sq-AL</dc:language>", ">2026-03-01T09:00:00Z</dcterms:created>", ">2026-03-05T10:30:00Z</dcterms:modified>"} {
		if !strings.Contains(core, want) {
			t.Errorf("core.xml lacks %s:\n%s", want, core)
		}
	}
	if s := part(t, out, "word/styles.xml"); !strings.Contains(s, `<w:lang w:val="sq-AL"`) || !strings.Contains(s, `w:styleId="Heading2"`) {
		t.Errorf("styles.xml lacks the language or the heading styles")
	}
	if f := part(t, out, "word/footnotes.xml"); !strings.Contains(f, "Sipas Ligjit Nr. 08/L-255.") {
		t.Errorf("footnotes.xml: %s", f)
	}
	part(t, out, "docProps/app.xml")
	part(t, out, "[Content_Types].xml")
}

// TestVersionExportOpensInPandocAndLibreOffice: two independent readers
// find every word of the version, the numbers as written and the footnote.
func TestVersionExportOpensInPandocAndLibreOffice(t *testing.T) {
	out := exportVersion(t, regulation, meta())
	md := docxtest.PandocRead(t, out, "markdown")
	for _, want := range []string{"# Rregullore Nr. 05/2026", "### Neni 1 -- Qëllimi", "1.1. fëmijët", "**organizimin**", "*gjashtë (6)*",
		"[Ligjit](https://gzk.rks-gov.net/ligji)", "[^1]", "Sipas Ligjit Nr. 08/L-255.", "Psikologë", "punëtori social"} {
		if !strings.Contains(md, want) {
			t.Errorf("pandoc's Markdown lacks %q:\n%s", want, md)
		}
	}
	pdf := docxtest.PDFText(t, out)
	for _, want := range []string{"Neni 2 – Stafi", "1.2. familjet në nevojë", "Edukatorë", "këtij linku", "Ministri i Drejtësisë nxjerr:"} {
		if !strings.Contains(pdf, want) {
			t.Errorf("LibreOffice's PDF lacks %q:\n%s", want, pdf)
		}
	}
}
