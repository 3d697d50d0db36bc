package web_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"policydesk/review/docx"
	"policydesk/review/docx/docxtest"
)

const docxContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// checkDocx asserts a .docx download: type, attachment name, no sniffing.
func checkDocx(t *testing.T, r resp, name string) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != docxContentType {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, name) {
		t.Errorf("Content-Disposition %q, want an attachment named %q", cd, name)
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("no nosniff")
	}
	if len(r.Body) < 4 || string(r.Body[:2]) != "PK" {
		t.Fatalf("not a zip: %s", r)
	}
}

// TestAPIVersionDocx downloads a version as Word through the API and the
// page, with the read permission of the version itself: pandoc reads it,
// the name is the title and version, and who may not read the version
// may not download it.
func TestAPIVersionDocx(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("drita", "editor")
	outsider := e.user("besa", "reviewer")
	id := e.doc(ed, `Rregullore <b>"A & B"</b>/2026`, "restricted", twoArticles)

	r := must(t, e.raw("GET", docPath(id, "/versions/1/docx"), ed, "", nil), 200)
	checkDocx(t, r, `Rregullore bA B b 2026 v1.docx`)
	md := docxtest.PandocRead(t, r.Body, "markdown")
	for _, want := range []string{"## Neni 1 -- Qëllimi", "Zbatohet për të gjitha institucionet."} {
		if !strings.Contains(md, want) {
			t.Errorf("pandoc's reading lacks %q:\n%s", want, md)
		}
	}

	// The same answer as the version's JSON for who may not read it.
	want := e.raw("GET", docPath(id, "/versions/1"), outsider, "", nil).Status
	if got := e.raw("GET", docPath(id, "/versions/1/docx"), outsider, "", nil); got.Status != want || want == http.StatusOK {
		t.Errorf("outsider: status %d, the version's JSON gives %d", got.Status, want)
	}
	if got := e.raw("GET", docPath(id, "/versions/1/docx"), "", "", nil); got.Status != http.StatusUnauthorized {
		t.Errorf("anonymous: status %d", got.Status)
	}
	must(t, e.raw("GET", docPath(id, "/versions/9/docx"), ed, "", nil), http.StatusNotFound)

	// The page links to it, and the link downloads it.
	b := e.browser()
	b.login("drita", userPassword, "/")
	page := parseHTML(t, b.get("/documents/"+itoa(id)).Body)
	link := byID(page, "version-docx")
	if link == nil || attr(link, "href") != "/documents/"+itoa(id)+"/versions/1/docx" || textOf(link) != "Word (.docx)" {
		t.Fatalf("no Word link on the document page")
	}
	checkDocx(t, must(t, b.get(attr(link, "href")), 200), "v1.docx")
}

// TestReviewDocxExports downloads the redline with tracked changes, the
// comparative table and the consultation report as Word, through the API
// and from the pages' links, in the document's language, with the read
// permission of their JSON and HTML.
func TestReviewDocxExports(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	round := r.openRound(2)
	cid := r.comment(round, 2, rvQuote, "Të saktësohet menyja.", "ushqim të shëndetshëm dhe të larmishëm")
	must(t, r.api("POST", commentPath(cid, "/decision"), r.editor, map[string]any{"decision": "accepted", "reason": "Pranohet për qartësi."}), 200)
	must(t, r.api("POST", commentPath(cid, "/replies"), r.editor, map[string]any{"body": "Do ta shqyrtojmë."}), 201)
	later := must(t, r.api("GET", docPath(r.id, "/versions/2"), r.editor, nil), 200).object(t)

	// Tracked changes: the later version's author, accept and reject.
	res := must(t, r.api("GET", docPath(r.id, "/diff?from=1&to=2&format=docx"), r.reviewer, nil), 200)
	checkDocx(t, res, "v1-v2.docx")
	if doc := docxPart(t, res.Body, "word/document.xml"); !strings.Contains(doc, `w:author="`+later["author"].(string)+`"`) {
		t.Errorf("the tracked changes are not by the later version's author %v", later["author"])
	}
	accepted := docxtest.PandocRead(t, res.Body, "plain", "--track-changes=accept")
	rejected := docxtest.PandocRead(t, res.Body, "plain", "--track-changes=reject")
	if !strings.Contains(accepted, "ditore dhe çerdheve për") || strings.Contains(accepted, "publike dhe") || !strings.Contains(accepted, "Shfuqizimi") {
		t.Errorf("accepting all gives:\n%s", accepted)
	}
	if strings.Contains(rejected, "çerdheve") || !strings.Contains(rejected, "ditore, publike dhe private") || strings.Contains(rejected, "Shfuqizimi") {
		t.Errorf("rejecting all gives:\n%s", rejected)
	}

	// The comparative table: landscape, four columns, the reason, in the
	// document's language.
	res = must(t, r.api("GET", docPath(r.id, "/diff?from=1&to=2&view=table&round=1&format=docx"), r.editor, nil), 200)
	checkDocx(t, res, "v1-v2%20tabela%20krahasuese.docx")
	doc := docxPart(t, res.Body, "word/document.xml")
	if !strings.Contains(doc, `<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>`) || strings.Count(doc, "<w:gridCol ") != 4 {
		t.Errorf("the comparative table is not a four-column table on landscape pages")
	}
	// API.md names the same download format=table-docx.
	if named := must(t, r.api("GET", docPath(r.id, "/diff?from=1&to=2&round=1&format=table-docx"), r.editor, nil), 200); docxPart(t, named.Body, "word/document.xml") != doc {
		t.Errorf("format=table-docx is not the comparative table of format=docx&view=table")
	}
	pdf := strings.Join(strings.Fields(docxtest.PDFText(t, res.Body)), " ")
	for _, want := range []string{"Arsyetimi", "Pranohet për qartësi.", "Të saktësohet menyja.", "çerdheve", "Neni 4 – Shfuqizimi"} {
		if !strings.Contains(pdf, want) {
			t.Errorf("LibreOffice's reading of the comparative table lacks %q:\n%s", want, pdf)
		}
	}

	// The report, in the document's language (sq).
	res = must(t, r.api("GET", docPath(r.id, "/rounds/1/report?format=docx"), r.editor, nil), 200)
	checkDocx(t, res, ".docx")
	md := docxtest.PandocRead(t, res.Body, "markdown")
	for _, want := range []string{"Raporti i konsultimit", "Periudha e konsultimit", "E pranuar", "Pranohet për qartësi.", "Do ta shqyrtojmë.",
		"Të saktësohet menyja.", "ushqim të shëndetshëm dhe të larmishëm", "Rregullore për qendrat ditore"} {
		if !strings.Contains(md, want) {
			t.Errorf("pandoc's reading of the report lacks %q:\n%s", want, md)
		}
	}
	if s := docxPart(t, res.Body, "word/styles.xml"); !strings.Contains(s, `w:lang w:val="sq-AL"`) {
		t.Errorf("the report is not in Albanian")
	}

	// Who may not read the redline or the report may not download them.
	for _, p := range []string{"/diff?from=1&to=2&format=docx", "/diff?from=1&to=2&view=table&format=docx", "/rounds/1/report?format=docx"} {
		if res := r.api("GET", docPath(r.id, p), r.outsider, nil); res.Status != http.StatusNotFound {
			t.Errorf("outsider GET %s: %s", p, res)
		}
	}

	// The pages link to them.
	b := r.browser()
	b.login("arta", userPassword, "/")
	for _, c := range []struct{ page, id, href string }{
		{"/documents/" + itoa(r.id) + "/diff?from=1&to=2", "diff-docx", "/documents/" + itoa(r.id) + "/diff?from=1&to=2&format=docx"},
		{"/documents/" + itoa(r.id) + "/diff?from=1&to=2&view=table", "diff-docx", "/documents/" + itoa(r.id) + "/diff?from=1&to=2&view=table&format=docx"},
		{"/documents/" + itoa(r.id) + "/rounds/1/report", "report-docx", "?format=docx"},
	} {
		link := byID(parseHTML(t, must(t, b.get(c.page), 200).Body), c.id)
		if link == nil || attr(link, "href") != c.href {
			t.Errorf("%s: no Word link to %s", c.page, c.href)
			continue
		}
		href := c.href
		if strings.HasPrefix(href, "?") {
			href = c.page + href
		}
		checkDocx(t, must(t, b.get(href), 200), ".docx")
	}
}

// docxPart returns a part of a .docx.
func docxPart(t *testing.T, file []byte, name string) string {
	t.Helper()
	p, err := docx.Open(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatalf("not a .docx: %v", err)
	}
	rc, err := p.Part(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
