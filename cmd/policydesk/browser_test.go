package main

// End-to-end tests in a real headless Chromium: the binary runs as its own
// process and the browser drives its pages the way a legal expert would.

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// browserTimeout bounds each browser test, start-up included.
const browserTimeout = 60 * time.Second

// newBrowser starts headless Chromium with a throw-away profile and returns a
// tab context that ends after browserTimeout. Without Chromium the test
// fails in CI (or when POLICYDESK_REQUIRE_BROWSER=1) and is skipped elsewhere.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return newBrowserWithin(t, browserTimeout)
}

// newBrowserWithin is newBrowser for a test that needs longer than
// browserTimeout (one visiting many pages).
func newBrowserWithin(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	execPath, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("POLICYDESK_REQUIRE_BROWSER") == "1" || os.Getenv("CI") == "true" {
			t.Fatalf("Chromium is required for the browser tests but was not found (%v); install Debian's chromium (make deps)", err)
		}
		t.Skipf("Chromium not found (%v); set POLICYDESK_REQUIRE_BROWSER=1 to make this a failure", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	// The first action binds the browser's life to its context, so start it
	// without the deadline and put the deadline on the test's actions only.
	if err := chromedp.Do(ctx); err != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("starting Chromium: %v", err)
	}
	tctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	return tctx
}

// void drops an action's value so it can run in chromedp.Do.
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

// screenshotDir is POLICYDESK_SCREENSHOTS when set, else the test's temp dir.
func screenshotDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("POLICYDESK_SCREENSHOTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

func saveScreenshot(ctx context.Context, t *testing.T, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 is PNG
	if err != nil && strings.Contains(err.Error(), "too large") {
		// Taller than Chromium draws in one image: keep what is on screen.
		t.Logf("screenshot %s: the page is too tall for one image; saving the screen only", name)
		png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// browserLogin logs in through the login form.
func browserLogin(ctx context.Context, t *testing.T, base, login, password string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="login"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="login"]`), login),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.logout`)),
	)
	if err != nil {
		t.Fatalf("logging in as %s through the form: %v", login, err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := url.Parse(loc); u == nil || u.Path != "/documents" {
		t.Fatalf("after login the browser is at %s, want /documents", loc)
	}
}

func TestBrowserEditFlow(t *testing.T) {
	srv := startServer(t, "")
	ctx := newBrowser(t)
	shots := screenshotDir(t)

	const (
		title = "Rregullore për Qendrat Ditore"
		body  = "# Rregullore për Qendrat Ditore\n\n" +
			"## Neni 1 – Qëllimi\n\n" +
			"Kjo rregullore përcakton standardet minimale për qendrat ditore për fëmijë.\n\n" +
			"## Neni 2 – Fushëveprimi\n\n" +
			"Rregullorja zbatohet për të gjitha qendrat ditore, publike dhe private, në Republikën e Kosovës.\n"
		typed   = "\n## Neni 3 – Hyrja në fuqi\n\nKjo rregullore hyn në fuqi shtatë ditë pas publikimit në Gazetën Zyrtare.\n"
		newText = "shtatë ditë pas publikimit në Gazetën Zyrtare"
		message = "Shtohet Neni 3 – hyrja në fuqi"
	)

	browserLogin(ctx, t, srv.URL, "admin", e2eAdminPassword)

	// Create the document through the page's form.
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/documents/new"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="title"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="title"]`), title),
		chromedp.SetValue(chromedp.CSS(`textarea[name="body"]`), body),
		chromedp.SendKeys(chromedp.CSS(`input[name="message"]`), "Drafti i parë"),
		chromedp.Click(chromedp.CSS(`form[action="/documents/new"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("edit-link")),
	)
	if err != nil {
		t.Fatalf("creating the document through /documents/new: %v", err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	docURL, err := url.Parse(loc)
	if err != nil || !strings.HasPrefix(docURL.Path, "/documents/") {
		t.Fatalf("after creating, the browser is at %q", loc)
	}
	docPath := docURL.Path
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.doc-head h1`)))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(h1) != title {
		t.Errorf("document heading = %q, want %q", h1, title)
	}

	// Open the editor and wait for the first live preview.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("edit-link")),
		chromedp.WaitVisible(chromedp.CSS(`textarea#body`)),
		void(chromedp.Poll[bool](`document.getElementById("preview").hasAttribute("data-rendered")`,
			chromedp.WithPollingTimeout(10*time.Second))),
	)
	if err != nil {
		t.Fatalf("opening the editor: %v", err)
	}

	// Type at the end of the text, key by key, as an expert would.
	err = chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`(() => { const b = document.getElementById("body"); b.focus(); b.setSelectionRange(b.value.length, b.value.length); })()`),
		chromedp.SendKeys(chromedp.CSS(`textarea#body`), typed),
	)
	if err != nil {
		t.Fatalf("typing into the editor: %v", err)
	}
	value, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`textarea#body`)))
	if err != nil {
		t.Fatal(err)
	}
	if value != body+typed {
		t.Fatalf("textarea after typing = %q, want %q", value, body+typed)
	}
	previewHasNewText := fmt.Sprintf(`(() => {
		const p = document.getElementById("preview");
		return p.hasAttribute("data-rendered") && p.textContent.includes(%q) &&
			[...p.querySelectorAll("h2")].some(h => h.textContent.includes("Neni 3"));
	})()`, newText)
	if err := chromedp.Do(ctx, void(chromedp.Poll[bool](previewHasNewText, chromedp.WithPollingTimeout(10*time.Second)))); err != nil {
		preview, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("preview")))
		t.Fatalf("the live preview never showed the typed words: %v; preview text: %q", err, preview)
	}
	saveScreenshot(ctx, t, shots, "edit-flow-editor.png")

	// Save with a message.
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("message"), message),
		chromedp.Click(chromedp.ID("save")),
		chromedp.WaitVisible(chromedp.CSS(`table#versions`)),
	)
	if err != nil {
		t.Fatalf("saving: %v", err)
	}
	loc, err = chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := url.Parse(loc); u == nil || u.Path != docPath {
		t.Errorf("after saving, the browser is at %s, want %s", loc, docPath)
	}
	// Read the table by its cells, not its layout: the row whose first cell
	// is "v2" must carry the message (in .message when the row has one).
	type versionRow struct {
		Num     string `json:"num"`
		Text    string `json:"text"`
		Message string `json:"message"`
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]versionRow](`[...document.querySelectorAll("#versions tbody tr")].map(tr => ({
		num: tr.cells[0].textContent.trim(),
		text: tr.textContent.replace(/\s+/g, " ").trim(),
		message: (tr.querySelector(".message") || {textContent: ""}).textContent.trim(),
	}))`))
	if err != nil {
		t.Fatal(err)
	}
	var v2 *versionRow
	for i := range rows {
		if rows[i].Num == "v2" {
			v2 = &rows[i]
		}
	}
	switch {
	case v2 == nil:
		t.Fatalf("no v2 row in #versions: %+v", rows)
	case !strings.Contains(v2.Text, message) || v2.Message != "" && v2.Message != message:
		t.Errorf("v2 row = %+v, want the message %q", *v2, message)
	case !strings.Contains(v2.Text, "admin"):
		t.Errorf("v2 row = %+v, want the author admin", *v2)
	}
	rendered, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`article#rendered`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{newText, "Neni 3 – Hyrja në fuqi", "Neni 1 – Qëllimi", "Version 2"} {
		if !strings.Contains(rendered, want) {
			t.Errorf("rendered document lacks %q:\n%s", want, rendered)
		}
	}
	saveScreenshot(ctx, t, shots, "edit-flow-document.png")

	// The server stored exactly what was typed, diacritics and all.
	api := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	var v versionJSON
	if err := api.do(ctx, "GET", "/api/v1"+docPath+"/versions/2", nil, &v); err != nil {
		t.Fatal(err)
	}
	if v.Body != body+typed || v.SHA256 != sha256Hex(body+typed) || v.Message != message {
		t.Errorf("stored version 2 = %+v, want body %q with its sha256 and message %q", v, body+typed, message)
	}
}

// xssSVG sets __xss when an SVG document's scripts run.
const xssSVG = `<svg xmlns="http://www.w3.org/2000/svg" onload="window.__xss=9"><script>window.__xss=9;alert(9)</script></svg>`

var xssBody = strings.Join([]string{
	"# Provë sigurie",
	"## Neni 1 – Qëllimi <img src=x onerror=\"window.__xss=12\">",
	"<script>window.__xss=1</script>",
	"[a](javascript:window.__xss=2)",
	"[b](&#106;avascript:window.__xss=3)",
	"[c](JaVaScRiPt:window.__xss=4)",
	`<img src=x onerror="window.__xss=5">`,
	"![d](data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(xssSVG)) + ")",
	`<iframe src="javascript:window.__xss=6"></iframe>`,
	`<svg onload="window.__xss=7">`,
	"[e](vbscript:msgbox)",
	"[f](javascript:alert(1)) and <a href=\"javascript:alert(2)\">raw link</a>",
	"<javascript:alert(3)> [g](java\tscript:alert(4)) [h](  javascript:alert(5))",
	"[i][ref] and [j](#art-1 \"x\\\" onmouseover=\\\"window.__xss=11\")",
	"[ref]: javascript:window.__xss=10",
	"| Neni | Tekst |\n|---|---|\n| 1 | <img src=x onerror=alert(13)> [k](javascript:alert(14)) |",
	"<details open ontoggle=\"window.__xss=15\"><summary>x</summary></details>",
	"<style>body{background:url(javascript:alert(16))}</style>",
}, "\n\n") + "\n"

const xssTitle = `<img src=x onerror=window.__xss=8>`

// auditJS inspects the page for anything that could run a script. It returns
// the page's foreign scripts, on* attributes anywhere, URLs in the rendered
// text that are not http(s)/mailto/fragment, and active elements there.
const auditJS = `(() => {
	const out = {scripts: [], handlers: [], urls: [], elements: [], title: document.title, heading: ""};
	for (const s of document.scripts) {
		let ok = false;
		try { const u = new URL(s.src); ok = s.src !== "" && u.origin === location.origin && u.pathname.startsWith("/static/"); } catch (e) {}
		if (!ok) out.scripts.push(s.outerHTML.slice(0, 200));
	}
	for (const el of document.querySelectorAll("*")) {
		for (const a of el.attributes) {
			if (/^on/i.test(a.name)) out.handlers.push(el.tagName + " " + a.name + "=" + a.value);
		}
	}
	for (const root of document.querySelectorAll("article#rendered, #preview")) {
		for (const el of root.querySelectorAll("*")) {
			if (/^(script|iframe|object|embed|svg|math|style|link|meta|base|form|input|button|details)$/i.test(el.tagName)) out.elements.push(el.tagName);
			for (const a of el.attributes) {
				if (!/^(href|src|srcset|xlink:href|action|formaction|data|poster|background)$/i.test(a.name)) continue;
				const v = a.value.trim();
				if (v.startsWith("#")) continue;
				let scheme = "invalid:";
				try { scheme = new URL(v, location.href).protocol; } catch (e) {}
				if (!["http:", "https:", "mailto:"].includes(scheme)) out.urls.push(el.tagName + " " + a.name + "=" + v);
			}
		}
	}
	const h = document.querySelector(".doc-head h1, main h1 span");
	if (h) out.heading = h.textContent + "|" + h.children.length;
	return out;
})()`

type pageAudit struct {
	Scripts  []string `json:"scripts"`
	Handlers []string `json:"handlers"`
	URLs     []string `json:"urls"`
	Elements []string `json:"elements"`
	Title    string   `json:"title"`
	Heading  string   `json:"heading"`
}

func TestBrowserXSS(t *testing.T) {
	srv := startServer(t, "")
	api := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	doc := api.createDocument(t, xssTitle, xssBody)
	ctx := newBrowser(t)
	shots := screenshotDir(t)

	// Any dialog is a script that ran: record it and dismiss it so the page
	// does not hang.
	var (
		mu      sync.Mutex
		dialogs []string
	)
	dialogEvents := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogEvents {
			if err != nil {
				return
			}
			mu.Lock()
			dialogs = append(dialogs, string(ev.Type)+": "+ev.Message)
			mu.Unlock()
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	// Record CSP violations from the first byte of every document: a blocked
	// script means the sanitiser let one through and only the CSP stopped it.
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__csp = []; document.addEventListener("securitypolicyviolation",
			e => window.__csp.push(e.effectiveDirective + " " + e.blockedURI + " " + (e.sample || "")));`,
	})
	if err != nil {
		t.Fatal(err)
	}

	browserLogin(ctx, t, srv.URL, "admin", e2eAdminPassword)

	base := fmt.Sprintf("%s/documents/%d", srv.URL, doc.ID)
	pages := []struct {
		name, url, ready string
	}{
		{"document", base, `!!document.querySelector("article#rendered")`},
		{"version", base + "/versions/1", `!!document.querySelector("article#rendered")`},
		{"editor", base + "/edit", `document.getElementById("preview") && document.getElementById("preview").hasAttribute("data-rendered")`},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			err := chromedp.Do(ctx,
				chromedp.Navigate(p.url),
				void(chromedp.Poll[bool](p.ready, chromedp.WithPollingTimeout(10*time.Second))),
			)
			if err != nil {
				t.Fatalf("loading %s: %v", p.url, err)
			}
			// The payloads' wording must still be there, as text.
			text, err := chromedp.Run(ctx, chromedp.Evaluate[string](
				`(document.querySelector("article#rendered") || document.getElementById("preview")).textContent`))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(text, "Neni 1") || !strings.Contains(text, "raw link") {
				t.Errorf("rendered text lost the draft's wording: %q", text)
			}

			// Click every link of the rendered text, then give scripts time to run.
			links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
				window.__marker = "still-here";
				const links = [...document.querySelectorAll("article#rendered a, #preview a")];
				const hrefs = links.map(a => a.getAttribute("href"));
				links.forEach(a => a.click());
				return hrefs;
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: clicked %d links: %q", p.name, len(links), links)
			if err := chromedp.Do(ctx, chromedp.Sleep(500*time.Millisecond)); err != nil {
				t.Fatal(err)
			}

			state, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](
				`({xss: window.__xss === undefined ? null : String(window.__xss), marker: window.__marker || null, csp: window.__csp || []})`))
			if err != nil {
				t.Fatal(err)
			}
			if state["xss"] != nil {
				t.Errorf("%s: a payload ran: window.__xss = %v", p.name, state["xss"])
			}
			if state["marker"] != "still-here" {
				t.Logf("%s: clicking a link navigated away from the page", p.name)
			}
			if csp, _ := state["csp"].([]any); len(csp) > 0 {
				for _, v := range csp {
					if s := fmt.Sprint(v); strings.HasPrefix(s, "script-src") || strings.HasPrefix(s, "frame-src") || strings.HasPrefix(s, "object-src") {
						t.Errorf("%s: the CSP had to block a payload: %s", p.name, s)
					} else {
						t.Logf("%s: CSP violation: %s", p.name, s)
					}
				}
			}

			if err := chromedp.Do(ctx, chromedp.Navigate(p.url),
				void(chromedp.Poll[bool](p.ready, chromedp.WithPollingTimeout(10*time.Second)))); err != nil {
				t.Fatal(err)
			}
			saveScreenshot(ctx, t, shots, "xss-"+p.name+".png")
			audit, err := chromedp.Run(ctx, chromedp.Evaluate[pageAudit](auditJS))
			if err != nil {
				t.Fatal(err)
			}
			if len(audit.Scripts) > 0 {
				t.Errorf("%s: scripts other than the page's own /static/ script: %q", p.name, audit.Scripts)
			}
			if len(audit.Handlers) > 0 {
				t.Errorf("%s: elements with on* attributes: %q", p.name, audit.Handlers)
			}
			if len(audit.URLs) > 0 {
				t.Errorf("%s: unsafe URLs in the rendered text: %q", p.name, audit.URLs)
			}
			if len(audit.Elements) > 0 {
				t.Errorf("%s: active elements in the rendered text: %q", p.name, audit.Elements)
			}
			if !strings.Contains(audit.Title, xssTitle) {
				t.Errorf("%s: <title> = %q, want the literal title %q in it", p.name, audit.Title, xssTitle)
			}
			if audit.Heading != xssTitle+"|0" {
				t.Errorf("%s: heading (text|child elements) = %q, want the title as plain text %q", p.name, audit.Heading, xssTitle+"|0")
			}
		})
	}

	// Control: the audit must see a payload when there is one, or the
	// checks above prove nothing.
	planted, err := chromedp.Run(ctx, chromedp.Evaluate[pageAudit](`(() => {
		const root = document.querySelector("article#rendered") || document.getElementById("preview");
		root.insertAdjacentHTML("beforeend", '<a href="javascript:void 0" onclick="x()">c</a><iframe></iframe>');
		root.appendChild(document.createElement("script"));
		return `+auditJS+`;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if len(planted.Scripts) == 0 || len(planted.Handlers) == 0 || len(planted.URLs) == 0 || len(planted.Elements) == 0 {
		t.Errorf("the page audit missed planted payloads: %+v", planted)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(dialogs) > 0 {
		t.Errorf("JavaScript dialogs opened: %q", dialogs)
	}
}
