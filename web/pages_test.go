package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestLoginCookie(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user("drita", "editor")
	b := e.browser()

	r := must(t, b.get("/login"), 200)
	checkPageHeaders(t, "/login", r)
	doc := parseHTML(t, r.Body)
	form := find(doc, func(n *html.Node) bool { return isElem(n, "form") && attr(n, "action") == "/login" })
	if form == nil || !strings.EqualFold(attr(form, "method"), "post") {
		t.Fatal("no login form posting to /login")
	}
	for _, name := range []string{"login", "password", "next"} {
		if find(form, func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == name }) == nil {
			t.Errorf("login form has no %q input", name)
		}
	}

	// A wrong password: the form again, no cookie.
	r = b.post("/login", url.Values{"login": {"drita"}, "password": {"wrong-password"}, "csrf_token": {b.loginToken()}})
	if r.Status != 401 || b.session() != "" {
		t.Errorf("bad login: status %d, cookie %q", r.Status, b.session())
	}

	r = b.login("drita", userPassword, "")
	if loc := r.Header.Get("Location"); loc != "/documents" {
		t.Errorf("login redirects to %q", loc)
	}
	var cookie *http.Cookie
	for _, c := range r.Cookies {
		if c.Name == "pd_session" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value == "" {
		t.Fatal("login set no pd_session cookie")
	}
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" {
		t.Errorf("cookie HttpOnly=%v SameSite=%v Path=%q", cookie.HttpOnly, cookie.SameSite, cookie.Path)
	}
	must(t, b.get("/documents"), 200)
}

// TestSessionRenewedAtLogin: every login makes a new session id and ends the
// one the browser held, so a planted or stolen id dies at the next login.
func TestSessionRenewedAtLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user("drita", "editor")
	b := e.browser()
	b.login("drita", userPassword, "")
	first := b.session()
	b.login("drita", userPassword, "")
	second := b.session()
	if first == "" || second == "" || first == second {
		t.Fatalf("session ids %q then %q", first, second)
	}
	must(t, b.get("/documents"), 200)

	old := e.browser()
	old.setSession(first)
	r := must(t, old.get("/documents"), http.StatusSeeOther)
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
		t.Errorf("old session redirects to %q", loc)
	}
	// The audit log says the second login ended the first session.
	replaced := 0
	for _, en := range must(t, e.api("GET", "/api/v1/audit?limit=100", e.admin, nil), 200).object(t)["entries"].([]any) {
		if m := en.(map[string]any); m["action"] == "session.replace" && m["actor"] == "drita" {
			replaced++
		}
	}
	if replaced != 1 {
		t.Errorf("%d session.replace entries for drita, want 1", replaced)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user("drita", "editor")
	b := e.browser()
	b.login("drita", userPassword, "")
	value := b.session()
	token := b.csrf("/documents")

	// Logging out is a state change: it needs the token too.
	must(t, b.post("/logout", nil), 403)
	must(t, b.get("/documents"), 200)

	r := must(t, b.post("/logout", url.Values{"csrf_token": {token}}), http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/login" {
		t.Errorf("logout redirects to %q", loc)
	}
	if b.session() != "" {
		t.Errorf("cookie still set after logout")
	}
	replay := e.browser()
	replay.setSession(value)
	r = must(t, replay.get("/documents"), http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/login?next=%2Fdocuments" {
		t.Errorf("old cookie redirects to %q", loc)
	}
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.doc(e.admin, "Rregullore", "internal", twoArticles)
	b := e.browser()
	b.login("admin", adminPassword, "")
	token := b.csrf("/documents/" + itoa(id))

	settings := "/documents/" + itoa(id) + "/settings"
	for _, c := range []struct {
		name string
		form url.Values
	}{
		{"no token", url.Values{"title": {"Hijacked"}}},
		{"wrong token", url.Values{"title": {"Hijacked"}, "csrf_token": {"x" + token}}},
		{"empty token", url.Values{"title": {"Hijacked"}, "csrf_token": {""}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := e.counts(id)
			must(t, b.post(settings, c.form), 403)
			if after := e.counts(id); after != before {
				t.Errorf("wrote something: %+v → %+v", before, after)
			}
			if title := must(t, e.api("GET", docPath(id, ""), e.admin, nil), 200).object(t)["title"]; title != "Rregullore" {
				t.Errorf("title = %v", title)
			}
		})
	}
	// Creating a document, saving a version and adding a user are refused alike.
	before := e.counts(id)
	must(t, b.post("/documents/new", url.Values{"title": {"X"}, "kind": {"sop"}, "language": {"en"}, "body": {"x"}}), 403)
	must(t, b.post("/documents/"+itoa(id)+"/edit", url.Values{"base": {"1"}, "body": {"x"}}), 403)
	must(t, b.post("/users", url.Values{"login": {"mallory"}, "role": {"admin"}, "password": {userPassword}}), 403)
	if after := e.counts(id); after != before {
		t.Errorf("wrote something: %+v → %+v", before, after)
	}

	r := must(t, b.post(settings, url.Values{"title": {"Rregullore e re"}, "csrf_token": {token}}), http.StatusSeeOther)
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/documents/"+itoa(id)) {
		t.Errorf("redirect to %q", loc)
	}
	if title := must(t, e.api("GET", docPath(id, ""), e.admin, nil), 200).object(t)["title"]; title != "Rregullore e re" {
		t.Errorf("title = %v", title)
	}

	// The preview API through the cookie wants the header.
	preview := func(header string) resp {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/preview", strings.NewReader(`{"body":"## Neni 1\n\nTekst"}`))
		req.Header.Set("Content-Type", "application/json")
		if header != "" {
			req.Header.Set("X-CSRF-Token", header)
		}
		return b.do(req)
	}
	if code := checkError(t, must(t, preview(""), 403)); code != "forbidden" {
		t.Errorf("code %q", code)
	}
	must(t, preview("wrong"), 403)
	got := must(t, preview(token), 200).object(t)
	if h, _ := got["html"].(string); !strings.Contains(h, `id="art-1"`) {
		t.Errorf("preview = %v", got)
	}
}

func TestAnonymousPagesRedirectToLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.doc(e.admin, "Rregullore", "internal", twoArticles)
	b := e.browser()
	for _, path := range []string{"/documents", "/documents/" + itoa(id), "/documents/" + itoa(id) + "/edit",
		"/documents/" + itoa(id) + "/versions/1", "/documents/new", "/users", "/audit", "/documents?kind=sop"} {
		r := must(t, b.get(path), http.StatusSeeOther)
		checkPageHeaders(t, path, r)
		if loc, want := r.Header.Get("Location"), "/login?next="+url.QueryEscape(path); loc != want {
			t.Errorf("%s redirects to %q, want %q", path, loc, want)
		}
	}
	// And the next parameter brings the user back, but only to this site.
	for next, want := range map[string]string{
		"/documents/" + itoa(id): "/documents/" + itoa(id),
		"//evil.example":         "/documents",
		"/\\evil.example":        "/documents",
		"https://evil.example/":  "/documents",
		"":                       "/documents",
	} {
		r := e.browser().login("admin", adminPassword, next)
		if loc := r.Header.Get("Location"); loc != want {
			t.Errorf("next=%q redirects to %q, want %q", next, loc, want)
		}
	}
}

func TestLibraryPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("drita", "editor")
	e.doc(ed, "Rregullore A", "internal", "tekst")
	must(t, e.api("POST", "/api/v1/documents", ed, map[string]string{"title": "SOP B", "kind": "sop", "language": "en", "body": "text"}), 201)
	must(t, e.api("POST", "/api/v1/documents", ed, map[string]string{"title": "Protokol C", "kind": "protocol", "language": "sr", "body": "tekst"}), 201)
	b := e.browser()
	b.login("drita", userPassword, "")

	titles := func(path string) []string {
		t.Helper()
		r := must(t, b.get(path), 200)
		checkPageHeaders(t, path, r)
		doc := parseHTML(t, r.Body)
		var out []string
		for _, a := range findAll(doc, func(n *html.Node) bool {
			return isElem(n, "a") && strings.HasPrefix(attr(n, "href"), "/documents/") && find(n.Parent, tagged("a")) == n && isElem(n.Parent, "td")
		}) {
			out = append(out, textOf(a))
		}
		return out
	}
	for _, c := range []struct {
		query string
		want  string
	}{
		{"", "Protokol C|SOP B|Rregullore A"},
		{"?kind=sop", "SOP B"},
		{"?language=sr", "Protokol C"},
		{"?kind=regulation&language=sq", "Rregullore A"},
		{"?status=adopted", ""},
	} {
		if got := strings.Join(titles("/documents"+c.query), "|"); got != c.want {
			t.Errorf("/documents%s lists %q, want %q", c.query, got, c.want)
		}
	}
	// The filter form keeps the chosen values.
	doc := parseHTML(t, must(t, b.get("/documents?kind=sop"), 200).Body)
	sel := find(doc, func(n *html.Node) bool { return isElem(n, "select") && attr(n, "name") == "kind" })
	opt := find(sel, func(n *html.Node) bool { return isElem(n, "option") && hasAttr(n, "selected") })
	if opt == nil || attr(opt, "value") != "sop" {
		t.Errorf("kind filter does not show sop selected")
	}
}

func TestDocumentPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("drita", "editor")
	id := e.doc(ed, "Rregullore për qendrat ditore", "internal", twoArticles)
	b := e.browser()
	b.login("drita", userPassword, "")
	page := "/documents/" + itoa(id)

	r := must(t, b.get(page), 200)
	checkPageHeaders(t, page, r)
	doc := parseHTML(t, r.Body)
	h1 := find(doc, tagged("h1"))
	if h1 == nil || textOf(h1) != "Rregullore për qendrat ditore" {
		t.Errorf("title not shown")
	}
	rendered := byID(doc, "rendered")
	if rendered == nil {
		t.Fatal("no #rendered text")
	}
	outline := find(doc, func(n *html.Node) bool { return isElem(n, "aside") && strings.Contains(attr(n, "class"), "outline") })
	links := findAll(outline, func(n *html.Node) bool { return isElem(n, "a") && strings.HasPrefix(attr(n, "href"), "#") })
	if len(links) != 2 {
		t.Fatalf("outline has %d links, want 2", len(links))
	}
	for _, a := range links {
		target := strings.TrimPrefix(attr(a, "href"), "#")
		if n := byID(rendered, target); n == nil || !strings.HasPrefix(textOf(n), textOf(a)[:len("Neni 1")]) {
			t.Errorf("outline link %q (%q) has no matching anchor in the text", attr(a, "href"), textOf(a))
		}
	}
	rows := func(doc *html.Node) int {
		table := byID(doc, "versions")
		if table == nil {
			t.Fatal("no #versions table")
		}
		return len(findAll(find(table, tagged("tbody")), tagged("tr")))
	}
	if n := rows(doc); n != 1 {
		t.Errorf("%d version rows, want 1", n)
	}

	// The editor holds the head text and its number.
	edit := page + "/edit"
	r = must(t, b.get(edit), 200)
	checkPageHeaders(t, edit, r)
	doc = parseHTML(t, r.Body)
	form := byID(doc, "editor-form")
	area := byID(doc, "body")
	if form == nil || area == nil || !isElem(area, "textarea") || textOf(area) != twoArticles {
		t.Fatalf("editor textarea#body does not hold the head text")
	}
	base := find(form, func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == "base" })
	if base == nil || attr(base, "type") != "hidden" || attr(base, "value") != "1" {
		t.Fatalf("editor has no hidden base 1")
	}
	csrf := find(form, func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == "csrf_token" })
	token := attr(csrf, "value")

	// Saving through the form makes version 2 (CRLF from the browser becomes LF).
	v2 := strings.Replace(twoArticles, "përcakton rregullat", "përcakton rregullat dhe procedurat", 1)
	r = must(t, b.post(edit, url.Values{"csrf_token": {token}, "base": {"1"}, "body": {strings.ReplaceAll(v2, "\n", "\r\n")}, "message": {"Neni 1"}}), http.StatusSeeOther)
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, page) {
		t.Errorf("save redirects to %q", loc)
	}
	got := must(t, e.api("GET", docPath(id, "/versions/2"), ed, nil), 200).object(t)
	if got["body"] != v2 || got["message"] != "Neni 1" {
		t.Errorf("version 2 = %v", got)
	}
	if n := rows(parseHTML(t, must(t, b.get(page), 200).Body)); n != 2 {
		t.Errorf("%d version rows, want 2", n)
	}

	// A stale save: 409 and the conflict page with the merge in the editor,
	// based on the head so that saving it again works.
	mine := strings.Replace(twoArticles, "të gjitha institucionet", "të gjitha institucionet publike", 1)
	before := e.counts(id)
	r = must(t, b.post(edit, url.Values{"csrf_token": {token}, "base": {"1"}, "body": {mine}, "message": {"Neni 2"}}), http.StatusConflict)
	checkPageHeaders(t, edit, r)
	if after := e.counts(id); after != before {
		t.Errorf("a conflict wrote something: %+v → %+v", before, after)
	}
	doc = parseHTML(t, r.Body)
	area = byID(doc, "body")
	merged := ""
	if area != nil {
		merged = textOf(area)
	}
	if !isElem(area, "textarea") || !strings.Contains(merged, "rregullat dhe procedurat") || !strings.Contains(merged, "institucionet publike") {
		t.Errorf("conflict page textarea#body = %q", merged)
	}
	if byID(doc, "merge-clean") == nil {
		t.Errorf("a clean merge is not announced")
	}
	form = byID(doc, "editor-form")
	base = find(form, func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == "base" })
	if base == nil || attr(base, "type") != "hidden" || attr(base, "value") != "2" {
		t.Errorf("conflict form base is not the head 2")
	}
	must(t, b.post(edit, url.Values{"csrf_token": {token}, "base": {attr(base, "value")}, "body": {merged}}), http.StatusSeeOther)
	if h := must(t, e.api("GET", docPath(id, ""), ed, nil), 200).object(t)["head"]; h != 3.0 {
		t.Errorf("head after merged save = %v", h)
	}

	// An old version.
	old := page + "/versions/1"
	r = must(t, b.get(old), 200)
	checkPageHeaders(t, old, r)
	doc = parseHTML(t, r.Body)
	if byID(doc, "old-version") == nil {
		t.Errorf("version 1 page does not say it is old")
	}
	if txt := textOf(byID(doc, "rendered")); !strings.Contains(txt, "Version 1") || strings.Contains(txt, "procedurat") {
		t.Errorf("version 1 page shows %q", txt)
	}
	must(t, b.get(page+"/versions/9"), 404)
	must(t, b.get("/documents/9999"), 404)
}

func TestAdminPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, role := range []string{"editor", "staff", "reviewer"} {
		e.user(role+"1", role)
	}
	admin := e.browser()
	admin.login("admin", adminPassword, "")
	for _, path := range []string{"/users", "/audit"} {
		r := must(t, admin.get(path), 200)
		checkPageHeaders(t, path, r)
		if find(parseHTML(t, r.Body), func(n *html.Node) bool { return isElem(n, "table") }) == nil {
			t.Errorf("%s has no table", path)
		}
	}
	for _, role := range []string{"editor", "staff", "reviewer"} {
		b := e.browser()
		b.login(role+"1", userPassword, "")
		for _, path := range []string{"/users", "/audit"} {
			r := must(t, b.get(path), 403)
			checkPageHeaders(t, path, r)
			doc := parseHTML(t, r.Body)
			if h1 := find(doc, tagged("h1")); h1 == nil || textOf(h1) != "Forbidden" {
				t.Errorf("%s as %s: not the 403 page", path, role)
			}
			if find(doc, tagged("table")) != nil {
				t.Errorf("%s as %s shows a table", path, role)
			}
		}
		// Nor may they add a user through the form.
		token := b.csrf("/documents")
		before := e.counts(0)
		must(t, b.post("/users", url.Values{"csrf_token": {token}, "login": {"mallory"}, "role": {"admin"}, "password": {userPassword}}), 403)
		if after := e.counts(0); after != before {
			t.Errorf("wrote something: %+v → %+v", before, after)
		}
	}
}

// xssBody holds the classic ways to smuggle script into Markdown.
const xssBody = "## Neni 1\n\n<script>alert(1)</script>\n\n" +
	"[a](javascript:alert(1)) [b](&#106;avascript:alert(1)) [c](JaVaScRiPt:alert(1))\n\n" +
	"<img src=x onerror=alert(1)>\n\n" +
	"![d](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)\n\n" +
	"[ok](https://example.org/) [mail](mailto:a@example.org) [rel](/documents)\n"

// checkSafe fails on any script but our own static one, any event handler
// attribute, any URL outside http, https and mailto, and embedding elements.
func checkSafe(t testing.TB, what string, doc *html.Node) {
	t.Helper()
	for _, n := range findAll(doc, func(n *html.Node) bool { return n.Type == html.ElementNode }) {
		switch n.Data {
		case "script":
			if !strings.HasPrefix(attr(n, "src"), "/static/") || n.FirstChild != nil {
				t.Errorf("%s: foreign script element (src %q)", what, attr(n, "src"))
			}
		case "iframe", "object", "embed", "frame", "base":
			t.Errorf("%s: %s element", what, n.Data)
		}
		for _, a := range n.Attr {
			key := strings.ToLower(a.Key)
			if strings.HasPrefix(key, "on") {
				t.Errorf("%s: <%s %s=%q>", what, n.Data, a.Key, a.Val)
			}
			switch key {
			case "href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "background":
				u, err := url.Parse(strings.TrimSpace(a.Val))
				if err != nil {
					t.Errorf("%s: <%s %s=%q> does not parse", what, n.Data, a.Key, a.Val)
					continue
				}
				switch strings.ToLower(u.Scheme) {
				case "", "http", "https", "mailto":
				default:
					t.Errorf("%s: <%s %s=%q>", what, n.Data, a.Key, a.Val)
				}
			}
		}
	}
}

func TestRenderedTextIsSafe(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := must(t, e.api("POST", "/api/v1/documents", e.admin, map[string]string{
		"title": "<script>alert(2)</script>", "kind": "regulation", "language": "sq", "body": xssBody}), 201)
	id := int64(r.object(t)["id"].(float64))
	b := e.browser()
	b.login("admin", adminPassword, "")

	pages := map[string]resp{}
	for _, path := range []string{"/documents", "/documents/" + itoa(id), "/documents/" + itoa(id) + "/versions/1", "/documents/" + itoa(id) + "/edit", "/audit"} {
		pages[path] = must(t, b.get(path), 200)
	}
	pages["api html"] = must(t, e.api("GET", docPath(id, "/versions/1/html"), e.admin, nil), 200)
	pages["preview"] = must(t, e.api("POST", "/api/v1/preview", e.admin, map[string]string{"body": xssBody}), 200)
	pages["preview"] = resp{Body: []byte(pages["preview"].object(t)["html"].(string))}
	for what, r := range pages {
		doc := parseHTML(t, r.Body)
		checkSafe(t, what, doc)
		if what == "api html" || what == "preview" {
			if find(doc, tagged("script")) != nil {
				t.Errorf("%s: script element in the rendered text", what)
			}
			// The harmless links survive.
			for _, href := range []string{"https://example.org/", "mailto:a@example.org", "/documents"} {
				if find(doc, func(n *html.Node) bool { return isElem(n, "a") && attr(n, "href") == href }) == nil {
					t.Errorf("%s: link %q was lost", what, href)
				}
			}
		}
	}
	doc := parseHTML(t, pages["/documents/"+itoa(id)].Body)
	if h1 := find(doc, tagged("h1")); h1 == nil || textOf(h1) != "<script>alert(2)</script>" {
		t.Errorf("title is not shown as text")
	}
}
