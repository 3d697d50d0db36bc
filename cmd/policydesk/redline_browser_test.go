package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserBoundedRedline opens, at a desktop and a phone width, the
// redline of a version whose long article was reversed line by line: the
// page says that the comparison was cut short, the reversed article is
// marked, and the article edited normally keeps its word-level change.
func TestBrowserBoundedRedline(t *testing.T) {
	srv, ctx, editor := editorInBrowser(t)
	shots := screenshotDir(t)
	lines := make([]string, 12000)
	for k := range lines {
		lines[k] = fmt.Sprintf("%d. Rreshti %d i shtojcës.\n", k+1, k+1)
	}
	head := "# Rregullore për qendrat ditore\n\n## Neni 1 – Qëllimi\n\nKjo rregullore përcakton mënyrën e funksionimit të qendrave ditore.\n\n## Neni 2 – Shtojca\n\n"
	v1 := head + strings.Join(lines, "")
	slices.Reverse(lines)
	v2 := strings.Replace(head, "qendrave ditore", "qendrave ditore dhe çerdheve", 1) + strings.Join(lines, "")
	doc := editor.createDocument(t, "Rregullore për qendrat ditore", v1)
	docPath := fmt.Sprintf("/documents/%d", doc.ID)
	editor.call(t, "POST", "/api/v1"+docPath+"/versions", map[string]any{"base": 1, "body": v2, "message": "Shtojca e përmbysur"}, nil)

	browserLogin(ctx, t, srv.URL, "arta", editorPassword)
	for _, size := range browserSizes {
		err := chromedp.Do(ctx,
			chromedp.EmulateViewport(size.w, size.h),
			chromedp.Navigate(srv.URL+docPath+"/diff?from=1&to=2"),
			chromedp.WaitVisible(chromedp.CSS("#bounded-notice")),
		)
		if err != nil {
			t.Fatalf("%s: opening the redline: %v", size.name, err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({
			notice: document.querySelector("#bounded-notice").textContent,
			noticeWidth: document.querySelector("#bounded-notice").getBoundingClientRect().width,
			pageWidth: document.documentElement.clientWidth,
			marked: [...document.querySelectorAll("#redline section")].filter(s => s.querySelector(".bounded-note")).map(s => s.querySelector(".art-head").textContent),
			ins: [...document.querySelectorAll("#redline section[data-article] ins")].map(e => e.textContent).slice(0, 1)})`))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got["notice"].(string), "word by word") {
			t.Errorf("%s: notice %q", size.name, got["notice"])
		}
		if w, pw := got["noticeWidth"].(float64), got["pageWidth"].(float64); w > pw {
			t.Errorf("%s: the notice is %.0f px wide on a %.0f px page", size.name, w, pw)
		}
		if marked := fmt.Sprint(got["marked"]); !strings.Contains(marked, "Neni 2") || strings.Contains(marked, "Neni 1") {
			t.Errorf("%s: articles marked as shown coarsely: %s", size.name, marked)
		}
		if ins := fmt.Sprint(got["ins"]); !strings.Contains(ins, "dhe çerdheve") {
			t.Errorf("%s: the first insertion is %s, want the word-level change of Neni 1", size.name, ins)
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(shots, "bounded-redline-"+size.name+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}
}
