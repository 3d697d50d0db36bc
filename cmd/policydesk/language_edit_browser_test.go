package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// evalString is the JavaScript expression's value where the browser is.
func evalString(ctx context.Context, t *testing.T, expr string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return strings.TrimSpace(s)
}

// TestBrowserEditPagesInSerbian: for an expert who chose Serbian, what the
// scripts draw is Serbian too: the merge page's count of conflicts left in
// each plural form as they are settled (2 nerešena sukoba, 1 nerešen
// sukob, then all settled), and the search page's results, count and facet
// names drawn while typing. Screenshots at 1366 and 390 px.
func TestBrowserEditPagesInSerbian(t *testing.T) {
	srv := startServer(t, "")
	ctx := newBrowser(t)
	shots := screenshotDir(t)
	admin := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	for _, u := range []struct{ login, name string }{{"arta", "Arta Krasniqi"}, {"besa", "Besa Gashi"}} {
		admin.call(t, "POST", "/api/v1/users", map[string]string{"login": u.login, "name": u.name, "password": editorPassword, "role": "editor"}, nil)
	}
	arta := loginAPI(t, srv.URL, "arta", editorPassword)
	besa := loginAPI(t, srv.URL, "besa", editorPassword)
	besa.call(t, "PATCH", "/api/v1/users/me", map[string]string{"language": "sr"}, nil)
	doc := arta.createDocument(t, "Rregullore për Qendrat Ditore", mergeV1)
	docPath := fmt.Sprintf("/documents/%d", doc.ID)
	arta.call(t, "PUT", "/api/v1"+docPath+"/members/besa", map[string]string{"role": "editor"}, nil)

	browserLogin(ctx, t, srv.URL, "besa", editorPassword)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(srv.URL+docPath+"/edit"),
		chromedp.WaitVisible(chromedp.CSS("textarea#body"))); err != nil {
		t.Fatalf("opening the editor: %v", err)
	}
	saveScreenshot(ctx, t, shots, "edit-sr-1366.png")
	arta.call(t, "POST", "/api/v1"+docPath+"/versions", map[string]any{"base": 1, "body": mergeTheirs, "message": "Orari dhe afati sipas Ministrisë"}, nil)
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("textarea#body"), mergeMine)); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(ctx, t, "#save")

	left := func() string { return evalString(ctx, t, `document.getElementById("conflicts-left").textContent`) }
	if got := left(); got != "2 nerešena sukoba" {
		t.Fatalf("the merge page in Serbian says %q, want 2 nerešena sukoba", got)
	}
	saveScreenshot(ctx, t, shots, "merge-sr-1366.png")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name="choice-0"][value="mine"]`))); err != nil {
		t.Fatal(err)
	}
	if got := left(); got != "1 nerešen sukob" {
		t.Errorf("one settled, the script says %q, want 1 nerešen sukob", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name="choice-1"][value="theirs"]`))); err != nil {
		t.Fatal(err)
	}
	if got := left(); got != "Svi sukobi su rešeni: pročitajte tekst i sačuvajte ga." {
		t.Errorf("both settled, the script says %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	saveScreenshot(ctx, t, shots, "merge-sr-390.png")

	waitSearchCaughtUp(t, srv)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(srv.URL+"/search"),
		chromedp.WaitVisible(chromedp.ID("search-q")), chromedp.Click(chromedp.ID("search-q"))); err != nil {
		t.Fatalf("opening /search: %v", err)
	}
	for _, r := range "qendra" {
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("search-q"), string(r)), chromedp.Sleep(60*time.Millisecond)); err != nil {
			t.Fatalf("typing %q: %v", r, err)
		}
	}
	if err := chromedp.Do(ctx, void(chromedp.Poll[bool](`document.querySelectorAll("#results article.hit").length > 0`,
		chromedp.WithPollingTimeout(15*time.Second)))); err != nil {
		t.Fatalf("no hits drawn after typing qendra: %v", err)
	}
	count := evalString(ctx, t, `document.getElementById("result-count").textContent`)
	heads := evalString(ctx, t, `Array.from(document.querySelectorAll("#facets h2")).map(h => h.textContent).join(" ")`)
	meta := evalString(ctx, t, `document.querySelector("#results article.hit p.muted").textContent`)
	if !strings.HasSuffix(count, " dokument") && !strings.HasSuffix(count, " dokumenta") && !strings.HasSuffix(count, " dokumenata") {
		t.Errorf("the script's count is %q, want … dokument(a/ata): the page groups by document", count)
	}
	if !strings.Contains(heads, "Vrsta") || !strings.Contains(heads, "Godina") || strings.Contains(heads, "Kind") {
		t.Errorf("the script's facet names are %q", heads)
	}
	if !strings.Contains(meta, "Uredba") || !strings.Contains(meta, "Albanski") {
		t.Errorf("the script's hit line is %q, want Uredba · Albanski …", meta)
	}
	saveScreenshot(ctx, t, shots, "search-sr-1366.png")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	saveScreenshot(ctx, t, shots, "search-sr-390.png")
}
