package markdown

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"golang.org/x/net/html"

	"policydesk"
	"policydesk/drafts/draftstest"
	"policydesk/drafts/outline"
)

// forbiddenElements must never appear in rendered drafts.
var forbiddenElements = map[string]bool{
	"script": true, "iframe": true, "object": true, "embed": true, "svg": true,
	"math": true, "style": true, "link": true, "meta": true, "base": true,
	"form": true, "frame": true, "frameset": true, "applet": true,
}

// urlAttrs are attributes a browser may load or navigate to.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true,
	"xlink:href": true, "poster": true, "background": true, "srcset": true,
}

// checkSafe parses out as a browser would and reports every property that
// would let the draft run script.
func checkSafe[HTML ~string](out HTML) []string {
	var problems []string
	doc, err := html.Parse(strings.NewReader(string(out)))
	if err != nil {
		return []string{"unparseable: " + err.Error()}
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if forbiddenElements[n.Data] {
				problems = append(problems, "element <"+n.Data+">")
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(key, "on"):
					problems = append(problems, fmt.Sprintf("handler %s=%q", a.Key, a.Val))
				case key == "style":
					problems = append(problems, "style attribute")
				case urlAttrs[key] && !allowedURL([]byte(a.Val)):
					problems = append(problems, fmt.Sprintf("url %s=%q", a.Key, a.Val))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return problems
}

func TestAllowedURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want bool
	}{
		{"https://gzk.rks-gov.net/", true},
		{"HTTP://example.org", true},
		{"mailto:info@rks-gov.net", true},
		{"/docs/5", true},
		{"../neni-5", true},
		{"#art-5", true},
		{"//example.org/x", true},
		{"?q=1", true},
		{"", true},
		{"javascript:alert(1)", false},
		{"JaVaScRiPt:alert(1)", false},
		{" javascript:alert(1)", false},
		{"\x01javascript:alert(1)", false},
		{"java\tscript:alert(1)", false},
		{"java\nscript:alert(1)", false},
		{"java\rscript:alert(1)", false},
		{"vbscript:msgbox", false},
		{"data:text/html,<script>", false},
		{"data:image/png;base64,AAAA", false},
		{"data:image/svg+xml;base64,PHN2Zz4=", false},
		{"file:///etc/passwd", false},
		{"ftp://example.org", false},
		// Already-decoded attribute value: "&" path, "#106;..." fragment.
		{"&#106;avascript:alert(1)", true},
		{"&amp;#106;avascript:alert(1)", true},
	} {
		if got := allowedURL([]byte(tc.url)); got != tc.want {
			t.Errorf("allowedURL(%q) = %v, want %v", tc.url, got, tc.want)
		}
	}
}

// xssPayloads are inputs an author (or a pasted document) might use to get
// script into a reviewer's browser.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	"<script>\nalert(1)\n</script>",
	`[x](javascript:alert(1))`,
	`[x](JaVaScRiPt:alert(1))`,
	`[x](&#106;avascript:alert(1))`,
	`[x](&#x6A;avascript:alert(1))`,
	`[x](&#X6a;&#x61;vascript:alert(1))`,
	`[x](javascript&colon;alert(1))`,
	`[x](javascript&#58;alert(1))`,
	`[x](java&#09;script:alert(1))`,
	`[x](java&Tab;script:alert(1))`,
	`[x](java&NewLine;script:alert(1))`,
	"[x](<java\tscript:alert(1)>)",
	`[x](<javascript:alert(1)>)`,
	`[x](\javascript:alert(1))`,
	`[x]( javascript:alert(1))`,
	`[x](vbscript:msgbox(1))`,
	`[x](file:///etc/passwd)`,
	`[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)`,
	`![x](data:image/png;base64,iVBORw0KGgo=)`,
	`![x](javascript:alert(1))`,
	`![x](x "\" onerror=\"alert(1)")`,
	`[x](https://ok.example "\" onmouseover=\"alert(1)")`,
	`[x][r]` + "\n\n[r]: javascript:alert(1)",
	`[x][r]` + "\n\n[r]: <&#106;avascript:alert(1)>",
	`[![img](javascript:alert(1))](javascript:alert(2))`,
	`<javascript:alert(1)>`,
	`<JAVASCRIPT:alert(1)>`,
	`<vbscript:msgbox(1)>`,
	`<data:text/html,<script>alert(1)</script>>`,
	`<img src=x onerror=alert(1)>`,
	`<a href="javascript:alert(1)">x</a>`,
	`<iframe src="https://evil.example"></iframe>`,
	`<svg onload=alert(1)>`,
	`<svg><script>alert(1)</script></svg>`,
	`<object data="x.swf"></object><embed src="x.swf">`,
	`<math><mi xlink:href="javascript:alert(1)">x</mi></math>`,
	`<style>body{background:url(javascript:alert(1))}</style>`,
	`<div style="background:url(javascript:alert(1))">x</div>`,
	"<details open ontoggle=alert(1)>",
	"```\n<script>alert(1)</script>\n```",
	"```\"><script>alert(1)</script>\nx\n```",
	"`<script>alert(1)</script>`",
	"    <script>alert(1)</script>",
	"## Neni 5 <script>alert(1)</script>",
	"## Neni 5\" onmouseover=\"alert(1)",
	"**Neni 5\" onclick=alert(1) x=\"**",
	"| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
	"<!-- --><script>alert(1)</script>",
	"<![CDATA[<script>alert(1)</script>]]>",
	"<?php echo 1 ?><script>alert(1)</script>",
	"~~<img src=x onerror=alert(1)>~~",
	"> <iframe srcdoc=\"<script>alert(1)</script>\">",
	"- [x](javascript:alert(1))\n- <script>",
}

func TestRenderXSS(t *testing.T) {
	r := NewRenderer(0)
	for _, p := range xssPayloads {
		out := mustRender(t, r, p)
		t.Logf("%q\n\t→ %q", p, out)
		if probs := checkSafe(out); len(probs) > 0 {
			t.Errorf("Render(%q) = %q\nunsafe: %v", p, out, probs)
		}
		// Belt and braces: script-looking text may only appear escaped.
		low := strings.ToLower(out)
		for _, bad := range []string{"<script", "javascript:", "vbscript:", "data:", "<iframe", "<svg"} {
			if strings.Contains(low, bad) && !strings.Contains(p, "`") && !isTextOnly(out, bad) {
				t.Errorf("Render(%q) = %q contains %q outside text", p, out, bad)
			}
		}
	}
}

// isTextOnly reports whether every occurrence of s in out is inside text
// content (not a tag or attribute), by checking that the parsed text
// accounts for all of them.
func isTextOnly(out, s string) bool {
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		return false
	}
	var text strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode || n.Type == html.CommentNode {
			text.WriteString(strings.ToLower(n.Data))
		}
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "alt" || a.Key == "title" {
					text.WriteString(strings.ToLower(a.Val))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return strings.Count(text.String(), s) >= strings.Count(strings.ToLower(html.UnescapeString(out)), s)
}

func TestRenderDefangKeepsText(t *testing.T) {
	r := NewRenderer(0)
	for _, tc := range []struct{ in, want, notWant string }{
		{`[Kliko këtu](javascript:alert(1))`, "<p>Kliko këtu</p>\n", "<a"},
		{`![Logo e Ministrisë](data:image/svg+xml;base64,PHN2Zz4=)`, "<p>Logo e Ministrisë</p>\n", "<img"},
		{`<javascript:alert(1)>`, "<p>javascript:alert(1)</p>\n", "<a"},
		{`[**fort**](vbscript:x)`, "<p><strong>fort</strong></p>\n", "<a"},
		{`<script>alert(1)</script>`, "<!-- raw HTML omitted -->\n", "<script"},
	} {
		out := mustRender(t, r, tc.in)
		if out != tc.want || strings.Contains(out, tc.notWant) {
			t.Errorf("Render(%q) = %q, want %q", tc.in, out, tc.want)
		}
	}
}

func TestRenderAllowedLinks(t *testing.T) {
	r := NewRenderer(0)
	for _, tc := range []struct{ in, want string }{
		{`[GZK](https://gzk.rks-gov.net/)`, `<a href="https://gzk.rks-gov.net/">GZK</a>`},
		{`[shih](#art-5)`, `<a href="#art-5">shih</a>`},
		{`[v2](../versions/2)`, `<a href="../versions/2">v2</a>`},
		{`[email](mailto:info@rks-gov.net)`, `<a href="mailto:info@rks-gov.net">email</a>`},
		{`<https://gzk.rks-gov.net>`, `<a href="https://gzk.rks-gov.net">https://gzk.rks-gov.net</a>`},
		{`<info@rks-gov.net>`, `<a href="mailto:info@rks-gov.net">info@rks-gov.net</a>`},
		{`![harta](/img/harta.png)`, `<img src="/img/harta.png" alt="harta">`},
	} {
		if out := mustRender(t, r, tc.in); !strings.Contains(out, tc.want) {
			t.Errorf("Render(%q) = %q, want it to contain %q", tc.in, out, tc.want)
		}
	}
}

func TestRenderFeatures(t *testing.T) {
	r := NewRenderer(0)
	for _, tc := range []struct{ name, in, want string }{
		{"table", "| Kategoria | Tarifa |\n|---|---:|\n| Çmimi | 10 € |\n", "<table>"},
		{"table cell", "| Kategoria | Tarifa |\n|---|---:|\n| Çmimi | 10 € |\n", "<td>Çmimi</td>"},
		{"table align", "| Kategoria | Tarifa |\n|---|---:|\n| Çmimi | 10 € |\n", `<td align="right">10 €</td>`},
		{"strikethrough", "~~shfuqizohet~~", "<del>shfuqizohet</del>"},
		{"albanian", "Përkufizimet e çështjeve të rëndësishme", "<p>Përkufizimet e çështjeve të rëndësishme</p>"},
		{"serbian", "Члан 5 – Дефиниције; član 6 – Značenje izraza", "Члан 5 – Дефиниције; član 6 – Značenje izraza"},
		{"article id", "## Neni 5 – Fushëveprimi", `<h2 id="art-5">Neni 5 – Fushëveprimi</h2>`},
		{"article id suffix", "### Neni 5A", `<h3 id="art-5a">Neni 5A</h3>`},
		{"cyrillic id", "## Члан 12", `<h2 id="art-12">Члан 12</h2>`},
		{"section id", "## § 3. Begriffe", `<h2 id="art-3">`},
		{"bold line id", "**Neni 7**\n\nTeksti.", `<p id="art-7"><strong>Neni 7</strong></p>`},
		{"setext id", "Neni 8\n------", `<h2 id="art-8">Neni 8</h2>`},
		{"chapter no id", "# Kapitulli I", "<h1>Kapitulli I</h1>"},
		{"preamble no id", "## Preambula", "<h2>Preambula</h2>"},
	} {
		if out := mustRender(t, r, tc.in); !strings.Contains(out, tc.want) {
			t.Errorf("%s: Render(%q) = %q, want it to contain %q", tc.name, tc.in, out, tc.want)
		}
	}
}

// The anchors the renderer writes must be the anchors the outline links to.
func TestRenderAnchorsMatchOutline(t *testing.T) {
	body := draftstest.Regulation(30, 3000, 7) + "\n**Neni 31**\n\nTeksti.\n"
	out := mustRender(t, NewRenderer(0), body)
	arts := outline.Parse(body)
	if len(arts) != 31 {
		t.Fatalf("outline.Parse found %d articles, want 31", len(arts))
	}
	for _, a := range arts {
		if !strings.Contains(out, `id="`+a.Anchor()+`"`) {
			t.Errorf("no element with id %q for %q", a.Anchor(), a.Heading)
		}
	}
}

// mustRender renders body, failing the test on any error.
func mustRender(tb testing.TB, r *Renderer, body string) string {
	tb.Helper()
	out, err := r.Render(context.Background(), body)
	if err != nil {
		tb.Fatalf("Render(%.80q): %v", body, err)
	}
	return string(out)
}

func TestRenderCache(t *testing.T) {
	bodies := []string{"# A", "# B", "# C", "# D", "# E"}
	size := len(mustRender(t, NewRenderer(0), bodies[0])) // all render to the same size
	// Room for four renderings: one entry may take at most a quarter.
	r := NewRenderer(int64(4 * size))
	ha := mustRender(t, r, bodies[0])
	if got, ok := r.Cached(SHA256Hex(bodies[0])); !ok || string(got) != ha {
		t.Fatalf("Cached(A) = %q, %v; want %q, true", got, ok, ha)
	}
	for _, b := range bodies[1:4] {
		mustRender(t, r, b)
	}
	mustRender(t, r, bodies[0]) // A is now the most recent, so E evicts B
	mustRender(t, r, bodies[4])
	if _, ok := r.Cached(SHA256Hex(bodies[1])); ok {
		t.Error("B should have been evicted")
	}
	for _, b := range []string{bodies[0], bodies[2], bodies[3], bodies[4]} {
		if _, ok := r.Cached(SHA256Hex(b)); !ok {
			t.Errorf("%s should still be cached", b)
		}
	}
	if got := r.CacheBytes(); got != int64(4*size) {
		t.Errorf("CacheBytes = %d, want %d", got, 4*size)
	}
	for _, bad := range []string{"", "zz", strings.Repeat("0", 66), strings.Repeat("g", 64)} {
		if _, ok := r.Cached(bad); ok {
			t.Errorf("Cached(%q) hit", bad)
		}
	}
	if _, ok := NewRenderer(0).Cached(SHA256Hex(bodies[0])); ok {
		t.Error("disabled cache hit")
	}
}

func TestRenderConcurrent(t *testing.T) {
	r := NewRenderer(1 << 20)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				body := fmt.Sprintf("## Neni %d\n\nTeksti %d.", (i+j)%6, j%3)
				out, err := r.Render(context.Background(), body)
				if err != nil || !strings.Contains(string(out), "<h2") {
					t.Errorf("Render(%q) = %q, %v", body, out, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestSHA256Hex(t *testing.T) {
	if got := SHA256Hex(""); got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("SHA256Hex(\"\") = %s", got)
	}
}

func FuzzRenderSafe(f *testing.F) {
	for _, p := range xssPayloads {
		f.Add(p)
	}
	f.Add(draftstest.Regulation(3, 200, 1))
	f.Add("| a | b |\n|:-|-:|\n| [x](y) | ![z](w) |")
	r := NewRenderer(0)
	r.Timeout = 0 // only the deterministic bounds may refuse
	f.Fuzz(func(t *testing.T, body string) {
		out, err := r.Render(context.Background(), body)
		if policydesk.ErrorCode(err) == policydesk.ETooComplex {
			return
		} else if err != nil {
			t.Fatalf("Render(%q): %v", body, err)
		}
		if probs := checkSafe(out); len(probs) > 0 {
			t.Errorf("Render(%q) = %q\nunsafe: %v", body, out, probs)
		}
	})
}

var (
	benchOnce sync.Once
	benchBody string
)

// regulation60k is a 100-article, ~60,000-word regulation.
func regulation60k(b *testing.B) string {
	benchOnce.Do(func() { benchBody = draftstest.Regulation(100, 60000, 42) })
	b.SetBytes(int64(len(benchBody)))
	return benchBody
}

func BenchmarkRender100Articles60kWords(b *testing.B) {
	body := regulation60k(b)
	r := NewRenderer(0)
	for b.Loop() {
		_, _ = r.render(context.Background(), body)
	}
}

func BenchmarkRenderRawGoldmark(b *testing.B) {
	body := []byte(regulation60k(b))
	md := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))
	for b.Loop() {
		var buf bytes.Buffer
		_ = md.Convert(body, &buf)
		_ = buf.String()
	}
}

// BenchmarkRenderBluemonday measures the pipeline with a bluemonday pass on
// top, the alternative rejected for being too slow.
func BenchmarkRenderBluemonday(b *testing.B) {
	body := regulation60k(b)
	r := NewRenderer(0)
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("id").Matching(bluemonday.SpaceSeparatedTokens).OnElements("h1", "h2", "h3", "h4", "h5", "h6", "p")
	for b.Loop() {
		html, _ := r.render(context.Background(), body)
		_ = p.Sanitize(string(html))
	}
}

func BenchmarkRenderCached(b *testing.B) {
	body := regulation60k(b)
	r := NewRenderer(DefaultCacheBytes)
	ctx := context.Background()
	if _, err := r.Render(ctx, body); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_, _ = r.Render(ctx, body)
	}
}
