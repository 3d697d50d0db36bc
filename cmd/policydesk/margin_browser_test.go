package main

// The comment margin of the round page in a real headless Chromium, at
// 1366×900 and on a 390×844 phone: cards beside their words, the comment
// box at a selection made by mouse or by touch, real clicks on the cards'
// buttons, the page coming back to the card with a status message, filters
// and next/previous comment.

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// marginArticles is the number of articles of the long regulation: enough
// that the last ones are thousands of pixels below the top of the page.
const marginArticles = 28

// marginBody is the long regulation; v2 changes a few words and removes the
// sentence a round 1 comment was made on.
func marginBody(v int) string {
	var b strings.Builder
	b.WriteString("# Rregullore për qendrat ditore\n\n")
	for n := 1; n <= marginArticles; n++ {
		fmt.Fprintf(&b, "## Neni %d – Dispozita %d\n\n", n, n)
		fmt.Fprintf(&b, "Në këtë nen përcaktohen rregullat për regjistrimin e fëmijëve, orarin e punës dhe mbikëqyrjen e përditshme nga edukatorët. "+
			"Paragrafi %d: kapaciteti i grupit %d është njëzet fëmijë, me dy edukatorë të kualifikuar në çdo kohë.", n, n)
		switch {
		case n == 8 && v == 1:
			b.WriteString(" Kjo fjali hiqet në versionin e dytë.")
		case n%7 == 3 && v == 2:
			b.WriteString(" Ndryshimi shtohet në versionin e dytë.")
		}
		b.WriteString("\n\n")
	}
	return b.String()
}

const (
	marginEarly   = "kapaciteti i grupit 7 është"
	marginEditors = "kapaciteti i grupit 12 është"
	marginMouse   = "kapaciteti i grupit 20 është njëzet fëmijë"
	marginTouch   = "kapaciteti i grupit 6 është njëzet"
	marginGone    = "Kjo fjali hiqet në versionin e dytë."
)

// marginDesk is the review desk with the long regulation in two versions,
// a round on each, a round 1 comment whose words v2 removed and, in round
// 2, a comment of the reviewer's and one of the editor's.
type marginDesk struct {
	*reviewDesk
	doc string // "/documents/N"
}

func startMarginDesk(t *testing.T) *marginDesk {
	d := &marginDesk{reviewDesk: startReviewDesk(t)}
	doc := d.editor.createDocument(t, "Rregullore e gjatë", marginBody(1))
	d.doc = fmt.Sprintf("/documents/%d", doc.ID)
	d.editor.call(t, "POST", "/api/v1"+d.doc+"/versions", map[string]any{"base": 1, "body": marginBody(2), "message": "v2"}, nil)
	d.editor.call(t, "PUT", "/api/v1"+d.doc+"/members/vjosa", map[string]string{"role": "reviewer"}, nil)
	for v := 1; v <= 2; v++ {
		d.editor.call(t, "POST", "/api/v1"+d.doc+"/rounds", map[string]any{"name": fmt.Sprintf("Raundi %d", v), "version": v}, nil)
	}
	reviewer := loginAPI(t, d.srv.URL, "vjosa", reviewerPassword)
	reviewer.call(t, "POST", "/api/v1"+d.doc+"/comments", map[string]any{"round": 1, "version": 1, "quote": marginGone, "body": "Pse hiqet?"}, nil)
	reviewer.call(t, "POST", "/api/v1"+d.doc+"/comments", map[string]any{"round": 2, "version": 2, "quote": marginEarly, "body": "Njëzet janë shumë."}, nil)
	d.editor.call(t, "POST", "/api/v1"+d.doc+"/comments", map[string]any{"round": 2, "version": 2, "quote": marginEditors, "body": "Të kontrollohet."}, nil)
	return d
}

// eval runs a script and fails the test on error.
func eval[T any](ctx context.Context, t *testing.T, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%v in %.200s", err, js)
	}
	return v
}

// open loads a page of the desk at a screen size and waits for the margin.
func (d *marginDesk) open(t *testing.T, w, h int64, path string) {
	t.Helper()
	err := chromedp.Do(d.ctx, chromedp.EmulateViewport(w, h), chromedp.Navigate(d.srv.URL+path),
		chromedp.WaitVisible(chromedp.ID("margin-tools")))
	if err != nil {
		t.Fatalf("opening %s at %d px: %v", path, w, err)
	}
	nextFrames(d.ctx, t)
}

// reviewerOnRound logs the reviewer in and opens round 2 at a screen size;
// it returns the round's path.
func (d *marginDesk) reviewerOnRound(t *testing.T, w, h int64) string {
	t.Helper()
	browserLogin(d.ctx, t, d.srv.URL, "vjosa", reviewerPassword)
	round := d.doc + "/rounds/2"
	d.open(t, w, h, round)
	return round
}

// nextFrames waits two frames, for the margin's layout.
func nextFrames(ctx context.Context, t *testing.T) {
	t.Helper()
	js := `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("waiting for two frames: %v", err)
	}
}

type box struct{ Top, Left, Right, Bottom, X, Y float64 }

// wordsJS finds words of the proposed text, scrolls them to the middle of
// the screen and returns their first line's box; with select, it also
// selects them by script (no mouse event).
const wordsJS = `((words, select) => {
	for (const text of document.querySelectorAll("#redline section .art-text")) {
		const walk = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			const i = n.data.indexOf(words);
			if (i < 0 || n.parentElement.closest("del")) continue;
			const r = document.createRange();
			r.setStart(n, i);
			r.setEnd(n, i + words.length);
			n.parentElement.scrollIntoView({block: "center"});
			if (select) { const s = getSelection(); s.removeAllRanges(); s.addRange(r); }
			const b = r.getClientRects()[0], l = [...r.getClientRects()].pop();
			return {top: b.top, left: b.left, right: l.right, bottom: l.bottom, x: b.left + 2, y: (b.top + b.bottom) / 2};
		}
	}
	return null;
})(%q, %t)`

// uncoveredJS lists the controls of an element that are off the screen or
// covered by something else at their centre.
const uncoveredJS = `((sel) => {
	const el = document.querySelector(sel), bad = [];
	if (!el) return ["no " + sel];
	for (const b of el.querySelectorAll("button, select, input:not([type=hidden]), textarea")) {
		const r = b.getBoundingClientRect();
		if (r.width === 0) continue;
		const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
		if (!(hit === b || b.contains(hit))) bad.push((b.id || b.textContent.trim() || b.name) + " under " + (hit ? hit.tagName + "#" + hit.id + "." + hit.className : "nothing"));
	}
	return bad;
})(%q)`

// scrollToJS brings an element's top to y px from the top of the screen.
const scrollToJS = `((sel, y) => { const el = document.querySelector(sel); scrollBy(0, el.getBoundingClientRect().top - y); return true; })(%q, %f)`

// checkUncovered fails when a control of sel is covered, after bringing it
// into the screen.
func checkUncovered(ctx context.Context, t *testing.T, sel string) {
	t.Helper()
	eval[bool](ctx, t, fmt.Sprintf(`(() => { document.querySelector(%q).scrollIntoView({block: "center"}); return true; })()`, sel))
	nextFrames(ctx, t)
	if bad := eval[[]string](ctx, t, fmt.Sprintf(uncoveredJS, sel)); len(bad) > 0 {
		t.Errorf("controls of %s covered or off the screen: %q", sel, bad)
	}
}

// clickAt clicks with the mouse at the centre of sel's element and waits
// for the page it leads to.
func clickAt(ctx context.Context, t *testing.T, sel string) {
	t.Helper()
	c := eval[box](ctx, t, fmt.Sprintf(`(() => { const b = document.querySelector(%q), v = b.getBoundingClientRect();
		if (v.top < 0 || v.bottom > innerHeight) b.scrollIntoView({block: "center"});
		const r = b.getBoundingClientRect();
		return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()`, sel))
	hit := eval[bool](ctx, t, fmt.Sprintf(`(() => { const b = document.querySelector(%q), h = document.elementFromPoint(%f, %f); return h === b || b.contains(h); })()`, sel, c.X, c.Y))
	if !hit {
		t.Fatalf("%s is covered at its centre (%.0f, %.0f)", sel, c.X, c.Y)
	}
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.MouseClickXY(c.X, c.Y))); err != nil {
		t.Fatalf("clicking %s: %v", sel, err)
	}
	nextFrames(ctx, t)
}

// saveScreen saves what the screen shows (saveScreenshot saves the whole
// page).
func saveScreen(ctx context.Context, t *testing.T, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// cardState is a card as the reviewer sees it after coming back.
type cardState struct {
	ID, Status, Hash, Active string
	Top, MarkTop, Height     float64
	InArticle                bool // in the list right after its words' article
}

const cardStateJS = `((id) => {
	const c = document.getElementById(id || location.hash.slice(1));
	if (!c) return {hash: location.hash};
	const m = document.querySelector('mark.anchor[data-comments~="' + c.id + '"]');
	const list = c.closest(".art-comments"), sec = m && m.closest("section");
	const st = c.querySelector('[role="status"]');
	return {id: c.id, hash: location.hash, status: st ? st.textContent.trim() : "", active: document.activeElement.id,
		top: c.getBoundingClientRect().top, height: c.getBoundingClientRect().height,
		markTop: m ? m.getBoundingClientRect().top : -1, inArticle: !!(list && sec && list.previousElementSibling === sec)};
})(%q)`

func readCard(ctx context.Context, t *testing.T, id string) cardState {
	t.Helper()
	return eval[cardState](ctx, t, fmt.Sprintf(cardStateJS, id))
}

// TestBrowserMarginDesktop: at 1366×900 a reviewer selects words by mouse
// far down a long regulation; the comment box opens beside them, the words
// stay highlighted while she types, and after "Add comment" the page comes
// back with her card beside its words, uncovered, saying "Comment added.".
// Filters and next/previous comment work, comments whose words are gone
// are listed at the top, and the editor records a decision with a real
// click on the button and comes back to the same card.
func TestBrowserMarginDesktop(t *testing.T) {
	d := startMarginDesk(t)
	ctx, round := d.ctx, d.reviewerOnRound(t, 1366, 900)

	// Each card sits beside its words.
	for _, c := range eval[[]cardState](ctx, t, `[...document.querySelectorAll("#margin-cards article.comment")].map(c => ({id: c.id,
		top: c.getBoundingClientRect().top, markTop: document.querySelector('mark.anchor[data-comments~="' + c.id + '"]').getBoundingClientRect().top}))`) {
		if math.Abs(c.Top-c.MarkTop) > 4 {
			t.Errorf("%s: card top %.0f, its words' top %.0f", c.ID, c.Top, c.MarkTop)
		}
	}

	checkWordsAndCard(ctx, t, d.shots)

	// Select words by mouse, far down the page.
	w := eval[box](ctx, t, fmt.Sprintf(wordsJS, marginMouse, false))
	if w.Top == 0 && w.Right == 0 {
		t.Fatalf("%q is not in the redline", marginMouse)
	}
	pageY := eval[float64](ctx, t, `scrollY`)
	if pageY < 2000 {
		t.Errorf("the words are only %.0f px down the page; the test wants them thousands of pixels down", pageY)
	}
	err := chromedp.Do(ctx,
		chromedp.MouseEvent(chromedp.MousePressed, w.Left+1, w.Y, chromedp.ButtonLeft, chromedp.ClickCount(1)),
		chromedp.MouseEvent(chromedp.MouseMoved, (w.Left+w.Right)/2, w.Y, func(p *input.DispatchMouseEventParams) { p.Button, p.Buttons = input.MouseButtonLeft, 1 }),
		chromedp.MouseEvent(chromedp.MouseMoved, w.Right-1, w.Y, func(p *input.DispatchMouseEventParams) { p.Button, p.Buttons = input.MouseButtonLeft, 1 }),
		chromedp.MouseEvent(chromedp.MouseReleased, w.Right-1, w.Y, chromedp.ButtonLeft, chromedp.ClickCount(1)),
	)
	if err != nil {
		t.Fatal(err)
	}
	nextFrames(ctx, t)
	boxState := eval[map[string]any](ctx, t, `(() => { const f = document.getElementById("comment-form"), r = f.getBoundingClientRect();
		return {quote: document.getElementById("c-quote").value, top: r.top, visible: r.height > 0, focus: document.activeElement.id,
			kept: CSS.highlights.has("pending-comment") ? CSS.highlights.get("pending-comment").size : 0}; })()`)
	if boxState["quote"] != marginMouse {
		t.Logf("selection %q; words at %+v", eval[string](ctx, t, `getSelection().toString()`), w)
		t.Fatalf("the mouse selection filled the quote with %q, want %q", boxState["quote"], marginMouse)
	}
	if top := boxState["top"].(float64); boxState["visible"] != true || math.Abs(top-w.Top) > 4 {
		t.Errorf("the comment box is at %.0f px (shown: %v), the selected words at %.0f px", top, boxState["visible"], w.Top)
	}
	if boxState["focus"] != "c-body" || boxState["kept"].(float64) != 1 {
		t.Errorf("after the selection the focus is on #%v and %v ranges stay highlighted, want #c-body and 1", boxState["focus"], boxState["kept"])
	}
	checkUncovered(ctx, t, "#comment-form")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("c-body"), "Njëzet fëmijë janë shumë për një grup.")); err != nil {
		t.Fatal(err)
	}
	if kept := eval[float64](ctx, t, `CSS.highlights.has("pending-comment") ? CSS.highlights.get("pending-comment").size : 0`); kept != 1 {
		t.Errorf("while typing, %v ranges are highlighted, want the selected words", kept)
	}
	saveScreen(ctx, t, d.shots, "margin-round-desktop-typing.png")
	eval[bool](ctx, t, fmt.Sprintf(scrollToJS, "#comment-form", 300.0))
	nextFrames(ctx, t)
	before := eval[float64](ctx, t, `document.getElementById("comment-form").getBoundingClientRect().top`)
	clickAt(ctx, t, "#c-submit")

	// Back at the new card, beside its words, where the box was.
	c := readCard(ctx, t, "")
	if c.ID == "" || c.Status != "Comment added." {
		t.Fatalf("after adding, the page is at %q and the card says %q, want \"Comment added.\"", c.Hash, c.Status)
	}
	if math.Abs(c.Top-c.MarkTop) > 4 || math.Abs(c.Top-before) > 40 || c.Active != c.ID {
		t.Errorf("new card: top %.0f, its words %.0f, the box was at %.0f; focus on #%s", c.Top, c.MarkTop, before, c.Active)
	}
	saveScreen(ctx, t, d.shots, "margin-round-desktop-added.png")
	checkUncovered(ctx, t, "#"+c.ID)
	mine := c.ID

	// Filters: the reviewer's own comments, then the outdated ones: round
	// 1's comment on the removed sentence is still open, so round 2 carries
	// it, listed at the top as outdated.
	filterCounts := func(value string) (shown []string) {
		return eval[[]string](ctx, t, fmt.Sprintf(`(() => { const b = document.querySelector('#margin-filters input[value=%q]'); b.click();
			return [...document.querySelectorAll("article.comment")].filter(c => !c.hidden).map(c => c.id); })()`, value))
	}
	if got := filterCounts("mine"); len(got) != 3 || !strings.Contains(strings.Join(got, " "), mine) {
		t.Errorf("\"Mine\" shows %q, want the reviewer's 3 comments (one carried from round 1), %s among them", got, mine)
	}
	if label := eval[string](ctx, t, `document.querySelector('#margin-filters input[value=mine]').parentNode.textContent`); !strings.Contains(label, "(3)") {
		t.Errorf("the \"Mine\" filter is labelled %q, want its count (3)", label)
	}
	if got := filterCounts("outdated"); len(got) != 1 || got[0] != "comment-1" {
		t.Errorf("\"Mine\" and \"Outdated\" show %q, want round 1's carried comment-1", got)
	}
	filterCounts("outdated")
	if got := filterCounts("mine"); len(got) != 4 {
		t.Errorf("with no filter %d cards are shown, want 4", len(got))
	}
	// A card with a reply being written is never hidden.
	eval[bool](ctx, t, `(() => { const c = [...document.querySelectorAll("article.comment")].find(c => !c.dataset.mine);
		c.querySelector("input[name=body]").value = "Po shkruaj"; return true; })()`)
	if got := filterCounts("mine"); len(got) != 4 {
		t.Errorf("\"Mine\" with a reply being written in the editor's card shows %q, want that card too", got)
	}
	filterCounts("mine")

	// Next / previous comment: the key j and the buttons, the outdated
	// comments listed at the top first, then the others in the text's order.
	order := eval[[]string](ctx, t, `[...document.querySelectorAll("#redline mark.anchor")].map(m => m.dataset.comments.split(" ")[0]).filter((v, i, a) => a.indexOf(v) === i)`)
	if len(order) != 3 || order[2] != mine {
		t.Fatalf("marked comments in the text's order: %q", order)
	}
	order = append([]string{"comment-1"}, order...)
	if err := chromedp.Do(ctx, chromedp.KeyEvent("j")); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](ctx, t, `document.activeElement.id`); got != order[0] {
		t.Errorf("after the key j (from the last comment) the focus is on #%s, want #%s", got, order[0])
	}
	if got := eval[string](ctx, t, `document.getElementById("next-comment").click(), document.activeElement.id`); got != order[1] {
		t.Errorf("after \"Next comment\" the focus is on #%s, want #%s", got, order[1])
	}
	if got := eval[string](ctx, t, `document.getElementById("prev-comment").click(), document.activeElement.id`); got != order[0] {
		t.Errorf("after \"Previous comment\" the focus is on #%s, want #%s", got, order[0])
	}
	if got := eval[string](ctx, t, `document.getElementById("next-comment").click(), document.activeElement.id`); got != order[1] {
		t.Errorf("after \"Next comment\" again the focus is on #%s, want #%s", got, order[1])
	}
	if linked := eval[int](ctx, t, `document.querySelectorAll("mark.anchor.is-linked").length`); linked == 0 {
		t.Errorf("the focused card's words are not highlighted")
	}
	eval[bool](ctx, t, `scrollTo(0, 0), true`)
	nextFrames(ctx, t)
	saveScreen(ctx, t, d.shots, "margin-round-desktop-top.png")
	saveScreenshot(ctx, t, d.shots, "margin-round-desktop.png")

	// Comments without a place in the text shown are listed at the top.
	d.open(t, 1366, 900, d.doc+"/diff?from=1&to=2")
	gone := eval[string](ctx, t, `(() => { const s = document.getElementById("margin-elsewhere"); return s.hidden ? "" : s.textContent; })()`)
	if !strings.Contains(gone, marginGone) {
		t.Errorf("the list of outdated comments is %q, want the words %q", gone, marginGone)
	}

	// In the comparative table the cards stay a list, and the filters work.
	d.open(t, 1366, 900, round+"?view=table")
	if got := eval[[]string](ctx, t, `document.querySelector('#margin-filters input[value=mine]').click(),
		[...document.querySelectorAll("article.comment")].filter(c => !c.hidden && !c.style.top).map(c => c.id)`); len(got) != 3 {
		t.Errorf("in the comparative table \"Mine\" shows %q, want the reviewer's 3 comments in a list", got)
	}

	// The editor records a decision with a real click and comes back there.
	clickAndLoad(ctx, t, "form.logout button")
	browserLogin(ctx, t, d.srv.URL, "arta", editorPassword)
	d.open(t, 1366, 900, round)
	sel := "#" + mine
	eval[bool](ctx, t, fmt.Sprintf(scrollToJS, sel, 200.0))
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(sel+` select[name="decision"]`), "accepted")); err != nil {
		t.Fatal(err)
	}
	nextFrames(ctx, t)
	checkUncovered(ctx, t, sel)
	eval[bool](ctx, t, fmt.Sprintf(scrollToJS, sel, 200.0))
	nextFrames(ctx, t)
	clickAt(ctx, t, sel+` .decide-form button[type="submit"]`)
	c = readCard(ctx, t, "")
	if c.ID != mine || c.Status != "Decision recorded." {
		t.Fatalf("after the decision the page is at %q, its card says %q", c.Hash, c.Status)
	}
	if math.Abs(c.Top-200) > 40 || math.Abs(c.Top-c.MarkTop) > 4 {
		t.Errorf("after the decision the card is at %.0f px (its words at %.0f), it was at 200", c.Top, c.MarkTop)
	}
	if dec := eval[string](ctx, t, fmt.Sprintf(`document.querySelector("%s .decision").textContent`, sel)); !strings.Contains(dec, "Accepted") {
		t.Errorf("the card shows the decision %q", dec)
	}
	if u, _ := url.Parse(eval[string](ctx, t, `location.href`)); u == nil || u.Query().Get("notice") != "" {
		t.Errorf("the notice stays in the address %v, so a reload would say it again", u)
	}
	saveScreen(ctx, t, d.shots, "margin-round-decision.png")
}

// TestBrowserMarginPhone: on a 390×844 phone the round page is no wider
// than the screen, each card is listed under its article, and words
// selected by touch fill the quote and open the comment box under their
// article; the new card comes back there saying "Comment added.".
func TestBrowserMarginPhone(t *testing.T) {
	d := startMarginDesk(t)
	ctx := d.ctx
	d.reviewerOnRound(t, 390, 844)
	checkWidth := func(when string) {
		if w := eval[[]float64](ctx, t, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
			t.Errorf("%s: the page is %.0f px wide on a %.0f px screen", when, w[0], w[1])
		}
	}
	checkWidth("on opening")
	for _, id := range eval[[]string](ctx, t, `[...document.querySelectorAll("article.comment")].map(c => c.id)`) {
		if id == "comment-1" { // carried from round 1, its words removed: listed at the top
			if top := eval[bool](ctx, t, `!!document.querySelector("#margin-elsewhere #comment-1")`); !top {
				t.Errorf("comment-1, outdated, is not in the list at the top")
			}
			continue
		}
		if c := readCard(ctx, t, id); !c.InArticle {
			t.Errorf("%s is not listed under its article", id)
		}
	}

	// Touch the words, then select them (as a long press does).
	if _, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 5}); err != nil {
		t.Fatal(err)
	}
	w := eval[box](ctx, t, fmt.Sprintf(wordsJS, marginTouch, false))
	for _, typ := range []input.DispatchTouchEventType{input.DispatchTouchEventTypeTouchStart, input.DispatchTouchEventTypeTouchEnd} {
		p := input.DispatchTouchEventParams{Type: typ, TouchPoints: []*input.TouchPoint{}}
		if typ == input.DispatchTouchEventTypeTouchStart {
			p.TouchPoints = []*input.TouchPoint{{X: w.X, Y: w.Y}}
		}
		if _, err := chromedp.Call(ctx, input.DispatchTouchEvent, p); err != nil {
			t.Fatal(err)
		}
	}
	eval[box](ctx, t, fmt.Sprintf(wordsJS, marginTouch, true))
	if err := chromedp.Do(ctx, void(chromedp.Poll[bool](fmt.Sprintf(`document.getElementById("c-quote").value === %q`, marginTouch),
		chromedp.WithPollingTimeout(5*time.Second)))); err != nil {
		t.Fatalf("the touch selection did not fill the quote (%q): %v", eval[string](ctx, t, `document.getElementById("c-quote").value`), err)
	}
	nextFrames(ctx, t)
	where := eval[map[string]any](ctx, t, fmt.Sprintf(`(() => { const f = document.getElementById("comment-form"), l = f.closest(".art-comments");
		return {under: l ? l.previousElementSibling.textContent.includes(%q) : false, shown: f.getBoundingClientRect().height > 0}; })()`, marginTouch))
	if where["under"] != true || where["shown"] != true {
		t.Errorf("the comment box after a touch selection: %v, want it shown under article 6", where)
	}
	checkUncovered(ctx, t, "#comment-form")
	checkWidth("with the comment box open")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("c-body"), "Edhe për grupin 6.")); err != nil {
		t.Fatal(err)
	}
	saveScreen(ctx, t, d.shots, "margin-round-phone-typing.png")
	clickAt(ctx, t, "#c-submit")
	c := readCard(ctx, t, "")
	if c.ID == "" || c.Status != "Comment added." || !c.InArticle {
		t.Fatalf("after adding on the phone: %+v, want the card under its article saying \"Comment added.\"", c)
	}
	if c.Top < 0 || c.Top > 844 {
		t.Errorf("the new card is at %.0f px, off the screen", c.Top)
	}
	saveScreen(ctx, t, d.shots, "margin-round-phone-added.png")
	checkUncovered(ctx, t, "#"+c.ID)
	checkWidth("after adding")
	eval[bool](ctx, t, `scrollTo(0, 0), true`)
	nextFrames(ctx, t)
	saveScreen(ctx, t, d.shots, "margin-round-phone-top.png")
	saveScreenshot(ctx, t, d.shots, "margin-round-phone.png")
}

// checkWordsAndCard: the words and the card of the first comment highlight
// each other on hover and on focus, a click on the words focuses the card,
// and words selected next to it (by script, as the keyboard does: no mouse
// event) open the comment box there with the card pushed aside, nothing
// covered; Cancel closes the box and the card goes back beside its words.
func checkWordsAndCard(ctx context.Context, t *testing.T, shots string) {
	t.Helper()
	id := eval[string](ctx, t, `(() => { const m = document.querySelector("#redline mark.anchor"); m.scrollIntoView({block: "center"}); return m.dataset.comments.split(" ")[0]; })()`)
	nextFrames(ctx, t)
	m := eval[box](ctx, t, `(() => { const r = document.querySelector("#redline mark.anchor").getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()`)
	linked := fmt.Sprintf(`document.getElementById(%q).classList.contains("is-linked")`, id)
	if err := chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseMoved, m.X, m.Y)); err != nil {
		t.Fatal(err)
	}
	if !eval[bool](ctx, t, linked) {
		t.Errorf("hovering the marked words does not highlight %s", id)
	}
	if err := chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseMoved, 5, 5)); err != nil {
		t.Fatal(err)
	}
	if eval[bool](ctx, t, linked) {
		t.Errorf("%s stays highlighted after the mouse left its words", id)
	}
	focused := eval[bool](ctx, t, fmt.Sprintf(`document.querySelector("#%s input[name=body]").focus(),
		document.querySelector('mark.anchor[data-comments~="%s"]').classList.contains("is-linked")`, id, id))
	if !focused {
		t.Errorf("focus in %s's reply field does not highlight its words", id)
	}
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(m.X, m.Y)); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](ctx, t, `document.activeElement.id`); got != id {
		t.Errorf("a click on the marked words focuses #%s, want #%s", got, id)
	}

	w := eval[box](ctx, t, fmt.Sprintf(wordsJS, "Paragrafi 7:", true))
	if err := chromedp.Do(ctx, void(chromedp.Poll[bool](`document.getElementById("c-quote").value === "Paragrafi 7:"`,
		chromedp.WithPollingTimeout(5*time.Second)))); err != nil {
		t.Fatalf("a selection without the mouse did not fill the quote: %v", err)
	}
	nextFrames(ctx, t)
	got := eval[map[string]float64](ctx, t, fmt.Sprintf(`(() => { const f = document.getElementById("comment-form").getBoundingClientRect(),
		c = document.getElementById(%q).getBoundingClientRect();
		return {form: f.top, formBottom: f.bottom, card: c.top, cardBottom: c.bottom}; })()`, id))
	if math.Abs(got["form"]-w.Top) > 4 || got["card"] < got["formBottom"] && got["cardBottom"] > got["form"] {
		t.Errorf("comment box at %.0f–%.0f px beside words at %.0f px, the card %s at %.0f–%.0f px: want the box at the words and apart from the card",
			got["form"], got["formBottom"], w.Top, id, got["card"], got["cardBottom"])
	}
	for _, sel := range []string{"#comment-form", "#" + id} {
		if bad := eval[[]string](ctx, t, fmt.Sprintf(uncoveredJS, sel)); len(bad) > 0 {
			t.Errorf("with the comment box open, controls of %s are covered or off the screen: %q", sel, bad)
		}
	}
	saveScreen(ctx, t, shots, "margin-round-desktop-box-by-card.png")
	c := eval[box](ctx, t, `(() => { const r = document.getElementById("c-cancel").getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()`)
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(c.X, c.Y)); err != nil {
		t.Fatal(err)
	}
	nextFrames(ctx, t)
	after := eval[map[string]any](ctx, t, fmt.Sprintf(`(() => ({open: document.getElementById("comment-form").getBoundingClientRect().height > 0,
		kept: CSS.highlights.has("pending-comment"), quote: document.getElementById("c-quote").value,
		apart: document.getElementById(%q).getBoundingClientRect().top - document.querySelector('mark.anchor[data-comments~="%s"]').getBoundingClientRect().top}))()`, id, id))
	if after["open"] != false || after["kept"] != false || after["quote"] != "" || math.Abs(after["apart"].(float64)) > 4 {
		t.Errorf("after Cancel: %v, want the box closed, no highlight, no quote and the card back beside its words", after)
	}
}
