package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

const cmrProtocol = "Protokolli i Tryezave Multidisiplinare për Menaxhimin e Rasteve"

// TestSearchE2E_WordFormsAndStopWords: on the demo library, queries that
// found little or nothing before stemming (issue 16) find the documents
// holding other forms of their words, and no snippet marks a stop word;
// in the browser the search page marks the other forms, at 1366 and 390 px.
func TestSearchE2E_WordFormsAndStopWords(t *testing.T) {
	ctx := newBrowser(t)
	srv := startServer(t, loadDemoData(t))
	waitSearchCaughtUp(t, srv)
	admin := loginAPI(t, srv.URL, "admin", demoPassword)
	for _, q := range []string{"mbrojtja e fëmijës", "dhuna ndaj fëmijëve", "mbrojtja e femijeve"} {
		res := admin.search(t, q)
		if !hasTitle(res, cmrProtocol) {
			t.Errorf("%q does not find %q (total %d)", q, cmrProtocol, res.Total)
		}
		for _, h := range res.Hits {
			if low := strings.ToLower(h.Snippet); strings.Contains(low, "<mark>e</mark>") || strings.Contains(low, "<mark>ndaj</mark>") {
				t.Errorf("%q: the snippet of %q marks a stop word: %s", q, h.Title, h.Snippet)
			}
		}
	}

	shots := screenshotDir(t)
	browserLogin(ctx, t, srv.URL, "admin", demoPassword)
	const q = "mbrojtja e fëmijës"
	for _, size := range []struct{ w, h int64 }{{1366, 900}, {390, 844}} {
		err := chromedp.Do(ctx,
			chromedp.EmulateViewport(size.w, size.h),
			chromedp.Navigate(srv.URL+"/search?q="+url.QueryEscape(q)),
			chromedp.WaitVisible(chromedp.CSS("#results article.hit")),
		)
		if err != nil {
			t.Fatalf("searching %q at %d px: %v", q, size.w, err)
		}
		marks, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll("#results mark")).map(m => m.textContent.toLowerCase())`))
		if err != nil {
			t.Fatal(err)
		}
		other := false
		for _, m := range marks {
			if m == "e" || m == "të" {
				t.Errorf("the page marks the stop word %q", m)
			}
			other = other || (strings.HasPrefix(m, "fëmij") && m != "fëmijës") || strings.HasPrefix(m, "mbrojtjen")
		}
		if !other {
			t.Errorf("no other form of the query's words is marked at %d px: %q", size.w, marks)
		}
		saveScreenshot(ctx, t, shots, fmt.Sprintf("search-forms-%d.png", size.w))
	}
}
