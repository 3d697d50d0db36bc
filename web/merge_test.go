package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// mergeBase has three articles; mergeTheirs and mergeMine both change the
// first two differently (two conflicts), and mine also the third.
const (
	mergeBase   = "# Rregullore\n\n## Neni 1\n\nOrari 08:00–16:00.\n\n## Neni 2\n\nAfati 30 ditë.\n\n## Neni 3\n\nHyn në fuqi.\n"
	mergeTheirs = "# Rregullore\n\n## Neni 1\n\nOrari 09:00–17:00.\n\n## Neni 2\n\nAfati 60 ditë.\n\n## Neni 3\n\nHyn në fuqi.\n"
	mergeMine   = "# Rregullore\n\n## Neni 1\n\nOrari 07:30–16:00.\n\n## Neni 2\n\nAfati 15 ditë.\n\n## Neni 3\n\nHyn në fuqi menjëherë.\n"
	// mergeSettled is mine's first wording, their second, and mine's third article.
	mergeSettled = "# Rregullore\n\n## Neni 1\n\nOrari 07:30–16:00.\n\n## Neni 2\n\nAfati 60 ditë.\n\n## Neni 3\n\nHyn në fuqi menjëherë.\n"
)

// mergeForm is the merge page's form as a browser would post it.
func mergeForm(t *testing.T, doc *html.Node) url.Values {
	t.Helper()
	form := byID(doc, "merge-form")
	if form == nil {
		t.Fatal("the page has no #merge-form")
	}
	v := url.Values{}
	for _, in := range findAll(form, func(n *html.Node) bool { return isElem(n, "input") || isElem(n, "textarea") }) {
		switch {
		case attr(in, "type") == "radio":
			if hasAttr(in, "checked") {
				v.Set(attr(in, "name"), attr(in, "value"))
			}
		case isElem(in, "textarea"):
			v.Set(attr(in, "name"), textOf(in))
		default:
			v.Set(attr(in, "name"), attr(in, "value"))
		}
	}
	return v
}

// TestMergePage: a save onto a version someone else changed in the same
// places shows each conflict as the two wordings with a choice, in plain
// words; the server rebuilds the merge from what is posted, refuses a
// conflict left unsettled (or settled with markers, or a made-up choice)
// beside that conflict with every choice kept, saves exactly the chosen
// text, and a head that moved again is a merge of its own.
func TestMergePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("drita", "editor")
	e.user("arben", "editor")
	id := e.doc(ed, "Rregullore", "internal", mergeBase)
	e.share(ed, id, "arben", "editor")
	arben := e.login("arben", userPassword)
	must(t, e.api("POST", docPath(id, "/versions"), arben, map[string]any{"base": 1, "body": mergeTheirs, "message": "Orari dhe afati sipas Ministrisë"}), 201)

	b := e.browser()
	b.login("drita", userPassword, "")
	page := "/documents/" + itoa(id)
	token := b.csrf(page + "/edit")
	r := must(t, b.post(page+"/edit", url.Values{"csrf_token": {token}, "base": {"1"}, "body": {mergeMine}, "message": {"Neni 3"}}), http.StatusConflict)
	doc := parseHTML(t, r.Body)
	text := textOf(find(doc, tagged("main")))
	for _, want := range []string{"version 2 was saved by ARBEN", "Orari dhe afati sipas Ministrisë", "Your wording", "Their wording (version 2, saved by ARBEN at",
		"The earlier version you started from (version 1)", "2 conflicts left"} {
		if !strings.Contains(text, want) {
			t.Errorf("the merge page does not say %q", want)
		}
	}
	for _, git := range []string{"<<<<<<<", ">>>>>>>", "|||||||", "base"} {
		if strings.Contains(text, git) {
			t.Errorf("the merge page speaks git: %q", git)
		}
	}
	if a := byID(doc, "their-changes"); a == nil || attr(a, "href") != page+"/diff?from=1&to=2" {
		t.Errorf("no link to what they changed")
	}
	conflicts := findAll(doc, func(n *html.Node) bool { return isElem(n, "fieldset") && attr(n, "class") == "conflict" })
	if len(conflicts) != 2 {
		t.Fatalf("%d conflicts shown, want 2", len(conflicts))
	}
	// The differing words are marked, the time as one unit.
	var dels, inss []string
	for _, n := range findAll(conflicts[0], tagged("del")) {
		dels = append(dels, textOf(n))
	}
	for _, n := range findAll(conflicts[0], tagged("ins")) {
		inss = append(inss, textOf(n))
	}
	if strings.Join(dels, "|") != "07:30|16:00" || strings.Join(inss, "|") != "09:00|17:00" {
		t.Errorf("marked as yours only %q, as theirs only %q; want 07:30|16:00 and 09:00|17:00", dels, inss)
	}
	form := mergeForm(t, doc)
	if form.Get("mine") != mergeMine || form.Get("base") != "1" || form.Get("head") != "2" || form.Get("message") != "Neni 3" {
		t.Fatalf("the form does not carry the editor's text and versions: %v", form)
	}

	before := e.counts(id)
	refused := func(form url.Values, conflict, message string, kept ...string) {
		t.Helper()
		r := must(t, b.post(page+"/merge", form), http.StatusUnprocessableEntity)
		if after := e.counts(id); after != before {
			t.Errorf("a refused merge wrote something")
		}
		doc := parseHTML(t, r.Body)
		msg := byID(doc, conflict+"-error")
		if msg == nil || !strings.Contains(textOf(msg), message) {
			t.Errorf("no message %q beside %s", message, conflict)
		}
		again := mergeForm(t, doc)
		for _, k := range append(kept, "mine", "base", "head", "message", "choice-0", "text-1") {
			if again.Get(k) != form.Get(k) {
				t.Errorf("%s was %q, shown again as %q", k, form.Get(k), again.Get(k))
			}
		}
	}
	form.Set("choice-0", "mine")
	refused(form, "conflict-1", "Choose a wording for this conflict", "choice-1")
	form.Set("choice-1", "both")
	refused(form, "conflict-1", "is not a way to settle a conflict")
	form.Set("choice-1", "edit")
	form.Set("text-1", "<<<<<<< your version\nAfati 45 ditë.\n")
	refused(form, "conflict-1", "still holds the line", "choice-1")

	// A made-up version to merge onto is an error page, not a merge.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("head", "7")
	must(t, b.post(page+"/merge", bad), http.StatusUnprocessableEntity)

	// Someone saves again (another part): the settled text is merged onto it.
	third := strings.Replace(mergeTheirs, "# Rregullore", "# Rregullore për orarin", 1)
	must(t, e.api("POST", docPath(id, "/versions"), arben, map[string]any{"base": 2, "body": third, "message": "Titulli"}), 201)
	form.Set("choice-1", "theirs")
	r = must(t, b.post(page+"/merge", form), http.StatusConflict)
	doc = parseHTML(t, r.Body)
	if n := byID(doc, "merge-clean"); n == nil || !strings.Contains(textOf(n), "ARBEN’s (version 3) touch different parts") {
		t.Fatalf("the second merge is not announced as clean")
	}
	want := strings.Replace(mergeSettled, "# Rregullore", "# Rregullore për orarin", 1)
	if got := textOf(byID(doc, "body")); got != want {
		t.Fatalf("the clean merge in the editor = %q, want %q", got, want)
	}
	must(t, b.post(page+"/edit", url.Values{"csrf_token": {token}, "base": {"3"}, "body": {want}, "message": {"Neni 3"}}), http.StatusSeeOther)
	got := must(t, e.api("GET", docPath(id, "/versions/4"), ed, nil), 200).object(t)
	if got["body"] != want {
		t.Errorf("version 4 = %q, want %q", got["body"], want)
	}
}

// TestMergePageSaves: settling one conflict each way saves exactly that
// text onto the version saved first.
func TestMergePageSaves(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("drita", "editor")
	id := e.doc(ed, "Rregullore", "internal", mergeBase)
	must(t, e.api("POST", docPath(id, "/versions"), ed, map[string]any{"base": 1, "body": mergeTheirs}), 201)
	b := e.browser()
	b.login("drita", userPassword, "")
	page := "/documents/" + itoa(id)
	token := b.csrf(page + "/edit")
	r := must(t, b.post(page+"/edit", url.Values{"csrf_token": {token}, "base": {"1"}, "body": {mergeMine}, "message": {"Neni 3"}}), http.StatusConflict)
	form := mergeForm(t, parseHTML(t, r.Body))
	form.Set("choice-0", "mine")
	form.Set("choice-1", "edit")
	form.Set("text-1", "Afati 45 ditë.\r\n")
	r = must(t, b.post(page+"/merge", form), http.StatusSeeOther)
	want := strings.Replace(mergeSettled, "Afati 60 ditë.", "Afati 45 ditë.", 1)
	got := must(t, e.api("GET", docPath(id, "/versions/3"), ed, nil), 200).object(t)
	if got["body"] != want || got["message"] != "Neni 3" {
		t.Errorf("version 3 = %q (%q), want %q", got["body"], got["message"], want)
	}
}
