package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserHeaderFitsPhone: the header, with every link an admin has, fits
// a 390 px phone screen (it wraps instead of widening the page) and each of
// its links, the search box and "Log out" is inside the screen and not
// covered; at 1366 px it stays one row. The library, users and audit pages
// are no wider than the screen (their tables scroll within themselves).
func TestBrowserHeaderFitsPhone(t *testing.T) {
	srv := startServer(t, "")
	ctx := newBrowser(t)
	shots := screenshotDir(t)
	browserLogin(ctx, t, srv.URL, "admin", e2eAdminPassword)
	admin := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	// Every language, as the admin sees the most links: the longest words
	// (Albanian, Serbian in both scripts) must fit one row too.
	for _, lang := range []string{"en", "sq", "sr", "sr-Cyrl"} {
		if err := admin.do(context.Background(), http.MethodPatch, "/api/v1/users/me", map[string]string{"language": lang}, nil); err != nil {
			t.Fatal(err)
		}
		checkHeader(ctx, t, srv.URL, lang, shots)
	}
}

// checkHeader: in lang, the header's controls are all on screen and
// uncovered at 1366 and 390 px, and one row high at 1366.
func checkHeader(ctx context.Context, t *testing.T, base, lang, shots string) {
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desktop", 1366, 900}, {"phone", 390, 844}} {
		for _, path := range []string{"/inbox", "/documents", "/users", "/audit"} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.w, size.h), chromedp.Navigate(base+path),
				chromedp.WaitVisible(chromedp.CSS("header.top"))); err != nil {
				t.Fatalf("%s %s %s: %v", lang, size.name, path, err)
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`(() => {
				const h = document.querySelector("header.top"), w = document.documentElement.clientWidth;
				const out = [];
				for (const el of h.querySelectorAll("a, input[type=search], button, summary")) {
					const r = el.getBoundingClientRect();
					if (!el.checkVisibility()) continue; // in a closed menu
					const hit = document.elementFromPoint(r.x + r.width/2, r.y + r.height/2);
					if (r.left < 0 || r.right > w || !(hit === el || el.contains(hit))) out.push(el.textContent.trim() || el.name);
				}
				return {page: document.documentElement.scrollWidth, header: h.scrollWidth, width: w,
					height: h.getBoundingClientRect().height, controls: h.querySelectorAll("a, input[type=search], button, summary").length, bad: out};
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			width := got["width"].(float64)
			if got["header"].(float64) > width {
				t.Errorf("%s %s %s: the header is %.0f px wide on a %.0f px screen", lang, size.name, path, got["header"], width)
			}
			if got["page"].(float64) > width {
				t.Errorf("%s %s %s: the page is %.0f px wide on a %.0f px screen", lang, size.name, path, got["page"], width)
			}
			if bad := got["bad"].([]any); len(bad) > 0 || got["controls"].(float64) < 7 {
				t.Errorf("%s %s %s: of %.0f controls in the header, outside the screen or covered: %v", lang, size.name, path, got["controls"], bad)
			}
			if size.name == "desktop" && got["height"].(float64) > 70 {
				t.Errorf("%s %s %s: the header is %.0f px high, more than one row", lang, size.name, path, got["height"])
			}
		}
		saveScreenshot(ctx, t, shots, "header-"+lang+"-"+size.name+".png")
	}
}
