package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserRoundReviewers: a legal expert opens a round with two
// reviewers and instructions through the document page's form; a reviewer
// finds it under "Rounds waiting for me" in the inbox, opens it, comments
// with an @mention (which reaches the expert's inbox) and says she has
// finished; the expert's round page shows the status table — done with one
// comment, and invited — at 1366 px and at 390 px without widening the
// page.
func TestBrowserRoundReviewers(t *testing.T) {
	d := startReviewDesk(t)
	srv, ctx, shots := d.srv, d.ctx, d.shots
	admin := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	admin.call(t, "POST", "/api/v1/users", map[string]string{"login": "besa", "name": "Besa Gashi",
		"password": reviewerPassword, "role": "reviewer"}, nil)

	// The expert opens the round through the form.
	browserLogin(ctx, t, srv.URL, "arta", editorPassword)
	err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+d.docPath), chromedp.WaitVisible(chromedp.CSS("#open-round")),
		void(chromedp.Evaluate[bool](`document.querySelector("#open-round").closest("details").open = true; true`)),
		chromedp.SendKeys(chromedp.ID("round-name"), "Konsultimi me ministritë"),
		chromedp.SendKeys(chromedp.ID("round-reviewers"), "vjosa, besa"),
		chromedp.SendKeys(chromedp.ID("round-instructions"), "Ju lutemi shikoni nenin 2."))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.ID("open-round"))); err != nil {
		t.Fatal(err)
	}
	saveScreenshot(ctx, t, shots, "reviewers-round-form.png")
	clickAndLoad(ctx, t, `#open-round button[type="submit"]`)
	if got := reviewerRows(ctx, t); got != "Besa Gashi @besa|invited|0 Vjosa Berisha @vjosa|invited|0" {
		t.Fatalf("after opening the round the status table reads %q", got)
	}

	// The reviewer finds the round in her inbox.
	rv := newBrowser(t)
	browserLogin(rv, t, srv.URL, "vjosa", reviewerPassword)
	for _, size := range browserSizes {
		if err := chromedp.Do(rv, chromedp.EmulateViewport(size.w, size.h), chromedp.Navigate(srv.URL+"/inbox"),
			chromedp.WaitVisible(chromedp.CSS("#waiting-rounds"))); err != nil {
			t.Fatalf("%s: %v", size.name, err)
		}
		got, err := chromedp.Run(rv, chromedp.Evaluate[map[string]any](`(() => {
			const list = document.getElementById("waiting-rounds");
			return {text: list.textContent.replace(/\s+/g, " "), href: list.querySelector("a").getAttribute("href"),
				page: document.documentElement.scrollWidth, width: document.documentElement.clientWidth};
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got["text"].(string), "Rregullore për qendrat ditore · round 1") || !strings.Contains(got["text"].(string), "invited") {
			t.Errorf("%s: rounds waiting: %q", size.name, got["text"])
		}
		if got["href"] != d.docPath+"/rounds/1" {
			t.Errorf("%s: the round links to %v", size.name, got["href"])
		}
		if got["page"].(float64) > got["width"].(float64) {
			t.Errorf("%s: the inbox is %.0f px wide on a %.0f px screen", size.name, got["page"], got["width"])
		}
		saveScreenshot(rv, t, shots, "reviewers-inbox-"+size.name+".png")
	}
	if err := chromedp.Do(rv, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(rv, t, "#waiting-rounds a")

	// She comments with a mention, then says she has finished.
	if err := chromedp.Do(rv, chromedp.WaitVisible(chromedp.CSS("#redline ins"))); err != nil {
		t.Fatal(err)
	}
	if selected, err := chromedp.Run(rv, chromedp.Evaluate[string](fmt.Sprintf(selectWordsJS, reviewQuote))); err != nil || selected != reviewQuote {
		t.Fatalf("selecting %q: %q, %v", reviewQuote, selected, err)
	}
	if err := chromedp.Do(rv, chromedp.SendKeys(chromedp.ID("c-body"), "Të shtohet larmia, @arta.")); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(rv, t, "#c-submit")
	clickAndLoad(rv, t, "#mark-done")
	status, err := chromedp.Run(rv, chromedp.Evaluate[string](`document.getElementById("my-review").textContent.replace(/\s+/g, " ")`))
	if err != nil || !strings.Contains(status, "done · 1 comment") || !strings.Contains(status, "I have not finished after all") {
		t.Errorf("the reviewer's own status after finishing: %q (%v)", status, err)
	}
	saveScreenshot(rv, t, shots, "reviewers-round-reviewer.png")

	// The mention reaches the expert's inbox through the follower.
	var kinds string
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		var inbox struct{ Items []struct{ Kind string } }
		d.editor.call(t, "GET", "/api/v1/inbox", nil, &inbox)
		kinds = ""
		for _, it := range inbox.Items {
			kinds += it.Kind + " "
		}
		if strings.Contains(kinds, "mention") || time.Now().After(deadline) {
			break
		}
	}
	if !strings.Contains(kinds, "mention") {
		t.Errorf("the expert's inbox holds %q, want the mention", kinds)
	}

	// The expert sees the status table.
	for _, size := range browserSizes {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.w, size.h), chromedp.Navigate(srv.URL+d.docPath+"/rounds/1"),
			chromedp.WaitVisible(chromedp.CSS("#reviewers-table"))); err != nil {
			t.Fatalf("%s: %v", size.name, err)
		}
		if got := reviewerRows(ctx, t); !strings.HasPrefix(got, "Besa Gashi @besa|invited|0 Vjosa Berisha @vjosa|done") || !strings.HasSuffix(got, "|1") {
			t.Errorf("%s: the status table reads %q", size.name, got)
		}
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`))
		if err != nil || wide {
			t.Errorf("%s: the round page is wider than the screen (%v)", size.name, err)
		}
		if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.ID("reviewers"))); err != nil {
			t.Fatal(err)
		}
		saveScreenshot(ctx, t, shots, "reviewers-table-"+size.name+".png")
	}
}

// reviewerRows reads the status table as "name|status|comments" rows.
func reviewerRows(ctx context.Context, t *testing.T) string {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#reviewers-table tbody tr")].map(tr =>
		[...tr.querySelectorAll("td")].slice(0, 3).map(td => td.textContent.replace(/\s+/g, " ").trim().replace(/ \d\d\.\d\d\.\d{4} \d\d:\d\d$/, "")).join("|")).join(" ")`))
	if err != nil {
		t.Fatal(err)
	}
	return got
}
