package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserInbox: a reviewer comments in a round, the legal expert
// replies; the running service's follower puts the reply in the reviewer's
// inbox, where the header counts it on every page and the inbox page lists
// it as a sentence linking to the comment on the round's page, at 1366 px
// and at 390 px without widening the page.
func TestBrowserInbox(t *testing.T) {
	d := startReviewDesk(t)
	srv, ctx, shots := d.srv, d.ctx, d.shots
	d.editor.call(t, "POST", "/api/v1"+d.docPath+"/rounds", map[string]any{"name": "Raundi 1", "version": 2}, nil)
	reviewer := loginAPI(t, srv.URL, "vjosa", reviewerPassword)
	var c struct{ ID int64 }
	reviewer.call(t, "POST", "/api/v1"+d.docPath+"/comments", map[string]any{"round": 1, "quote": reviewQuote, "body": reviewComment}, &c)
	d.editor.call(t, "POST", fmt.Sprintf("/api/v1/comments/%d/replies", c.ID), map[string]any{"body": "Pranohet, do të shtohet."}, nil)

	browserLogin(ctx, t, srv.URL, "vjosa", reviewerPassword)
	var count string
	for deadline := time.Now().Add(20 * time.Second); ; {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById("unread-count") || {textContent: ""}).textContent`))
		if err != nil {
			t.Fatal(err)
		}
		if count = got; count != "" || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if !strings.HasPrefix(count, "1") {
		t.Fatalf("the header's unread count is %q, want 1 (the reply)", count)
	}
	want := fmt.Sprintf("%s/rounds/1#comment-%d", d.docPath, c.ID)
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desktop", 1366, 900}, {"phone", 390, 844}} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.w, size.h), chromedp.Navigate(srv.URL+"/inbox"),
			chromedp.WaitVisible(chromedp.CSS(".inbox-item"))); err != nil {
			t.Fatalf("%s: %v", size.name, err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`(() => {
			const item = document.querySelector(".inbox-item"), a = item.querySelector(".inbox-line a");
			return {text: item.textContent.replace(/\s+/g, " "), href: a.getAttribute("href"), items: document.querySelectorAll(".inbox-item").length,
				page: document.documentElement.scrollWidth, width: document.documentElement.clientWidth,
				header: document.querySelector("header.top").getBoundingClientRect().height};
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got["text"].(string), "Arta Krasniqi replied in a thread you are in on Rregullore për qendrat ditore") || got["items"].(float64) != 1 {
			t.Errorf("%s: the inbox lists %v item(s): %q", size.name, got["items"], got["text"])
		}
		if got["href"] != want {
			t.Errorf("%s: the item links to %v, want %s", size.name, got["href"], want)
		}
		if got["page"].(float64) > got["width"].(float64) {
			t.Errorf("%s: the inbox is %.0f px wide on a %.0f px screen", size.name, got["page"], got["width"])
		}
		if size.name == "desktop" && got["header"].(float64) > 70 {
			t.Errorf("desktop: with the inbox link the header is %.0f px high, more than one row", got["header"])
		}
		saveScreenshot(ctx, t, shots, "inbox-"+size.name+".png")
	}
	clickAndLoad(ctx, t, ".inbox-line a")
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.HasSuffix(loc, want) {
		t.Fatalf("the item's link led to %s (%v), want %s", loc, err, want)
	}
}
