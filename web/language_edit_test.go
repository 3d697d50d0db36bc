package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// editEnglishWords are the words of the editor, merge and search pages that
// englishWords (language_pages_test.go) does not list.
var editEnglishWords = []string{"Preview", "preview", "wording", "Conflict", "conflict", "conflicts", "Keep", "Create",
	"Cancel", "merged", "Merged", "result", "results", "Nothing", "Year", "Attachment", "While", "Someone", "lines",
	"Your", "Their", "changed", "More", "diacritics", "First draft", "What", "needs", "Choose", "unresolved"}

// uiLangBody is the page with the lang attribute dropped wherever it is the
// page's own language: the merge page marks its sentences beside the
// document's text with the interface's language, and checkNoEnglish skips
// every element with a lang. The document's text (lang sq) stays skipped
// on a page in sr and is checked on one in sq, where it is Albanian; what
// the user typed (a textarea) stays skipped.
func uiLangBody(t *testing.T, body []byte, lang string) []byte {
	t.Helper()
	doc := parseHTML(t, body)
	for _, n := range findAll(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data != "html" && n.Data != "textarea" }) {
		n.Attr = slices.DeleteFunc(n.Attr, func(a html.Attribute) bool { return a.Key == "lang" && a.Val == lang })
	}
	var buf bytes.Buffer
	if err := html.Render(&buf, doc); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkEditPage is checkNoEnglish with the edit area's words too, for the
// page's text and its <title>.
func checkEditPage(t *testing.T, lang, what string, body []byte) {
	t.Helper()
	body = uiLangBody(t, body, lang)
	// DUMP_EDIT=1 logs each page's visible text, for a translator to read.
	if os.Getenv("DUMP_EDIT") != "" {
		t.Logf("%s %s: %s", lang, what, strings.Join(strings.Fields(visibleText(parseHTML(t, body))), " "))
	}
	checkNoEnglish(t, lang, what, body)
	doc := parseHTML(t, body)
	text := visibleText(doc) + " " + textOf(find(doc, tagged("title")))
	for _, w := range append(editEnglishWords, "Edit", "Search", "New document") {
		if regexp.MustCompile(`(^|[^\pL])` + regexp.QuoteMeta(w) + `($|[^\pL])`).MatchString(text) {
			t.Errorf("%s %s: English %q in the page or its title: %s", lang, what, w, strings.Join(strings.Fields(text), " "))
		}
	}
}

// checkPluralForms: a script's plural sentences (JSON of CLDR category →
// sentence with {n}) have every form the language has, each with the count.
func checkPluralForms(t *testing.T, lang, what string, forms map[string]string) {
	t.Helper()
	want := map[string][]string{"sq": {"one", "other"}, "sr": {"few", "one", "other"}}[lang]
	var got []string
	for k, v := range forms {
		got = append(got, k)
		if !strings.Contains(v, "{n}") {
			t.Errorf("%s %s: the %s form %q has no {n}", lang, what, k, v)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("%s %s: plural forms %v, want %v", lang, what, got, want)
	}
}

// TestEditPagesInAlbanianAndSerbian fetches the new-document page, the
// editor (also with a refused text), the merge page with conflicts (a 409
// save, then a refused settlement), the merge page of a clean merge, and
// the search page (empty, with hits and facets, with nothing found) as a
// user who chose sq, then sr: no English word in what they show or in
// their titles, and the sentences the scripts redraw (plural forms of
// "N conflicts left" and "N results", the facet names and labels) are in
// that language too.
func TestEditPagesInAlbanianAndSerbian(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	ed := e.user("drita", "editor")
	e.user("arben", "editor")
	id := e.doc(ed, "Rregullore për qendrat ditore", "internal", mergeBase)
	e.share(ed, id, "arben", "editor")
	arben := e.login("arben", userPassword)
	must(t, e.api("POST", docPath(id, "/versions"), arben, map[string]any{"base": 1, "body": mergeTheirs, "message": "Orari dhe afati sipas Ministrisë"}), 201)
	e.drain()
	page := "/documents/" + itoa(id)
	// Only Neni 3 changed since version 1: that merges cleanly onto version 2.
	clean := strings.Replace(mergeBase, "Hyn në fuqi.", "Hyn në fuqi menjëherë.", 1)

	for _, lang := range []string{"sq", "sr"} {
		must(t, e.api("PATCH", "/api/v1/users/me", ed, map[string]string{"language": lang}), 200)
		b := e.browser()
		b.login("drita", userPassword, "")
		for _, p := range []string{"/documents/new", page + "/edit", "/search", "/search?q=qendrat", "/search?q=qendrat&kind=regulation", "/search?q=zxqwvj"} {
			checkEditPage(t, lang, p, must(t, b.get(p), 200).Body)
		}
		csrf := b.csrf("/documents/new")
		checkEditPage(t, lang, "refused new document", b.post("/documents/new", url.Values{"csrf_token": {csrf}, "title": {""},
			"kind": {"regulation"}, "language": {"sq"}, "visibility": {"internal"}, "body": {"x"}}).Body)

		r := must(t, b.post(page+"/edit", url.Values{"csrf_token": {csrf}, "base": {"1"}, "body": {mergeMine}, "message": {"Neni 3"}}), http.StatusConflict)
		checkEditPage(t, lang, "merge page", r.Body)
		doc := parseHTML(t, r.Body)
		var left map[string]string
		if err := json.Unmarshal([]byte(attr(byID(doc, "conflicts-left"), "data-left")), &left); err != nil {
			t.Fatalf("%s: the merge page's data-left: %v", lang, err)
		}
		checkPluralForms(t, lang, "conflicts left", left)
		form := mergeForm(t, doc)
		form.Set("choice-0", "mine")
		refused := must(t, b.post(page+"/merge", form), 422).Body
		checkEditPage(t, lang, "refused merge", refused)
		if msg := byID(parseHTML(t, refused), "conflict-1-error"); msg == nil || textOf(msg) == "" {
			t.Errorf("%s: the refused merge says nothing beside the conflict left open", lang)
		}
		marked := mergeBase + "\n<<<<<<< your version\nA\n=======\nB\n>>>>>>> saved version\n"
		checkEditPage(t, lang, "text with a conflict marker", must(t, b.post(page+"/edit", url.Values{"csrf_token": {csrf},
			"base": {"2"}, "body": {marked}}), 422).Body)
		r = must(t, b.post(page+"/edit", url.Values{"csrf_token": {csrf}, "base": {"1"}, "body": {clean}, "message": {"Neni 3"}}), http.StatusConflict)
		checkEditPage(t, lang, "clean merge page", r.Body)

		doc = parseHTML(t, must(t, b.get("/search?q=qendrat"), 200).Body)
		if len(findAll(doc, tagged("article"))) == 0 || len(findAll(byID(doc, "facets"), tagged("h2"))) == 0 {
			t.Fatalf("%s: the search for qendrat shows no hit or no facet, so its words were not checked", lang)
		}
		var strs struct {
			Results map[string]string `json:"results"`
			Facets  map[string]string `json:"facets"`
			Comment string            `json:"comment"`
		}
		if err := json.Unmarshal([]byte(textOf(byID(doc, "search-strings"))), &strs); err != nil {
			t.Fatalf("%s: #search-strings: %v", lang, err)
		}
		checkPluralForms(t, lang, "results", strs.Results)
		var labels map[string]map[string]string
		if err := json.Unmarshal([]byte(attr(byID(doc, "facets"), "data-labels")), &labels); err != nil {
			t.Fatalf("%s: the facets' data-labels: %v", lang, err)
		}
		script := strings.Join([]string{strs.Facets["kind"], strs.Facets["year"], strs.Comment, labels["kind"]["regulation"], labels["status"]["draft"], labels["language"]["en"]}, " | ")
		for _, w := range []string{"Kind", "Year", "Comment", "Regulation", "Draft", "English"} {
			if strings.Contains(script, w) {
				t.Errorf("%s: the search script would show English %q: %s", lang, w, script)
			}
		}
	}
}
