package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserSearchPageState, on the demo library: a chosen facet stays
// chosen while the user types (and shows its other values and a Clear
// link); search as you type shows the true total and "Load more" appends
// the next page; "MoU Bonevet" finds the Bonevet MoU as one grouped hit
// whose other matches open in place, and opening it lands on the document
// with the words marked in the text. Screenshots at 1366 and 390 px, with
// no serious axe-core violation.
func TestBrowserSearchPageState(t *testing.T) {
	axe := axeScript(t)
	srv := startServer(t, loadDemoData(t))
	waitSearchCaughtUp(t, srv)
	ctx := newBrowser(t)
	shots := screenshotDir(t)
	browserLogin(ctx, t, srv.URL, "admin", demoPassword)
	poll := func(what, cond string) {
		t.Helper()
		if err := chromedp.Do(ctx, void(chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(15*time.Second)))); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return s
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(srv.URL+"/search?q=children"),
		chromedp.WaitVisible(chromedp.CSS("#facets"))); err != nil {
		t.Fatal(err)
	}
	// Choose the kind "mou", then type: the facet stays.
	clickAndLoad(ctx, t, `#facets section[data-facet="kind"] a[href*="kind=mou"]`)
	if err := chromedp.Do(ctx, void(chromedp.Evaluate[bool](`(document.getElementById("search-q").value = "", true)`)),
		chromedp.SendKeys(chromedp.CSS("#search-q"), "child")); err != nil {
		t.Fatal(err)
	}
	poll("the results for the typed words", `location.search.includes("q=child&")`)
	if got := eval(`new URLSearchParams(location.search).get("kind") || ""`); got != "mou" {
		t.Errorf("after typing, the address has kind %q, want mou", got)
	}
	if eval(`document.querySelector('#facets section[data-facet="kind"] a.selected[aria-current="true"]') ? "yes" : "no"`) != "yes" ||
		eval(`document.querySelector('#facets section[data-facet="kind"] .facet-clear') ? "yes" : "no"`) != "yes" {
		t.Error("after typing, the kind facet is not shown chosen with a Clear link")
	}
	if n := eval(`String(document.querySelectorAll('#facets section[data-facet="kind"] li').length)`); n == "1" || n == "0" {
		t.Errorf("the chosen kind facet shows %s values, want its other values too", n)
	}
	if kinds := eval(`[...document.querySelectorAll("#hits article .muted.small")].map(e => e.textContent.split(" · ")[0]).join("|")`); kinds == "" || strings.Trim(strings.ReplaceAll(kinds, "MoU", ""), "|") != "" {
		t.Errorf("after typing, hits of other kinds: %q", kinds)
	}
	saveScreenshot(ctx, t, shots, "search-facet-kept-1366.png")
	checkAxe(t, "search 1366", runAxe(ctx, t, axe))

	// Per article, as-you-type shows the true total and loads more.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/search?group=article&q=x"), chromedp.WaitVisible(chromedp.CSS("#search-q")),
		void(chromedp.Evaluate[bool](`(document.getElementById("search-q").value = "", true)`)),
		chromedp.SendKeys(chromedp.CSS("#search-q"), "article")); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, void(chromedp.Poll[bool](`location.search.includes("q=article") && document.querySelectorAll("#hits article").length === 20`,
		chromedp.WithPollingTimeout(15*time.Second)))); err != nil {
		t.Fatalf("the typed results: %v; at %s: %s", err, eval(`location.href`), eval(`document.getElementById("results").innerText.slice(0, 300)`))
	}
	total := eval(`document.getElementById("result-count").textContent`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#load-more"))); err != nil {
		t.Fatalf("no Load more button after 20 of %s: %v", total, err)
	}
	poll("the next page appended", `document.querySelectorAll("#hits article").length > 20`)
	if n := eval(`String(new Set([...document.querySelectorAll("#hits article h3 a")].map(a => a.getAttribute("href"))).size)`); n != eval(`String(document.querySelectorAll("#hits article").length)`) {
		t.Errorf("Load more repeated hits: %s distinct of %s", n, eval(`String(document.querySelectorAll("#hits article").length)`))
	}

	// MoU Bonevet: one grouped hit, its other matches in place, the
	// article highlighted.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/search?q="+url.QueryEscape("MoU Bonevet")), chromedp.WaitVisible(chromedp.CSS("#hits"))); err != nil {
		t.Fatal(err)
	}
	if title := eval(`(document.querySelector("#hits article h3 a") || {}).textContent || ""`); !strings.Contains(title, "Bonevet") {
		t.Fatalf("MoU Bonevet: the first hit is %q", title)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#hits details.more-matches summary"))); err != nil {
		t.Fatalf("no \"more matches\" on the grouped hit: %v", err)
	}
	poll("the document's other matches", `document.querySelectorAll("#hits details.more-matches .more-list li").length > 0`)
	saveScreenshot(ctx, t, shots, "search-grouped-1366.png")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	if wide := eval(`String(document.documentElement.scrollWidth > window.innerWidth + 1)`); wide != "false" {
		t.Error("the search page scrolls sideways at 390 px")
	}
	saveScreenshot(ctx, t, shots, "search-grouped-390.png")
	checkAxe(t, "search 390", runAxe(ctx, t, axe))
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(ctx, t, `#hits details.more-matches .more-list li a`)
	loc := eval(`location.href`)
	if u, _ := url.Parse(loc); u == nil || u.Query().Get("hl") == "" || !strings.HasPrefix(u.Fragment, "art-") {
		t.Errorf("the hit opened %s, want the article with ?hl=", loc)
	}
	marks := eval(`[...document.querySelectorAll("#rendered mark")].map(m => m.textContent).join("|")`)
	if !strings.Contains(marks, "Bonevet") || !strings.Contains(marks, "Memorandum") {
		t.Errorf("marked in the article: %q, want Bonevet and the MoU's words", marks)
	}
	saveScreenshot(ctx, t, shots, "search-highlighted-1366.png")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	saveScreenshot(ctx, t, shots, "search-highlighted-390.png")
}
