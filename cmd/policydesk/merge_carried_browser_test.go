package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// anchorMarksJS returns the text of the marks the page put on a comment's
// words, in order.
const anchorMarksJS = `Array.from(document.querySelectorAll("mark.anchor")).filter(m =>
	m.getAttribute("data-comment") === %[1]q || (m.getAttribute("data-comments") || "").split(" ").includes(%[1]q)
).map(m => m.textContent).join("")`

// TestBrowserCarriedAndApplied: round 2 lists round 1's comment that
// nobody answered, labelled "from round 1" and marked on its words; the
// comment whose suggestion was applied says "Applied in version 3" with
// the applied words marked.
func TestBrowserCarriedAndApplied(t *testing.T) {
	d := startReviewDesk(t)
	srv, ctx, shots, editor, docPath := d.srv, d.ctx, d.shots, d.editor, d.docPath
	reviewer := loginAPI(t, srv.URL, "vjosa", reviewerPassword)
	editor.call(t, "POST", "/api/v1"+docPath+"/rounds", map[string]any{"name": "Raundi 1", "version": 1}, nil)
	var open, applied struct{ ID int64 }
	reviewer.call(t, "POST", "/api/v1"+docPath+"/comments", map[string]any{"version": 1, "round": 1,
		"quote": "të gjitha qendrat ditore", "body": "Edhe qendrat e komunave?"}, &open)
	reviewer.call(t, "POST", "/api/v1"+docPath+"/comments", map[string]any{"version": 1, "round": 1,
		"quote": reviewQuote, "body": reviewComment, "suggestion": reviewSuggestion}, &applied)
	editor.call(t, "POST", fmt.Sprintf("/api/v1/comments/%d/apply", applied.ID), map[string]any{"base": 2}, nil)
	editor.call(t, "POST", "/api/v1"+docPath+"/rounds", map[string]any{"name": "Raundi 2", "version": 3}, nil)

	browserLogin(ctx, t, srv.URL, "arta", editorPassword)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(srv.URL+docPath+"/rounds/2"),
		chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("comment-%d", open.ID))),
	)
	if err != nil {
		t.Fatalf("opening round 2: %v", err)
	}
	card := fmt.Sprintf(`document.getElementById("comment-%d")`, open.ID)
	got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({
		label: `+card+`.querySelector(".from-round")?.textContent || "",
		visible: !!`+card+`.querySelector(".from-round")?.offsetParent,
		heading: Array.from(document.querySelectorAll("h2")).map(h => h.textContent).find(t => t.startsWith("Comments")) || "",
		marked: `+fmt.Sprintf(anchorMarksJS, fmt.Sprintf("comment-%d", open.ID))+`,
	})`))
	if err != nil {
		t.Fatal(err)
	}
	if got["label"] != "from round 1" || got["visible"] != true || got["heading"] != "Comments (1)" || got["marked"] != "të gjitha qendrat ditore" {
		t.Errorf("round 2 shows the carried comment as %v", got)
	}
	saveScreenshot(ctx, t, shots, "carried-round2-desktop.png")

	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+docPath+"/diff?from=2&to=3"),
		chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("comment-%d", applied.ID))),
	)
	if err != nil {
		t.Fatal(err)
	}
	card = fmt.Sprintf(`document.getElementById("comment-%d")`, applied.ID)
	got, err = chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({
		note: `+card+`.querySelector(".applied-note")?.textContent || "",
		outdated: !!`+card+`.querySelector(".outdated-note"),
		marked: `+fmt.Sprintf(anchorMarksJS, fmt.Sprintf("comment-%d", applied.ID))+`,
	})`))
	if err != nil {
		t.Fatal(err)
	}
	if got["note"] != "Applied in version 3." || got["outdated"] != false || strings.TrimSpace(got["marked"].(string)) != reviewSuggestion {
		t.Errorf("the applied comment shows %v", got)
	}
	saveScreenshot(ctx, t, shots, "applied-desktop.png")
}
