package main

// Accessibility, phones and print in a real headless Chromium, on the demo
// library: axe-core (downloaded by scripts/test-deps.sh from the npm
// registry, its sha512 checked) audits every page at a desktop and a phone
// size, no page is wider than a phone's screen, and printing a document or a
// redline prints its text only.

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axeScript is the text of axe.min.js named by POLICYDESK_AXE. Without it
// the test fails when POLICYDESK_REQUIRE_AXE=1 (make test sets it) or in
// CI, and is skipped elsewhere.
func axeScript(t *testing.T) string {
	t.Helper()
	path := os.Getenv("POLICYDESK_AXE")
	var b []byte
	err := fmt.Errorf("POLICYDESK_AXE is not set")
	if path != "" {
		b, err = os.ReadFile(path)
	}
	if err == nil && !strings.Contains(string(b[:min(len(b), 200)]), "axe v") {
		err = fmt.Errorf("%s is not axe-core's axe.min.js", path)
	}
	if err != nil {
		if os.Getenv("POLICYDESK_REQUIRE_AXE") == "1" || os.Getenv("CI") == "true" {
			t.Fatalf("axe-core is required for the accessibility tests but cannot be read (%v); make deps downloads it into .tools/axe-core", err)
		}
		t.Skipf("axe-core not available (%v); set POLICYDESK_AXE to axe.min.js, and POLICYDESK_REQUIRE_AXE=1 to make this a failure", err)
	}
	return string(b)
}

// demoDesk is the demo library on a running server with two review rounds
// on the day-care regulation (v2 and v3) and a comment with a suggestion
// and a reply in round 2, and a browser logged in as admin.
type demoDesk struct {
	srv   *testServer
	ctx   context.Context
	admin *apiClient
	doc   documentJSON
	shots string
}

func startDemoDesk(t *testing.T, timeout time.Duration) *demoDesk {
	t.Helper()
	ctx := newBrowserWithin(t, timeout)
	srv := startServer(t, loadDemoData(t))
	waitSearchCaughtUp(t, srv)
	admin := loginAPI(t, srv.URL, "admin", demoPassword)
	var list struct{ Documents []documentJSON }
	admin.call(t, "GET", "/api/v1/documents?kind=regulation", nil, &list)
	d := &demoDesk{srv: srv, ctx: ctx, admin: admin, shots: screenshotDir(t)}
	for _, doc := range list.Documents {
		if doc.Title == dayCareReg {
			d.doc = doc
		}
	}
	if d.doc.Head < 3 {
		t.Fatalf("the demo library has no %q in three versions: %+v", dayCareReg, list.Documents)
	}
	docAPI := fmt.Sprintf("/api/v1/documents/%d", d.doc.ID)
	for r, v := range []int{d.doc.Head - 1, d.doc.Head} {
		admin.call(t, "POST", docAPI+"/rounds", map[string]any{"name": fmt.Sprintf("Raundi %d", r+1), "version": v}, nil)
	}
	var c struct{ ID int64 }
	admin.call(t, "POST", docAPI+"/comments", map[string]any{"version": d.doc.Head, "round": 2,
		"quote": "interesit më të mirë të fëmijës", "body": "Të citohet neni përkatës i Konventës.",
		"suggestion": "interesit më të mirë të fëmijës, sipas Konventës"}, &c)
	admin.call(t, "POST", fmt.Sprintf("/api/v1/comments/%d/replies", c.ID), map[string]any{"body": "Do të shqyrtohet."}, nil)
	browserLogin(ctx, t, srv.URL, "admin", demoPassword)
	return d
}

// a11yPage is a page the accessibility test visits: ready is a script that
// is true once the page has drawn what it is checked for.
type a11yPage struct{ name, path, ready string }

func (d *demoDesk) pages() []a11yPage {
	doc := fmt.Sprintf("/documents/%d", d.doc.ID)
	diff := fmt.Sprintf("%s/diff?from=%d&to=%d", doc, d.doc.Head-1, d.doc.Head)
	const text = `!!document.querySelector("#rendered, #redline")`
	return []a11yPage{
		{"library", "/documents", `!!document.querySelector("table.list")`},
		{"document", doc, text},
		{"old-version", doc + "/versions/1", text},
		{"redline", diff, `!!document.querySelector("#redline ins")`},
		{"redline-table", diff + "&view=table", `!!document.querySelector("#redline ins")`},
		{"round", doc + "/rounds/2", `!!document.querySelector("#redline") && !!document.querySelector("article.comment")`},
		{"report", doc + "/rounds/2/report", `!!document.querySelector("table#report")`},
		{"round-close", doc + "/rounds/2/close", `!!document.getElementById("close-round")`},
		{"search", "/search?q=qendrat+ditore", `!!document.querySelector("#results article.hit")`},
		{"edit", doc + "/edit", `document.getElementById("preview").hasAttribute("data-rendered")`},
		{"new", "/documents/new", `!!document.querySelector("textarea[name=body]")`},
		{"users", "/users", `!!document.querySelector("table.list")`},
		{"audit", "/audit", `!!document.querySelector("table.list")`},
		{"indexing", "/admin/indexing", `!!document.querySelector("h1")`},
		{"password", "/account/password", `!!document.querySelector("input[name=new_password]")`},
	}
}

// open shows path at size and waits until ready.
func (d *demoDesk) open(t *testing.T, size struct {
	name string
	w, h int64
}, p a11yPage) {
	t.Helper()
	err := chromedp.Do(d.ctx,
		chromedp.EmulateViewport(size.w, size.h),
		chromedp.Navigate(d.srv.URL+p.path),
		void(chromedp.Poll[bool](p.ready, chromedp.WithPollingTimeout(15*time.Second))),
	)
	// The poll may start in the page being left, whose script context goes
	// away under it ("Cannot find context with specified id"); it is then
	// asked again in the page that arrived.
	if err != nil && strings.Contains(err.Error(), "Cannot find context") {
		err = chromedp.Do(d.ctx, void(chromedp.Poll[bool](p.ready, chromedp.WithPollingTimeout(15*time.Second))))
	}
	if err != nil {
		t.Fatalf("%s at %s: opening %s: %v", p.name, size.name, p.path, err)
	}
}

// axeViolation is one rule axe-core found broken, with the elements.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// runAxe injects axe-core into the page and returns its violations.
func runAxe(ctx context.Context, t *testing.T, axe string) []axeViolation {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+"\n;true")); err != nil {
		t.Fatalf("injecting axe-core: %v", err)
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {resultTypes: ["violations"]}).then(r =>
		r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
			targets: v.nodes.map(n => n.target.join(" "))})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe-core: %v", err)
	}
	return vs
}

// axeCounts is "critical 0, serious 0, moderate 1 (3 elements), minor 0".
func axeCounts(vs []axeViolation) string {
	rules, nodes := map[string]int{}, map[string]int{}
	for _, v := range vs {
		rules[v.Impact]++
		nodes[v.Impact] += len(v.Targets)
	}
	var out []string
	for _, impact := range []string{"critical", "serious", "moderate", "minor"} {
		s := fmt.Sprintf("%s %d", impact, rules[impact])
		if rules[impact] > 0 {
			ids := []string{}
			for _, v := range vs {
				if v.Impact == impact {
					ids = append(ids, v.ID)
				}
			}
			sort.Strings(ids)
			s += fmt.Sprintf(" (%d elements: %s)", nodes[impact], strings.Join(ids, " "))
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

// checkAxe fails on every serious or critical violation and logs the
// counts by impact.
func checkAxe(t *testing.T, label string, vs []axeViolation) {
	t.Helper()
	t.Logf("axe %s: %s", label, axeCounts(vs))
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("axe %s: %s violation %s: %s; elements: %s", label, v.Impact, v.ID, v.Help, strings.Join(v.Targets, " | "))
		}
	}
}

// pageWidthJS is the page's width and the widest elements that stick out
// of the viewport, for the message.
const pageWidthJS = `(() => {
	const w = window.innerWidth, out = [];
	for (const el of document.querySelectorAll("body *")) {
		const r = el.getBoundingClientRect();
		if (r.right > w + 1 && out.length < 5 && getComputedStyle(el).position !== "fixed")
			out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") + " right=" + Math.round(r.right));
	}
	return {scroll: document.documentElement.scrollWidth, inner: w, wide: out};
})()`

type pageWidth struct {
	Scroll, Inner int
	Wide          []string
}

// TestBrowserAccessibility visits every page of the demo library — the
// library, a document, an old version, the redline inline and as a table,
// a round with a comment, the report, the close confirmation, search with
// results, the editor, a new document, users, audit, indexing, password
// and, logged out, the login page — at 1366×900 and 390×844, runs axe-core
// on each and fails on any serious or critical violation; at both sizes no
// page is wider than the screen. A screenshot of each is saved.
func TestBrowserAccessibility(t *testing.T) {
	axe := axeScript(t)
	d := startDemoDesk(t, 6*time.Minute)
	pages := d.pages()
	for _, size := range browserSizes {
		for _, p := range pages {
			d.open(t, size, p)
			d.checkPage(t, size.name, p.name, axe)
		}
	}
	for _, size := range browserSizes {
		d.openConflict(t, size)
		d.checkPage(t, size.name, "conflict", axe)
	}
	clickAndLoad(d.ctx, t, "form.logout button")
	login := a11yPage{"login", "/login", `!!document.querySelector("input[name=login]")`}
	for _, size := range browserSizes {
		d.open(t, size, login)
		d.checkPage(t, size.name, login.name, axe)
	}

	// Control: axe must report what it is there to find, or the checks
	// above prove nothing.
	if _, err := chromedp.Run(d.ctx, chromedp.Evaluate[bool](`(() => {
		document.querySelector("main").insertAdjacentHTML("beforeend",
			'<input id="planted-input"><p id="planted-text">faint words</p>');
		// Through the CSSOM: the CSP refuses inline style attributes.
		Object.assign(document.getElementById("planted-text").style, {color: "#bbb", background: "#fff"});
		return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, v := range runAxe(d.ctx, t, axe) {
		found[v.ID] = v.Impact + " " + strings.Join(v.Targets, " ")
	}
	if !strings.Contains(found["label"], "critical #planted-input") || !strings.Contains(found["color-contrast"], "serious #planted-text") {
		t.Errorf("axe missed a planted unlabelled field or faint text: %v", found)
	}
}

// checkPage saves a screenshot of the open page, checks its width and runs
// axe-core on it.
func (d *demoDesk) checkPage(t *testing.T, size, name, axe string) {
	t.Helper()
	label := name + " " + size
	saveScreenshot(d.ctx, t, d.shots, "a11y-"+name+"-"+size+".png")
	w, err := chromedp.Run(d.ctx, chromedp.Evaluate[pageWidth](pageWidthJS))
	if err != nil {
		t.Fatal(err)
	}
	if w.Scroll > w.Inner {
		t.Errorf("%s: the page is %d px wide on a %d px screen; sticking out: %q", label, w.Scroll, w.Inner, w.Wide)
	}
	checkAxe(t, label, runAxe(d.ctx, t, axe))
}

// TestBrowserAccessibilityKeyboard: the first Tab on a page lands on "Skip
// to content", which leads to main; every link, button, field and summary
// shows a visible focus outline when reached by keyboard.
func TestBrowserAccessibilityKeyboard(t *testing.T) {
	d := startDemoDesk(t, 2*time.Minute)
	for _, p := range d.pages()[:6] {
		d.open(t, browserSizes[0], p)
		got, err := chromedp.Run(d.ctx, chromedp.Evaluate[map[string]any](`(() => {
			const first = [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]")]
				.find(e => e.tabIndex >= 0);
			return {first: first ? first.outerHTML.slice(0, 120) : "", href: first ? first.getAttribute("href") || "" : "",
				mainID: (document.querySelector("main") || {}).id || ""};
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if got["href"] != "#"+fmt.Sprint(got["mainID"]) || got["mainID"] == "" || !strings.Contains(got["first"].(string), "Skip to content") {
			t.Errorf("%s: the first focusable element is %q, want a “Skip to content” link to main (#%v)", p.name, got["first"], got["mainID"])
		}
		// Tab through the page as a keyboard user would; each stop must
		// draw an outline (or a box shadow) of at least 2 px.
		var bare []string
		for i := 0; i < 25; i++ {
			if err := chromedp.Do(d.ctx, chromedp.KeyEvent("\t")); err != nil {
				t.Fatal(err)
			}
			st, err := chromedp.Run(d.ctx, chromedp.Evaluate[map[string]string](`(() => {
				const e = document.activeElement, s = getComputedStyle(e);
				return {el: e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " " + (e.textContent || e.name || "").trim().slice(0, 30),
					outline: s.outlineStyle + " " + s.outlineWidth, shadow: s.boxShadow};
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(st["el"], "body") {
				break // past the last control, the focus goes back to the page
			}
			width, _ := strconv.ParseFloat(strings.TrimSuffix(strings.Fields(st["outline"] + " 0px")[1], "px"), 64)
			if (strings.HasPrefix(st["outline"], "none") || width < 2) && st["shadow"] == "none" {
				bare = append(bare, st["el"]+" ("+st["outline"]+")")
			}
		}
		if len(bare) > 0 {
			t.Errorf("%s: keyboard focus is not visible on %q", p.name, bare)
		}
		// Tab, Enter on the skip link: the focus moves to main, and the next
		// Tab goes to main's first control, past the header.
		d.open(t, browserSizes[0], p)
		var after []string
		for _, key := range []string{"\t", "\r", "\t"} {
			if err := chromedp.Do(d.ctx, chromedp.KeyEvent(key)); err != nil {
				t.Fatal(err)
			}
			el, err := chromedp.Run(d.ctx, chromedp.Evaluate[string](
				`(e => e.tagName === "MAIN" ? "main" : e.closest("main") ? "in main" : e.closest("header") ? "in header" : e.className || e.tagName)(document.activeElement)`))
			if err != nil {
				t.Fatal(err)
			}
			after = append(after, el)
		}
		if after[0] != "skip-link" || after[1] != "main" || after[2] != "in main" {
			t.Errorf("%s: Tab, Enter, Tab from the top focused %q, want the skip link, main, then a control after the header", p.name, after)
		}
		if p.name == "document" {
			saveScreenshot(d.ctx, t, d.shots, "a11y-focus-document-desktop.png")
		}
	}
}

// openConflict shows the merge page: the browser edits the day-care
// regulation's first lines while a save through the API changes them too.
func (d *demoDesk) openConflict(t *testing.T, size struct {
	name string
	w, h int64
}) {
	t.Helper()
	docPath := fmt.Sprintf("/documents/%d", d.doc.ID)
	d.open(t, size, a11yPage{"edit", docPath + "/edit", `document.getElementById("preview").hasAttribute("data-rendered")`})
	var doc documentJSON
	d.admin.call(t, "GET", "/api/v1"+docPath, nil, &doc)
	var head versionJSON
	d.admin.call(t, "GET", fmt.Sprintf("/api/v1%s/versions/%d", docPath, doc.Head), nil, &head)
	theirs := strings.Replace(head.Body, "Ministri i Drejtësisë,", "Ministri i Drejtësisë dhe i Punës, "+size.name+",", 1)
	d.admin.call(t, "POST", "/api/v1"+docPath+"/versions", map[string]any{"base": doc.Head, "body": theirs, "message": "Titulli i ministrit"}, nil)
	mine := strings.Replace(head.Body, "Ministri i Drejtësisë,", "Ministrja e Drejtësisë, "+size.name+",", 1)
	if err := chromedp.Do(d.ctx, chromedp.SetValue(chromedp.ID("body"), mine)); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(d.ctx, t, "#save")
	if err := chromedp.Do(d.ctx, chromedp.WaitVisible(chromedp.CSS("#editor-form #body"))); err != nil {
		t.Fatal(err)
	}
	if loc, _ := chromedp.Run(d.ctx, chromedp.Location()); !strings.HasSuffix(loc, docPath+"/edit") {
		t.Fatalf("after a save over a newer version the browser is at %s, want the merge page", loc)
	}
}

// TestBrowserNotByColourAlone: what the pages mark by colour they also say
// in words — the version shown in the versions table, the redline's counts
// of inserted and deleted words, the document statuses in the library, the
// articles' statuses in the redline.
func TestBrowserNotByColourAlone(t *testing.T) {
	d := startDemoDesk(t, time.Minute)
	pages := d.pages()
	checks := []struct {
		page      a11yPage
		js, label string
	}{
		{pages[1], `[...document.querySelectorAll("#versions tr.current")].map(tr => tr.cells[1].textContent.includes("shown") && tr.getAttribute("aria-current") === "true")`,
			"the versions table's highlighted row says it is the one shown"},
		{pages[3], `[document.querySelector("#summary ins").textContent.includes("inserted"), document.querySelector("#summary del").textContent.includes("deleted")]`,
			"the summary says which count is inserted and which deleted"},
		{pages[0], `[...document.querySelectorAll("table.list .status")].map(s => s.textContent.trim() !== "")`,
			"every coloured status badge has its status in words"},
		{pages[3], `[...document.querySelectorAll("#redline section:not(.art-unchanged) .art-head")].map(h => /\((changed|added|deleted|moved)/.test(h.textContent))`,
			"every article marked by a coloured border says how it changed"},
	}
	for _, c := range checks {
		d.open(t, browserSizes[0], c.page)
		got, err := chromedp.Run(d.ctx, chromedp.Evaluate[[]bool](c.js))
		if err != nil {
			t.Fatal(err)
		}
		ok := len(got) > 0
		for _, g := range got {
			ok = ok && g
		}
		if !ok {
			t.Errorf("%s: want %s, got %v", c.page.name, c.label, got)
		}
	}
}
