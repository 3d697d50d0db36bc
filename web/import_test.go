package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"policydesk/review/docx/docxtest"
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

// TestImportVersionPages: the document page links to the import; the
// upload shows the preview whose form saves through the editor's form
// with the base it was uploaded on: version 2, then, from the same stale
// preview, the merge page (409) and nothing saved.
func TestImportVersionPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.doc(e.admin, "Rregullore", "internal", "## Neni 1\n\nTekst.")
	b := e.adminBrowser()
	page := parseHTML(t, must(t, b.get(docPathPage(id)), 200).Body)
	if link := byID(page, "import-link"); link == nil || attr(link, "href") != docPathPage(id)+"/import" {
		t.Fatal("the document page has no link to the import")
	}
	form := byID(parseHTML(t, must(t, b.get(docPathPage(id)+"/import"), 200).Body), "import-form")
	base, _ := inputValue(form, "base")
	csrf, _ := inputValue(form, "csrf_token")
	if form == nil || attr(form, "action") != docPathPage(id)+"/import" || base != "1" {
		t.Fatalf("import form action %q base %q", attr(form, "action"), base)
	}
	data := docxtest.PandocWrite(t, importFixture, "markdown")
	// The token inside the body is required, as on every upload.
	must(t, b.postMultipart(docPathPage(id)+"/import", field("base", base), file("v2.docx", data)), 403)
	preview := parseHTML(t, must(t, b.postMultipart(docPathPage(id)+"/import", field("csrf_token", csrf), field("base", base), file("v2.docx", data)), 200).Body)
	save := byID(preview, "import-save")
	if save == nil || attr(save, "action") != docPathPage(id)+"/edit" {
		t.Fatal("the preview has no form saving through the editor")
	}
	if got := textOf(byID(preview, "import-outline")); !strings.Contains(got, "Neni 2 – Tarifat") {
		t.Errorf("outline %q", got)
	}
	values := url.Values{}
	for _, name := range []string{"csrf_token", "base", "message"} {
		v, _ := inputValue(save, name)
		values.Set(name, v)
	}
	values.Set("body", textOf(byID(preview, "import-body")))
	must(t, b.post(docPathPage(id)+"/edit", values), 303)
	must(t, b.post(docPathPage(id)+"/edit", values), 409)
	if _, versions := importCounts(t, e, e.admin, id); versions != 2 {
		t.Fatalf("%d versions, want 2", versions)
	}
	v := must(t, e.api("GET", docPath(id, "/versions/2"), e.admin, nil), 200).object(t)
	if !strings.Contains(v["body"].(string), "| Regjistrimi | 100 |") || v["message"] != "Imported from Word: v2.docx" {
		t.Errorf("version 2: %v", v)
	}
}
