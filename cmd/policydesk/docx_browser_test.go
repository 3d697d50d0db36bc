package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserWordDownloads: on the demo library, the version, redline
// (inline and table) and report pages show a visible "Word (.docx)" link
// at desktop and phone widths, and the logged-in browser downloads a
// Word document from each. Screenshots are saved for a person to look at.
func TestBrowserWordDownloads(t *testing.T) {
	d := startDemoDesk(t, 3*time.Minute)
	doc := fmt.Sprintf("/documents/%d", d.doc.ID)
	diff := fmt.Sprintf("%s/diff?from=%d&to=%d", doc, d.doc.Head-1, d.doc.Head)
	pages := []struct {
		page a11yPage
		link string
	}{
		{a11yPage{"document", doc, `!!document.querySelector("#rendered")`}, "version-docx"},
		{a11yPage{"redline", diff, `!!document.querySelector("#redline ins")`}, "diff-docx"},
		{a11yPage{"redline-table", diff + "&view=table", `!!document.querySelector("#redline ins")`}, "diff-docx"},
		{a11yPage{"report", doc + "/rounds/2/report", `!!document.querySelector("table#report")`}, "report-docx"},
	}
	sizes := []struct {
		name string
		w, h int64
	}{{"desktop", 1366, 900}, {"phone", 390, 844}}
	type download struct {
		Visible     bool   `json:"visible"`
		Status      int    `json:"status"`
		ContentType string `json:"type"`
		Size        int    `json:"size"`
		Magic       string `json:"magic"`
	}
	for _, size := range sizes {
		for _, p := range pages {
			d.open(t, size, p.page)
			got, err := chromedp.Run(d.ctx, chromedp.Evaluate[download](fmt.Sprintf(`(async () => {
				const a = document.getElementById(%q);
				if (!a) return {visible: false};
				const r = a.getBoundingClientRect();
				const res = await fetch(a.href, {credentials: "same-origin"});
				const b = new Uint8Array(await res.arrayBuffer());
				return {visible: r.width > 0 && r.height > 0 && r.right <= window.innerWidth + 1, status: res.status,
					type: res.headers.get("Content-Type"), size: b.length, magic: String.fromCharCode(b[0], b[1])};
			})()`, p.link), chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("%s at %s: %v", p.page.name, size.name, err)
			}
			if !got.Visible || got.Status != 200 || got.ContentType != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" || got.Magic != "PK" || got.Size < 2000 {
				t.Errorf("%s at %s: the Word link #%s gives %+v", p.page.name, size.name, p.link, got)
			}
			saveScreenshot(d.ctx, t, d.shots, "docx-"+p.page.name+"-"+size.name+".png")
		}
	}
}
