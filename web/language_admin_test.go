package web_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// englishInText is each of englishWords that text holds as a whole word,
// apart from those the language shares with English.
func englishInText(lang, text string) []string {
	var out []string
	for _, w := range englishWords {
		if strings.Contains(strings.Join(allowed[lang], " "), w) {
			continue
		}
		if regexp.MustCompile(`(^|[^\pL])` + regexp.QuoteMeta(w) + `($|[^\pL])`).MatchString(text) {
			out = append(out, w)
		}
	}
	return out
}

// withoutAuditDetails is the page without the audit table's Detail cells:
// a detail is text stored when the entry was written (a file's size, a
// role, the client's address), kept as it was, not a sentence of the page.
func withoutAuditDetails(t *testing.T, body []byte) []byte {
	t.Helper()
	doc := parseHTML(t, body)
	if table := byID(doc, "audit"); table != nil {
		for _, row := range findAll(table, tagged("tr")) {
			cells := findAll(row, tagged("td"))
			if len(cells) == 5 {
				row.RemoveChild(cells[4])
			}
		}
	}
	var out bytes.Buffer
	if err := html.Render(&out, doc); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestAdminPagesInAlbanianAndSerbian fetches the users page, the indexing
// page with an attachment set aside, the audit log (plain, filtered, a
// refused filter) and its CSV export as an admin who chose sq, then sr:
// no English word in what the pages show (the extractor's reason is marked
// lang="en"; entries' stored details are left out), and in the CSV the
// headings and the actions in words are in the language while the
// identifier column keeps the stored identifiers.
func TestAdminPagesInAlbanianAndSerbian(t *testing.T) {
	t.Parallel()
	e := newIndexingEnv(t)
	e.user("besa", "reviewer")
	e.setAsideAttachment(t)
	phrases := map[string]map[string]string{"sq": {"document.create": "Dokumenti u krijua"}, "sr": {"document.create": "Dokument napravljen"}}
	for _, lang := range []string{"sq", "sr"} {
		must(t, e.api("PATCH", "/api/v1/users/me", e.admin, map[string]string{"language": lang}), 200)
		b := e.browser()
		b.setSession(e.admin)
		for _, p := range []struct {
			path   string
			status int
		}{
			{"/users", 200}, {"/users?notice=user-created", 200}, {"/admin/indexing", 200}, {"/audit", 200},
			{"/audit?action=document.create&user=admin", 200}, {"/audit?action=no.such", 422}, {"/audit?from=32.13.2026", 422},
		} {
			body := must(t, b.get(p.path), p.status).Body
			checkNoEnglish(t, lang, p.path, withoutAuditDetails(t, body))
			if p.path == "/admin/indexing" && !strings.Contains(string(body), "loop.pdf") {
				t.Errorf("%s: the indexing page does not show the set-aside attachment", lang)
			}
		}
		records := readCSV(t, must(t, b.get("/audit?format=csv&action=document.create"), 200), "audit-log.csv")
		if len(records) != 2 || records[1][4] != "document.create" || records[1][3] != phrases[lang]["document.create"] {
			t.Fatalf("%s CSV = %q, want one document.create entry in words", lang, records)
		}
		if en := englishInText(lang, strings.Join(records[0], " | ")+" | "+records[1][3]); len(en) > 0 {
			t.Errorf("%s CSV: English %q in the headings or actions: %q", lang, en, records)
		}
		action := find(parseHTML(t, must(t, b.get("/audit?action=document.create"), 200).Body), func(n *html.Node) bool {
			return isElem(n, "td") && attr(n, "title") == "document.create"
		})
		if action == nil || textOf(action) != phrases[lang]["document.create"] {
			t.Errorf("%s: the audit page's action cell is %v, want %q", lang, action, phrases[lang]["document.create"])
		}
	}
}
