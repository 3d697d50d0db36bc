package web_test

import (
	"net/http"
	"strings"
	"testing"

	"policydesk/drafts/docx/docxtest"
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
