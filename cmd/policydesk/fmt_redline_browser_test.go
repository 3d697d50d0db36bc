package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// fmtRedlineCheck is what the page says about its redline.
const fmtRedlineCheck = `(() => {
	const red = document.querySelector("#redline");
	const style = (sel) => { const e = red.querySelector(sel); return e ? getComputedStyle(e).textDecorationLine : ""; };
	const cells = [...red.querySelectorAll("td.earlier, td.proposed")].map(td => td.getBoundingClientRect().width);
	const text = red.innerText;
	return {
		headings: red.querySelectorAll(".rendered-text h2, .rendered-text h3").length,
		items: red.querySelectorAll(".rendered-text li").length,
		bold: red.querySelectorAll(".rendered-text strong").length,
		ins: red.querySelectorAll("ins").length,
		del: red.querySelectorAll("del").length,
		insInBold: red.querySelectorAll("strong ins, ins strong").length + red.querySelectorAll("li ins").length,
		insLine: style("ins"), delLine: style("del"),
		summary: document.getElementById("summary").textContent,
		rawMarkup: /\*\*|(^|\n)\s*#{1,6} /.test(text),
		heads: [...red.querySelectorAll(".art-head")].map(h => h.textContent),
		anchors: [...red.querySelectorAll("mark.anchor")].map(m => m.getAttribute("data-comments") + ": " + m.textContent),
		narrowestCell: cells.length ? Math.min(...cells) : 0,
		pageWidth: document.documentElement.clientWidth,
		scrollWidth: document.documentElement.scrollWidth,
		font: getComputedStyle(red.querySelector(".rendered-text")).fontFamily,
		ids: [...red.querySelectorAll("ins[id], del[id]")].map(e => e.id).slice(0, 3),
	};
})()`

// TestBrowserFormattedRedline opens, at a desktop and a phone width, the
// inline redline and the comparative table of the demo regulation's first
// revision, with a comment on version 2: the text is rendered (headings,
// numbered paragraphs, bold) with the changes in <ins>/<del> that are
// underlined and struck through as well as coloured, no "**" or "##" is
// left, renumbered articles keep their labels, the comment's words are
// marked, the table's columns are readable on a phone, the page is never
// wider than the screen, and "next change" steps through the changes.
func TestBrowserFormattedRedline(t *testing.T) {
	srv, ctx, editor := editorInBrowser(t)
	shots := screenshotDir(t)
	dir := filepath.Join("demodata", "rregullore-qendrat-ditore")
	var bodies [2]string
	for k := range bodies {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("v%d.md", k+1)))
		if err != nil {
			t.Fatal(err)
		}
		bodies[k] = string(b)
	}
	doc := editor.createDocument(t, "Rregullore për Qendrat Ditore", bodies[0])
	docPath := fmt.Sprintf("/documents/%d", doc.ID)
	editor.call(t, "POST", "/api/v1"+docPath+"/versions", map[string]any{"base": 1, "body": bodies[1], "message": "Neni për ekipet mobile"}, nil)
	const quote = "me vendim të Kuvendit të Komunës"
	var comment struct{ ID int64 }
	editor.call(t, "POST", "/api/v1"+docPath+"/comments", map[string]any{"version": 2, "quote": quote, "body": "Cili vendim?"}, &comment)

	browserLogin(ctx, t, srv.URL, "arta", editorPassword)
	for _, size := range browserSizes {
		for _, view := range []string{"", "table"} {
			label := size.name + map[string]string{"": " inline", "table": " table"}[view]
			err := chromedp.Do(ctx,
				chromedp.EmulateViewport(size.w, size.h),
				chromedp.Navigate(srv.URL+docPath+"/diff?from=1&to=2&view="+view),
				chromedp.WaitVisible(chromedp.CSS("#redline ins")),
			)
			if err != nil {
				t.Fatalf("%s: opening the redline: %v", label, err)
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](fmtRedlineCheck))
			if err != nil {
				t.Fatal(err)
			}
			num := func(k string) float64 { return got[k].(float64) }
			if num("headings") < 5 || num("items") < 10 || num("bold") < 5 {
				t.Errorf("%s: not rendered: %v headings, %v list items, %v bold", label, got["headings"], got["items"], got["bold"])
			}
			if num("ins") == 0 || num("del") == 0 || num("insInBold") == 0 {
				t.Errorf("%s: %v insertions, %v deletions, %v inside bold or list items", label, got["ins"], got["del"], got["insInBold"])
			}
			for k, want := range map[string]string{"insLine": "underline", "delLine": "line-through", "summary": "words inserted"} {
				if !strings.Contains(got[k].(string), want) {
					t.Errorf("%s: %s text-decoration %q, want %s", label, k, got[k], want)
				}
			}
			if got["rawMarkup"].(bool) {
				t.Errorf("%s: the redline shows Markdown markup", label)
			}
			if !strings.Contains(got["font"].(string), "Georgia") {
				t.Errorf("%s: the text is set in %s, not the document's serif", label, got["font"])
			}
			if ids := fmt.Sprint(got["ids"]); !strings.HasPrefix(ids, "[c1 c2") {
				t.Errorf("%s: change ids %s", label, ids)
			}
			if w, pw := num("scrollWidth"), num("pageWidth"); w > pw {
				t.Errorf("%s: the page is %.0f px wide on a %.0f px screen", label, w, pw)
			}
			anchors := fmt.Sprint(got["anchors"])
			if !strings.Contains(anchors, fmt.Sprintf("comment-%d: ", comment.ID)) || !strings.Contains(strings.ReplaceAll(anchors, fmt.Sprintf(" comment-%d: ", comment.ID), ""), "Kuvendit") {
				t.Errorf("%s: anchors %s, want comment-%d on %q", label, anchors, comment.ID, quote)
			}
			if view == "table" {
				if c := num("narrowestCell"); c < min(0.6*float64(size.w), 280) {
					t.Errorf("%s: a text column is %.0f px wide", label, c)
				}
			} else if heads := fmt.Sprint(got["heads"]); !strings.Contains(heads, "Neni 8 → Neni 9 (renumbered)") && !strings.Contains(heads, "Neni 8 → Neni 9") {
				t.Errorf("%s: article heads %s lack the renumbering", label, heads)
			}
			saveScreenshot(ctx, t, shots, "fmt-redline-"+strings.ReplaceAll(label, " ", "-")+".png")
		}
	}

	// Next change steps through the marked words in order.
	err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(srv.URL+docPath+"/diff?from=1&to=2"),
		chromedp.WaitVisible(chromedp.CSS("#redline ins")), chromedp.Click(chromedp.ID("next-change")), chromedp.Click(chromedp.ID("next-change")))
	if err != nil {
		t.Fatal(err)
	}
	// One stop per change: a change split over several elements is one stop,
	// at its first element, the one with its id.
	cur, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const c = document.querySelector("#redline .current-change");
		return c ? c.tagName + " " + c.id : "none"; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(cur, " c2") {
		t.Errorf("after two clicks on next change the current one is %q, want the second change, c2", cur)
	}
}
