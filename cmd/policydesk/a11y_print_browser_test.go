package main

// Printing a document or a redline in a real headless Chromium: the text
// only, black, full width, with the changes still marked.

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"policydesk/search/extract"
)

// printCheckJS reports, with print media emulated, which of the screen's
// parts still print, and how the text prints.
const printCheckJS = `(() => {
	const hide = "header.top, nav, .doc-head .actions, .doc-head .meta, .outline, aside, .side, .picker, .summary, form, button, .comments-pane, .skip-link, .crumbs, .row-comments";
	const shown = [...document.querySelectorAll(hide)].filter(e => e.checkVisibility())
		.map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (typeof e.className === "string" && e.className ? "." + e.className.split(" ").join(".") : ""));
	const text = document.querySelector("#rendered, #redline");
	const r = text.getBoundingClientRect(), s = getComputedStyle(text);
	const ins = document.querySelector("#redline ins"), del = document.querySelector("#redline del");
	const heads = [...text.querySelectorAll("h1, h2, h3, h4, .art-head, tbody th")].slice(0, 5).map(h => getComputedStyle(h).breakAfter + "/" + getComputedStyle(h).breakInside);
	return {shown: shown.slice(0, 15), visible: text.checkVisibility(), width: r.width, page: document.documentElement.clientWidth,
		color: s.color, words: text.innerText.length,
		ins: ins ? getComputedStyle(ins).textDecorationLine : "", del: del ? getComputedStyle(del).textDecorationLine : "",
		heads: heads};
})()`

type printState struct {
	Shown   []string
	Visible bool
	Width   float64
	Page    float64
	Color   string
	Words   int
	Ins     string
	Del     string
	Heads   []string
}

// TestBrowserPrint prints a document, the redline inline and as a table and
// a round page with print media emulated: the header, navigation, buttons,
// forms, sidebars, pickers and the comments pane do not print; the text
// does, black, at full width, insertions underlined and deletions struck
// through, no page break right after a heading. Each is saved as a PDF
// beside the screenshots.
func TestBrowserPrint(t *testing.T) {
	d := startDemoDesk(t, 2*time.Minute)
	pages := d.pages()
	for _, p := range []a11yPage{pages[1], pages[3], pages[4], pages[5]} {
		d.open(t, browserSizes[0], p)
		if _, err := chromedp.Call(d.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		st, err := chromedp.Run(d.ctx, chromedp.Evaluate[printState](printCheckJS))
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Shown) > 0 {
			t.Errorf("%s: in print these still show: %q", p.name, st.Shown)
		}
		if !st.Visible || st.Words < 1000 || st.Width < 0.95*st.Page {
			t.Errorf("%s: in print the text is visible=%v, %d characters, %.0f px wide on a %.0f px page; want all of it at full width", p.name, st.Visible, st.Words, st.Width, st.Page)
		}
		if st.Color != "rgb(0, 0, 0)" {
			t.Errorf("%s: the text prints in %s, want black", p.name, st.Color)
		}
		if strings.HasPrefix(p.name, "redline") || p.name == "round" {
			if !strings.Contains(st.Ins, "underline") || !strings.Contains(st.Del, "line-through") {
				t.Errorf("%s: in print insertions are %q and deletions %q, want underline and line-through", p.name, st.Ins, st.Del)
			}
		}
		for _, h := range st.Heads {
			if !strings.HasPrefix(h, "avoid") {
				t.Errorf("%s: a heading prints with break-after/break-inside %s, want avoid", p.name, h)
			}
		}
		if len(st.Heads) == 0 {
			t.Errorf("%s: no heading in the printed text", p.name)
		}
		saveScreenshot(d.ctx, t, d.shots, "print-"+p.name+".png")
		pdf, err := chromedp.Call(d.ctx, page.PrintToPDF, page.PrintToPDFParams{})
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(d.shots, "print-"+p.name+".pdf")
		if err := os.WriteFile(name, pdf.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("print: %s (%d bytes)", name, len(pdf.Data))
		// What a printer gets: the text, none of the screen's controls.
		printed, err := extract.Text(name, "application/pdf", bytes.NewReader(pdf.Data))
		if err != nil {
			t.Fatalf("%s: reading the printed PDF: %v", p.name, err)
		}
		if !strings.Contains(printed, "Ministri i Drejtësisë") || !strings.Contains(printed, "Neni 14") {
			t.Errorf("%s: the printed PDF lacks the text: %.300q", p.name, printed)
		}
		for _, screenOnly := range []string{"Skip to content", "Log out", "Compare", "Next change", "Add comment", "Record decision", "Reply", "Review rounds", "Versions", "Shared with"} {
			if strings.Contains(printed, screenOnly) {
				t.Errorf("%s: the printed PDF holds %q, a part of the screen only", p.name, screenOnly)
			}
		}
		if _, err := chromedp.Call(d.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
			t.Fatal(err)
		}
	}
}
