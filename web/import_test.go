package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"policydesk/drafts/docx/docxtest"
)

const importFixture = `## Neni 1 – Qëllimi

1. Kjo Rregullore përcakton **organizimin**.

   1.1. Nën-paragrafi.

## Neni 2 – Tarifat

| Kategoria | Tarifa |
|---|---|
| Regjistrimi | 100 |
`

// counts returns how many documents the user sees and how many versions
// document id has (0 for none).
func importCounts(t testing.TB, e *env, token string, id int64) (docs, versions int) {
	t.Helper()
	list := must(t, e.api("GET", "/api/v1/documents", token, nil), 200).object(t)
	docs = int(list["total"].(float64))
	if id > 0 {
		vs := must(t, e.api("GET", docPath(id, "/versions"), token, nil), 200).object(t)
		versions = len(vs["versions"].([]any))
	}
	return docs, versions
}

func (e *env) importFile(path, token string, parts ...part) resp {
	e.t.Helper()
	ct, body := multipartBody(e.t, parts...)
	return e.raw("POST", path, token, ct, body)
}

func TestImportAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("drita", "editor")
	data := docxtest.PandocWrite(t, importFixture, "markdown")
	meta := []part{field("kind", "regulation"), field("language", "sq")}

	// The preview answers the Markdown and its outline and saves nothing.
	r := must(t, e.importFile("/api/v1/documents/import?preview=true", ed, append(meta, file("Rregullore e re.docx", data))...), 200)
	var pv struct {
		Markdown string
		Title    string
		Outline  []struct{ Num, Heading string }
		Notes    []any
	}
	if err := json.Unmarshal(r.Body, &pv); err != nil {
		t.Fatal(err)
	}
	if len(pv.Outline) != 2 || pv.Outline[1].Heading != "Neni 2 – Tarifat" || !strings.Contains(pv.Markdown, "| Regjistrimi | 100 |") || pv.Title != "Rregullore e re" {
		t.Fatalf("preview %+v", pv)
	}
	if docs, _ := importCounts(t, e, ed, 0); docs != 0 {
		t.Fatalf("the preview saved %d documents", docs)
	}

	r = must(t, e.importFile("/api/v1/documents/import", ed, append(meta, file("Rregullore e re.docx", data))...), 201)
	doc := r.object(t)
	id := int64(doc["id"].(float64))
	imp, ok := doc["import"].(map[string]any)
	if doc["title"] != "Rregullore e re" || doc["head"] != 1.0 || !ok || imp["tracked_changes"] != 0.0 {
		t.Fatalf("created %v", doc)
	}
	v := must(t, e.api("GET", docPath(id, "/versions/1"), ed, nil), 200).object(t)
	if v["body"] != pv.Markdown {
		t.Errorf("saved body differs from the preview:\n%v", v["body"])
	}
	if !strings.HasPrefix(v["message"].(string), "Imported from Word: Rregullore e re.docx") {
		t.Errorf("message %q", v["message"])
	}

	// A new version from Word, then a stale base: 409 with the merge.
	r = must(t, e.importFile(docPath(id, "/versions/import"), ed, field("base", "1"), field("message", "Nga Word"), file("v2.docx", data)), 201)
	if got := r.object(t); got["number"] != 2.0 {
		t.Fatalf("version %v", got)
	}
	r = must(t, e.importFile(docPath(id, "/versions/import"), ed, field("base", "1"), file("v2.docx", data)), 409)
	if !strings.Contains(string(r.Body), "head") {
		t.Errorf("409 without the head: %s", r)
	}
	must(t, e.importFile(docPath(id, "/versions/import"), ed, file("v2.docx", data)), 422)
	if _, versions := importCounts(t, e, ed, id); versions != 2 {
		t.Fatalf("%d versions, want 2", versions)
	}
	checkAudit(t, &attEnv{env: e}, "document.create", 1)
	checkAudit(t, &attEnv{env: e}, "version.create", 1)
	// A reader may not import a version.
	rd := e.user("arta", "staff")
	must(t, e.importFile(docPath(id, "/versions/import"), rd, field("base", "2"), file("v3.docx", data)), 403)
	must(t, e.importFile("/api/v1/documents/import", rd, append(meta, file("x.docx", data))...), 403)
}

// zipped builds a zip of (name, content) pairs.
func zipped(t testing.TB, parts ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for i := 0; i+1 < len(parts); i += 2 {
		f, err := w.Create(parts[i])
		if err == nil {
			_, err = f.Write([]byte(parts[i+1]))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// badWordFiles are the files an import refuses with 422, by what they are.
func badWordFiles(t testing.TB) map[string][]byte {
	types := func(ct string) string {
		return `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="` + ct + `"/></Types>`
	}
	rels := `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`
	docCT := "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	body := func(inner string) string {
		return `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + inner + `</w:body></w:document>`
	}
	ole := []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	return map[string][]byte{
		"not a docx": []byte("%PDF-1.7 not a Word file"),
		"old .doc":   append(append([]byte{}, ole...), make([]byte, 600)...),
		"encrypted":  append(append([]byte{}, ole...), []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o\x00")...),
		"docm": zipped(t, "[Content_Types].xml", types("application/vnd.ms-word.document.macroEnabled.main+xml"), "_rels/.rels", rels,
			"word/document.xml", body("")),
		"corrupt zip":  append([]byte("PK\x03\x04"), bytes.Repeat([]byte{7}, 200)...),
		"over 50 MB":   zipped(t, "[Content_Types].xml", types(docCT), "_rels/.rels", rels, "word/document.xml", body(strings.Repeat(" ", 51<<20))),
		"too deep XML": zipped(t, "[Content_Types].xml", types(docCT), "_rels/.rels", rels, "word/document.xml", body(strings.Repeat("<w:sdt>", 300)+strings.Repeat("</w:sdt>", 300))),
	}
}

func TestImportRefusalsSaveNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("drita", "editor")
	id := e.doc(ed, "Rregullore", "internal", "## Neni 1\n\nTekst.")
	meta := []part{field("kind", "regulation"), field("language", "sq")}
	for name, data := range badWordFiles(t) {
		for _, path := range []string{"/api/v1/documents/import", "/api/v1/documents/import?preview=true", docPath(id, "/versions/import")} {
			r := must(t, e.importFile(path, ed, append(meta, field("base", "1"), file(name+".docx", data))...), 422)
			if msg := r.object(t)["error"]; msg == nil || msg == "" {
				t.Errorf("%s at %s: no message: %s", name, path, r)
			}
		}
	}
	// Beyond the upload limit: 413.
	big := bytes.Repeat([]byte("x"), 21<<20)
	must(t, e.importFile("/api/v1/documents/import", ed, append(meta, file("big.docx", big))...), 413)
	must(t, e.importFile(docPath(id, "/versions/import"), ed, field("base", "1"), file("big.docx", big)), 413)
	if docs, versions := importCounts(t, e, ed, id); docs != 1 || versions != 1 {
		t.Fatalf("refused imports left %d documents, %d versions", docs, versions)
	}
}
