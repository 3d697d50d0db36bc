package web_test

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// reportWords are words of the consultation report in each language: its
// heading, column headings, article label, decisions, the round's status,
// due date and counts, for a round due 31.12.2026 with one accepted and
// one undecided comment on Article 1.
var reportWords = map[string][]string{
	"sq": {"Raporti i konsultimit", "Neni, paragrafi", "Vendimi", "Arsyeja", "Neni 1", "E pranuar", "Ende pa vendim",
		"i hapur", "afati për komente 31.12.2026", "2 kontribute", "1 ende pa përgjigje"},
	"sr": {"Izveštaj o konsultacijama", "Član, stav", "Odluka", "Obrazloženje", "Član 1", "Prihvaćeno", "Još nije odlučeno",
		"otvoren", "rok za komentare 31.12.2026", "2 doprinosa", "1 još bez odgovora"},
	"en": {"Consultation report", "Article, paragraph", "Decision", "Reason", "Article 1", "Accepted", "Not yet decided",
		"open", "comments due 31.12.2026", "2 contributions", "1 not yet answered"},
}

// reportDocs are a one-article regulation in each language and words of
// it a reviewer comments on.
var reportDocs = map[string][2]string{
	"sq": {rvTitle + rvArt1, rvQuote},
	"sr": {"# Pravilnik o dnevnim centrima\n\n## Član 1 – Svrha\n\n1. Ovaj pravilnik utvrđuje način rada dnevnih centara.\n" +
		"1.2. Svaki centar obezbeđuje zdravu ishranu za svako dete.\n", "zdravu ishranu"},
	"en": {"# Regulation on day care centres\n\n## Article 1 – Purpose\n\n1. This regulation sets how day care centres work.\n" +
		"1.2. Every centre provides healthy food for every child.\n", "healthy food"},
}

// TestReportInDocumentLanguage: the consultation report — headings,
// columns, article labels, decisions, the round's status and counts — is
// in the document's language whoever reads it, inside a section that says
// so with lang; the page around it (<html lang>, the header, the links to
// download and print) is in the reader's. An Albanian document read in
// English says "Neni", a Serbian one read in Albanian "Član", an English
// one read in Serbian "Article"; the API's HTML report is the same.
func TestReportInDocumentLanguage(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	chrome := map[string]string{"sq": "Shkarkoni CSV", "sr": "Preuzmite CSV", "en": "Download CSV"}
	for _, c := range []struct{ doc, reader string }{{"sq", "en"}, {"sr", "sq"}, {"en", "sr"}} {
		id, _ := r.reportRound(c.doc)
		path := "/documents/" + itoa(id) + "/rounds/1/report"
		must(t, r.api("PATCH", "/api/v1/users/me", r.editor, map[string]string{"language": c.reader}), 200)
		b := r.browser()
		b.login("arta", userPassword, "")
		pages := map[string][]byte{"page": must(t, b.get(path), 200).Body,
			"API": must(t, r.api("GET", docPath(id, "/rounds/1/report?format=html"), r.editor, nil), 200).Body}
		for via, body := range pages {
			what := c.doc + " document read in " + c.reader + " (" + via + ")"
			if c.reader != "en" {
				checkNoEnglish(t, c.reader, what, body) // the chrome; the section has a lang
			}
			doc := parseHTML(t, body)
			if h := find(doc, tagged("html")); attr(h, "lang") != c.reader {
				t.Errorf("%s: <html lang=%q>", what, attr(h, "lang"))
			}
			if crumbs := find(doc, func(n *html.Node) bool { return hasClass(n, "crumbs") }); crumbs == nil ||
				!strings.Contains(textOf(crumbs), chrome[c.reader]) {
				t.Errorf("%s: the links above the report are not in the reader's language", what)
			}
			section := find(doc, func(n *html.Node) bool { return hasClass(n, "report-body") })
			if section == nil || attr(section, "lang") != c.doc || byID(section, "report") == nil {
				t.Fatalf("%s: no section lang=%q holding table#report", what, c.doc)
			}
			checkReportWords(t, what, c.doc, section)
		}
	}
}

// checkReportWords fails unless the report's section shows every word of
// lang's report and no heading or label of the other two languages, and,
// for sq and sr, no English word.
func checkReportWords(t *testing.T, what, lang string, section *html.Node) {
	t.Helper()
	var sb strings.Builder
	for c := section.FirstChild; c != nil; c = c.NextSibling {
		sb.WriteString(visibleText(c)) // leaves out the document's title and texts
	}
	text := strings.Join(strings.Fields(sb.String()), " ")
	for _, w := range reportWords[lang] {
		if !strings.Contains(text, w) {
			t.Errorf("%s: the report lacks %q: %s", what, w, text)
		}
	}
	for other, words := range reportWords {
		for _, w := range words[:5] {
			if other != lang && strings.Contains(text, w) {
				t.Errorf("%s: the report says %q (%s): %s", what, w, other, text)
			}
		}
	}
	if lang == "en" {
		return
	}
	for _, w := range englishWords {
		if regexp.MustCompile(`(^|[^\pL])` + regexp.QuoteMeta(w) + `($|[^\pL])`).MatchString(text) {
			t.Errorf("%s: English %q in the report: %s", what, w, text)
		}
	}
}

// reportRound creates a document in lang shared with the reviewer, opens
// round 1 on it due 31.12.2026, and has the reviewer make two comments on
// Article 1, the first accepted, with a suggestion; it returns the
// document's id and the first comment's.
func (r *reviewEnv) reportRound(lang string) (int64, int64) {
	r.t.Helper()
	res := must(r.t, r.api("POST", "/api/v1/documents", r.editor, map[string]string{
		"title": "Report " + lang, "kind": "regulation", "language": lang, "visibility": "internal", "body": reportDocs[lang][0]}), 201)
	d := &reviewEnv{env: r.env, id: int64(res.object(r.t)["id"].(float64)), editor: r.editor, reviewer: r.reviewer}
	r.share(r.editor, d.id, "vjosa", "reviewer")
	round := d.openRound(1)
	quote := reportDocs[lang][1]
	cid := d.comment(round, 1, quote, "+1", quote+"!")
	d.comment(round, 1, quote, "?", nil)
	must(r.t, r.api("POST", commentPath(cid, "/decision"), r.editor, map[string]any{"decision": "accepted"}), 200)
	return d.id, cid
}
