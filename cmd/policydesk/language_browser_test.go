package main

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// pageLanguage reads <html lang>, the main heading and the navigation's
// first link, where the browser is.
func pageLanguage(ctx context.Context, t *testing.T) (lang, h1, nav, path string) {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`({
		lang: document.documentElement.lang,
		h1: (document.querySelector("main h1, main h2") || {}).textContent || "",
		nav: (document.querySelector("header nav a") || {}).textContent || "",
		path: location.pathname})`))
	if err != nil {
		t.Fatal(err)
	}
	return got["lang"], strings.TrimSpace(got["h1"]), strings.TrimSpace(got["nav"]), got["path"]
}

// chooseLanguage clicks a language in the header's menu and waits for the
// page it returns to.
func chooseLanguage(ctx context.Context, t *testing.T, lang string) {
	t.Helper()
	clickAndLoad(ctx, t, `#language-menu button[value="`+lang+`"]`)
}

// TestBrowserLanguageMenu: a user switches the interface from English to
// Albanian with the menu in the header, stays on the page they were on,
// which now speaks Albanian (<html lang="sq">); after logging out and in
// again the choice holds; Serbian likewise, on a phone-sized screen too.
func TestBrowserLanguageMenu(t *testing.T) {
	srv := startServer(t, "")
	admin := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	admin.call(t, http.MethodPost, "/api/v1/users", map[string]string{"login": "mira", "name": "Mira Hoti",
		"role": "editor", "password": editorPassword}, nil)
	mira := loginAPI(t, srv.URL, "mira", editorPassword)
	doc := mira.createDocument(t, "Rregullore për qendrat ditore", "# Rregullore\n\n## Neni 1 – Qëllimi\n\nTeksti.\n")
	ctx := newBrowser(t)
	shots := screenshotDir(t)
	browserLogin(ctx, t, srv.URL, "mira", editorPassword)

	if lang, h1, nav, _ := pageLanguage(ctx, t); lang != "en" || h1 != "Documents" || nav != "Documents" {
		t.Fatalf("before choosing: lang %q, heading %q, nav %q", lang, h1, nav)
	}
	docPage := "/documents/" + strconv.FormatInt(doc.ID, 10)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(srv.URL+docPage),
		chromedp.WaitVisible(chromedp.CSS("#language-menu"))); err != nil {
		t.Fatal(err)
	}
	chooseLanguage(ctx, t, "sq")
	lang, _, nav, path := pageLanguage(ctx, t)
	if lang != "sq" || nav != "Dokumentet" || path != docPage {
		t.Errorf("after choosing Shqip: lang %q, nav %q, at %s (want sq, Dokumentet, %s)", lang, nav, path, docPage)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("aside.side")))
	if err != nil || !strings.Contains(text, "Raundet e shqyrtimit") || strings.Contains(text, "Review rounds") {
		t.Errorf("the document's side in Albanian: %q, %v", text, err)
	}
	saveScreenshot(ctx, t, shots, "language-sq-document-1366.png")

	clickAndLoad(ctx, t, `form.logout button[type="submit"]`)
	browserLogin(ctx, t, srv.URL, "mira", editorPassword)
	if lang, h1, nav, _ := pageLanguage(ctx, t); lang != "sq" || h1 != "Dokumentet" || nav != "Dokumentet" {
		t.Errorf("after a new login: lang %q, heading %q, nav %q, want Albanian", lang, h1, nav)
	}

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(srv.URL+"/documents?kind=regulation"),
		chromedp.WaitVisible(chromedp.CSS("#language-menu"))); err != nil {
		t.Fatal(err)
	}
	chooseLanguage(ctx, t, "sr")
	lang, h1, nav, _ := pageLanguage(ctx, t)
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if u, _ := url.Parse(loc); lang != "sr" || h1 != "Dokumenti" || nav != "Dokumenti" || u == nil || u.RawQuery != "kind=regulation" {
		t.Errorf("after choosing Srpski: lang %q, heading %q, nav %q, at %s", lang, h1, nav, loc)
	}
	saveScreenshot(ctx, t, shots, "language-sr-library-390.png")
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+docPage), chromedp.WaitVisible(chromedp.CSS("#language-menu"))); err != nil {
		t.Fatal(err)
	}
	saveScreenshot(ctx, t, shots, "language-sr-document-390.png")
	var me meJSON
	mira.call(t, http.MethodGet, "/api/v1/users/me", nil, &me)
	if me.Language != "sr" {
		t.Errorf("the API says mira chose %q, want sr", me.Language)
	}
}
