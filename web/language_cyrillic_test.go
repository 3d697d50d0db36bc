package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"policydesk/cyrillic"
)

// latinWord is a word in Latin script with what belongs to it (UTF-8,
// SHA-256, JavaScript-a).
var latinWord = regexp.MustCompile(`[\p{Latin}][\p{Latin}\p{Cyrillic}0-9_]*(?:-[\p{Latin}0-9]+)*`)

// checkCyrillic fails for each Latin word of the page's visible text that
// is none of the tokens Serbian Cyrillic keeps in Latin (user content is
// left out by visibleText), and when <html lang> is not sr-Cyrl.
func checkCyrillic(t *testing.T, what string, body []byte) {
	t.Helper()
	doc := parseHTML(t, body)
	if h := find(doc, tagged("html")); h == nil || attr(h, "lang") != "sr-Cyrl" {
		t.Errorf("sr-Cyrl %s: <html lang=%q>", what, attr(h, "lang"))
	}
	text := visibleText(doc)
	allowed := append(slices.Clone(cyrillic.Latin), "Policy", "Desk", "JavaScript", "Markdown")
	// What the test's users wrote, shown where the page does not mark it
	// with a lang (library rows, round names, version messages, logins,
	// file names).
	allowed = append(allowed, "Uredba", "o", "dnevnim", "centrima", "Član", "Konsultacije", "Dopuna", "Prvi", "nacrt",
		"drita", "besa", "plan", "txt", "no-such-page")
	// Still Latin in every language's page, not from the catalogs: the
	// version label v1/v2, and the date inputs' dd.mm.yyyy hint (kept
	// Latin, as it has y).
	allowed = append(allowed, "v1", "v2", "dd", "mm", "yyyy")
	for _, w := range latinWord.FindAllString(text, -1) {
		if !slices.Contains(allowed, w) && !regexp.MustCompile(`^[A-Z0-9-]{2,}$`).MatchString(w) {
			t.Errorf("sr-Cyrl %s: Latin %q in the page: %s", what, w, strings.Join(strings.Fields(text), " "))
		}
	}
	if !regexp.MustCompile(`\p{Cyrillic}{4,}`).MatchString(text) {
		t.Errorf("sr-Cyrl %s: no Cyrillic text in the page", what)
	}
}

// TestPagesInSerbianCyrillic fetches the pages in Serbian Cyrillic — the
// login page chosen by Accept-Language, then as a user who saved sr-Cyrl:
// the library, a document with a round, attachment and versions, an
// earlier version, a notice, the password page and a refused form, the
// error pages — and finds no Latin word but the allowed names and
// abbreviations, and a document's Serbian text as it was written.
func TestPagesInSerbianCyrillic(t *testing.T) {
	t.Parallel()
	e := newAttachmentEnv(t, 0)
	ed := e.user("drita", "editor")
	e.user("besa", "reviewer")
	r := must(t, e.api("POST", "/api/v1/documents", ed, map[string]string{"title": "Uredba o dnevnim centrima",
		"kind": "regulation", "language": "sr", "visibility": "restricted", "body": "# Član 1\n\nOva uredba važi od danas.\n", "message": "Prvi nacrt"}), 201)
	id := int64(r.object(t)["id"].(float64))
	must(t, e.api("POST", docPath(id, "/versions"), ed, map[string]any{"base": 1, "body": "# Član 1\n\nOva uredba važi od sutra.\n", "message": "Dopuna"}), 201)
	must(t, e.api("POST", docPath(id, "/rounds"), ed, map[string]any{"version": 2, "name": "Konsultacije"}), 201)
	e.share(ed, id, "besa", "reviewer")
	must(t, e.upload(ed, id, "plan.txt", []byte("plan rada")), 201)
	page := "/documents/" + itoa(id)

	anon := e.browser()
	req, _ := http.NewRequest("GET", e.srv.URL+"/login", nil)
	req.Header.Set("Accept-Language", "sr-Cyrl-RS,sr;q=0.8")
	checkCyrillic(t, "login page", must(t, anon.do(req), 200).Body)

	must(t, e.api("PATCH", "/api/v1/users/me", ed, map[string]string{"language": "sr-Cyrl"}), 200)
	b := e.browser()
	b.login("drita", userPassword, "")
	for _, p := range translatedPages(page) {
		checkCyrillic(t, p.path, must(t, b.get(p.path), p.status).Body)
	}
	csrf := b.csrf("/account/password")
	refused := b.post("/account/password", url.Values{"csrf_token": {csrf}, "current_password": {userPassword},
		"new_password": {"a-new-password-1"}, "repeat_password": {"another-one-2"}})
	checkCyrillic(t, "refused password change", must(t, refused, 422).Body)

	// The document's text is read as written, in Latin script.
	if body := string(must(t, b.get(page), 200).Body); !strings.Contains(body, "Ova uredba važi od sutra.") || !strings.Contains(body, "Uredba o dnevnim centrima") {
		t.Error("the Serbian document's text is not shown as written")
	}
}

// TestLanguageMenuCyrillic: the menu offers sq, sr, sr-Cyrl and en in that
// order; the Cyrillic choice reads СР and is named Српски (ћирилица), the
// Latin one stays SR.
func TestLanguageMenuCyrillic(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user("drita", "editor")
	b := e.browser()
	b.login("drita", userPassword, "")
	menu := byID(parseHTML(t, must(t, b.get("/documents"), 200).Body), "language-menu")
	var got []string
	for _, n := range findAll(menu, func(n *html.Node) bool { return isElem(n, "button") }) {
		got = append(got, attr(n, "value")+"="+strings.Join(strings.Fields(textOf(n)), " "))
	}
	want := []string{"sq=SQ Shqip", "sr=SR Srpski", "sr-Cyrl=СР Српски (ћирилица)", "en=EN English"}
	if !slices.Equal(got, want) {
		t.Errorf("menu %q, want %q", got, want)
	}
	csrf := b.csrf("/documents")
	must(t, b.post("/account/language", url.Values{"csrf_token": {csrf}, "language": {"sr-Cyrl"}, "return": {"/documents"}}), 303)
	doc := parseHTML(t, must(t, b.get("/documents"), 200).Body)
	if lang := attr(find(doc, tagged("html")), "lang"); lang != "sr-Cyrl" {
		t.Errorf("after choosing sr-Cyrl from the menu the page is %q", lang)
	}
}

// TestAcceptLanguageCyrillic: sr-Cyrl and sr-Cyrl-RS choose the Cyrillic
// interface; sr, sr-RS and sr-Latn keep the Latin one, Kosovo's default.
func TestAcceptLanguageCyrillic(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for header, want := range map[string]string{
		"sr-Cyrl": "sr-Cyrl", "sr-Cyrl-RS": "sr-Cyrl", "de,sr-Cyrl;q=0.5": "sr-Cyrl",
		"sr": "sr", "sr-RS": "sr", "sr-Latn": "sr",
	} {
		req, _ := http.NewRequest("GET", e.srv.URL+"/login", nil)
		req.Header.Set("Accept-Language", header)
		r := must(t, e.browser().do(req), 200)
		if lang := attr(find(parseHTML(t, r.Body), tagged("html")), "lang"); lang != want || r.Header.Get("Content-Language") != want {
			t.Errorf("Accept-Language %q: <html lang=%q>, Content-Language %q, want %s", header, lang, r.Header.Get("Content-Language"), want)
		}
	}
}

// TestAPIErrorsInSerbianCyrillic: a user who saved sr-Cyrl reads the API's
// error messages in Cyrillic, with API names in quotes as they are.
func TestAPIErrorsInSerbianCyrillic(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("drita", "editor")
	must(t, e.api("PATCH", "/api/v1/users/me", ed, map[string]string{"language": "sr-Cyrl"}), 200)
	for _, c := range []struct {
		body any
		want string
	}{
		{map[string]any{"language": "de"}, `Језик мора бити "sq" (албански), "sr" (српски), "sr-Cyrl" (српски, ћирилица) или "en" (енглески), а не "de".`},
		{`[1]`, "Тело захтева мора бити JSON објекат, а не низ."},
	} {
		r := e.api("PATCH", "/api/v1/users/me", ed, c.body)
		var body struct{ Error struct{ Message string } }
		if json.Unmarshal(r.Body, &body) != nil || body.Error.Message != c.want || r.Header.Get("Content-Language") != "sr-Cyrl" {
			t.Errorf("%v: %s (Content-Language %q), want message %q", c.body, r, r.Header.Get("Content-Language"), c.want)
		}
	}
}
