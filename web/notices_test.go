package web_test

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// banners returns the texts of the page's green notices (role="status").
func banners(t testing.TB, r resp) []string {
	t.Helper()
	var out []string
	for _, n := range findAll(parseHTML(t, r.Body), func(n *html.Node) bool {
		return hasClass(n, "notice") && attr(n, "role") == "status"
	}) {
		out = append(out, strings.TrimSpace(textOf(n)))
	}
	return out
}

// TestNoticesAreServerChosen checks that a banner shows only a sentence the
// server chose for a code: any other ?notice= text shows nothing, and every
// redirect that announces something sends a code.
func TestNoticesAreServerChosen(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("drita", "editor")
	id := e.doc(ed, "Rregullore", "internal", twoArticles)
	page := "/documents/" + itoa(id)
	b := e.browser()
	b.login("drita", userPassword, "")

	for query, want := range map[string]string{
		"?notice=" + url.QueryEscape("Your account is suspended: log in at evil.example"): "",
		"?notice=" + url.QueryEscape("<b>saved</b>"):                                      "",
		"?notice=Saved":                   "",
		"?notice=saved":                   "Changes saved.",
		"?notice=version-saved&version=1": "Version 1 saved.",
		"?notice=version-saved&version=7": "Your version was saved.",
		"?notice=version-saved&version=" + url.QueryEscape("1 was deleted, call 555"): "Your version was saved.",
		"?notice=attached": "The file was attached.",
	} {
		got := banners(t, must(t, b.get(page+query), 200))
		switch {
		case want == "" && len(got) != 0:
			t.Errorf("%s: banner %q, want none", query, got)
		case want != "" && (len(got) != 1 || got[0] != want):
			t.Errorf("%s: banners %q, want %q", query, got, want)
		}
	}

	// Saving through the editor redirects with a code, and the page names
	// the new version.
	csrf := b.csrf(page + "/edit")
	r := must(t, b.post(page+"/edit", url.Values{"csrf_token": {csrf}, "base": {"1"},
		"body": {twoArticles + "\nShtesë.\n"}}), 303)
	loc := r.Header.Get("Location")
	if want := page + "?notice=version-saved&version=2"; loc != want {
		t.Errorf("save redirects to %q, want %q", loc, want)
	}
	if got := banners(t, must(t, b.get(loc), 200)); len(got) != 1 || got[0] != "Version 2 saved." {
		t.Errorf("after saving: banners %q", got)
	}
	r = must(t, b.post(page+"/settings", url.Values{"csrf_token": {csrf}, "status": {"in_review"}}), 303)
	if loc := r.Header.Get("Location"); loc != page+"?notice=saved" {
		t.Errorf("settings redirect to %q", loc)
	}

	// The users page, for an admin.
	admin := e.browser()
	admin.login("admin", adminPassword, "")
	if got := banners(t, must(t, admin.get("/users?notice=hacked"), 200)); len(got) != 0 {
		t.Errorf("users page shows %q for an unknown code", got)
	}
	csrf = admin.csrf("/users")
	r = must(t, admin.post("/users", url.Values{"csrf_token": {csrf}, "login": {"besa"}, "name": {"Besa"},
		"password": {userPassword}, "role": {"reviewer"}}), 303)
	if got := banners(t, must(t, admin.get(r.Header.Get("Location")), 200)); len(got) != 1 || got[0] != "User created." {
		t.Errorf("after creating a user: banners %q (redirect %q)", got, r.Header.Get("Location"))
	}
}
