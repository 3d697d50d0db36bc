package web_test

import (
	"testing"

	"policydesk/review/docx/docxtest"
)

// TestImportPagesInAlbanianAndSerbian: the upload forms, the preview with
// its notes and a refused file, in sq then sr — no English word in any.
func TestImportPagesInAlbanianAndSerbian(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.doc(e.admin, "Rregullore", "internal", "## Neni 1\n\nTekst.")
	data := docxtest.PandocWrite(t, importFixture+"\nShih[^1].\n\n[^1]: Shënim.\n", "markdown")
	for _, lang := range []string{"sq", "sr"} {
		must(t, e.api("PATCH", "/api/v1/users/me", e.admin, map[string]string{"language": lang}), 200)
		b := e.adminBrowser()
		checkNoEnglish(t, lang, "/documents/import", must(t, b.get("/documents/import"), 200).Body)
		checkNoEnglish(t, lang, "/documents/{id}/import", must(t, b.get(docPathPage(id)+"/import"), 200).Body)
		csrf := b.csrf("/documents/import")
		r := must(t, b.postMultipart("/documents/import", field("csrf_token", csrf), field("kind", "regulation"),
			field("language", "sq"), file("Rregullore.docx", data)), 200)
		checkNoEnglish(t, lang, "the import preview", r.Body)
		r = must(t, b.postMultipart(docPathPage(id)+"/import", field("csrf_token", csrf), field("base", "1"), file("Rregullore.docx", data)), 200)
		checkNoEnglish(t, lang, "the version import preview", r.Body)
		r = must(t, b.postMultipart("/documents/import", field("csrf_token", csrf), file("x.docx", []byte("jo Word"))), 422)
		checkNoEnglish(t, lang, "a refused Word file", r.Body)
	}
	if docs, versions := importCounts(t, e, e.admin, id); docs != 1 || versions != 1 {
		t.Errorf("previews saved: %d documents, %d versions", docs, versions)
	}
}
