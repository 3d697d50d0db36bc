package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// englishWords must not appear in the visible text of a page in Albanian
// or Serbian (whole words, case as written).
var englishWords = []string{
	"Save", "Comment", "Comments", "Search", "Version", "Versions", "Document", "Documents", "Log out", "Log in",
	"Login", "Password", "Edit", "Delete", "delete", "Upload", "Attachments", "Articles", "Review", "Round",
	"Kind", "Language", "Title", "Details", "Share", "Shared", "Filter", "Updated", "Back", "Change", "Current",
	"Open", "Restore", "Compare", "Skip", "Main", "Role", "owner", "remove", "report", "due", "shown", "Users",
	"Audit", "New", "reopen", "close", "the", "and", "Status", "Visibility", "Not Found", "Forbidden",
	"Wrong", "saved", "restricted", "internal", "editor", "reviewer", "Regulation", "Draft", "There is nothing",
	"Only", "can", "not", "You", "you", "found", "Nobody", "attachments",
}

// allowed are English-looking words a language shares with English.
var allowed = map[string][]string{"sr": {"Status"}}

// visibleText is what a reader of the page meets: its text and the
// attributes shown or read aloud (placeholders, labels, titles, the phone
// layout's data-label). User content is left out: elements marked with a
// lang (titles and texts of documents), version messages, the user's name
// and the lists of users' names a field suggests (datalist).
func visibleText(n *html.Node) string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.Data == "script" || n.Data == "style" || n.Data == "code" || n.Data == "title":
				return
			case n.Data == "datalist": // suggestions of users' names and logins: user content
				return
			case hasAttr(n, "lang") && n.Data != "html", hasClass(n, "message"), hasClass(n, "who"):
				return
			}
			for _, a := range []string{"placeholder", "aria-label", "title", "data-label", "alt"} {
				sb.WriteString(" " + attr(n, a) + " ")
			}
		}
		if n.Type == html.TextNode {
			sb.WriteString(" " + n.Data + " ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return sb.String()
}

// checkNoEnglish fails for each English word in the page's visible text,
// and when <html lang> is not lang.
func checkNoEnglish(t *testing.T, lang, what string, body []byte) {
	t.Helper()
	doc := parseHTML(t, body)
	if h := find(doc, tagged("html")); h == nil || attr(h, "lang") != lang {
		t.Errorf("%s %s: <html lang=%q>", lang, what, attr(h, "lang"))
	}
	text := visibleText(doc)
	for _, w := range englishWords {
		if strings.Contains(strings.Join(allowed[lang], " "), w) {
			continue
		}
		if regexp.MustCompile(`(^|[^\pL])` + regexp.QuoteMeta(w) + `($|[^\pL])`).MatchString(text) {
			t.Errorf("%s %s: English %q in the page: %s", lang, what, w, strings.Join(strings.Fields(text), " "))
		}
	}
}

// TestPagesInAlbanianAndSerbian fetches the translated pages — login, the
// library, a document with a round, attachment, versions and members, an
// earlier version, a notice, the password page with a refused form, the
// error pages — as a user who chose sq, then sr, and finds no English word
// in what the page shows, and <html lang> set to the language.
func TestPagesInAlbanianAndSerbian(t *testing.T) {
	t.Parallel()
	e := newAttachmentEnv(t, 0)
	ed := e.user("drita", "editor")
	e.user("besa", "reviewer")
	r := must(t, e.api("POST", "/api/v1/documents", ed, map[string]string{"title": "Rregullore për qendrat ditore",
		"kind": "regulation", "language": "sq", "visibility": "restricted", "body": twoArticles, "message": "Drafti i parë"}), 201)
	id := int64(r.object(t)["id"].(float64))
	must(t, e.api("POST", docPath(id, "/versions"), ed, map[string]any{"base": 1, "body": twoArticles + "\nShtesë.\n", "message": "Plotësim"}), 201)
	must(t, e.api("POST", docPath(id, "/rounds"), ed, map[string]any{"version": 2, "name": "Konsultimi"}), 201)
	e.share(ed, id, "besa", "reviewer")
	must(t, e.upload(ed, id, "plani.txt", []byte("plani i punës")), 201)
	page := "/documents/" + itoa(id)

	for _, lang := range []string{"sq", "sr"} {
		anon := e.browser()
		req, _ := http.NewRequest("GET", e.srv.URL+"/login", nil)
		req.Header.Set("Accept-Language", lang+",en;q=0.5")
		checkNoEnglish(t, lang, "login page", must(t, anon.do(req), 200).Body)
		req, _ = http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(url.Values{"login": {"drita"},
			"password": {"wrong-password-1"}, "csrf_token": {anon.loginToken()}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept-Language", lang)
		checkNoEnglish(t, lang, "refused login", must(t, anon.do(req), 401).Body)

		must(t, e.api("PATCH", "/api/v1/users/me", ed, map[string]string{"language": lang}), 200)
		b := e.browser()
		b.login("drita", userPassword, "")
		for _, p := range translatedPages(page) {
			checkNoEnglish(t, lang, p.path, must(t, b.get(p.path), p.status).Body)
		}
		csrf := b.csrf("/account/password")
		refused := b.post("/account/password", url.Values{"csrf_token": {csrf}, "current_password": {userPassword},
			"new_password": {"a-new-password-1"}, "repeat_password": {"another-one-2"}})
		checkNoEnglish(t, lang, "refused password change", must(t, refused, 422).Body)
	}
}

// TestLanguageMenuForm: the header's menu is a plain form (no script
// needed) that saves the choice and returns to the page it was on; a
// language that is none of the three, a return address off the site or a
// missing CSRF token change nothing.
func TestLanguageMenuForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user("drita", "editor")
	b := e.browser()
	b.login("drita", userPassword, "")
	doc := parseHTML(t, must(t, b.get("/documents?kind=mou"), 200).Body)
	menu := byID(doc, "language-menu")
	if menu == nil || attr(menu, "method") != "post" || attr(menu, "action") != "/account/language" {
		t.Fatal("the page has no language menu form")
	}
	ret := find(menu, func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == "return" })
	buttons := findAll(menu, func(n *html.Node) bool { return isElem(n, "button") && attr(n, "name") == "language" })
	if ret == nil || attr(ret, "value") != "/documents?kind=mou" || len(buttons) != 4 {
		t.Fatalf("the menu returns to %q with %d buttons", attr(ret, "value"), len(buttons))
	}
	csrf := b.csrf("/documents")
	lang := func() string {
		return attr(find(parseHTML(t, must(t, b.get("/documents"), 200).Body), tagged("html")), "lang")
	}

	r := must(t, b.post("/account/language", url.Values{"csrf_token": {csrf}, "language": {"sr"}, "return": {"/documents?kind=mou"}}), 303)
	if loc := r.Header.Get("Location"); loc != "/documents?kind=mou" || lang() != "sr" {
		t.Errorf("after choosing sr: back to %q, the page is %s", loc, lang())
	}
	r = must(t, b.post("/account/language", url.Values{"csrf_token": {csrf}, "language": {"sq"}, "return": {"//evil.example/"}}), 303)
	if loc := r.Header.Get("Location"); loc != "/documents" || lang() != "sq" {
		t.Errorf("a return off the site: sent to %q, the page is %s", loc, lang())
	}
	must(t, b.post("/account/language", url.Values{"csrf_token": {csrf}, "language": {"de"}}), 422)
	must(t, b.post("/account/language", url.Values{"language": {"en"}}), 403)
	if lang() != "sq" {
		t.Errorf("after refused choices the page is %s, want sq", lang())
	}
}

// translatedPage is a page the language tests fetch, with its status.
type translatedPage struct {
	path   string
	status int
}

// translatedPages are the pages a drafter meets around the document at
// page, error pages included, that the language tests read in each
// language.
func translatedPages(page string) []translatedPage {
	return []translatedPage{
		{"/documents", 200}, {page, 200}, {page + "?notice=version-saved&version=2", 200}, {page + "/versions/1", 200},
		{"/account/password", 200}, {"/documents/99999", 404}, {"/no-such-page", 404}, {"/users", 403},
	}
}
