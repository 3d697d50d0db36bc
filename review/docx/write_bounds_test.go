package docx_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"policydesk/drafts/draftstest"
	"policydesk/drafts/markdown"
	"policydesk/review/docx"
	"policydesk/review/docx/docxtest"
	"policydesk/review/redline"
)

// hostile is a title and body with everything that must not reach Word
// as markup: XML specials, control characters (all of C0 but tab and
// newline, DEL, C1), U+FFFE, broken UTF-8, a script, raw HTML, links with
// schemes that are not http, https or mailto.
var (
	hostileTitle = "Rregullore <script>alert(\"x\")</script> & 'Neni' \x01\x0b\x1f\u0085\ufffe \xff]]>"
	hostileBody  = "# Titulli <b>i trashë</b> & \"citim\"\x00\x08\n\n" +
		"## Neni 1 – <script>alert(1)</script>\n\n" +
		"1. Teksti me [lidhje](javascript:alert(1)), [tjetër](JaVaScRiPt:alert(2)), [skedar](file:///etc/passwd), " +
		"[relative](../admin), <javascript:alert(3)>, ![imazh](https://evil.example/x.png) dhe [ligji](https://gzk.rks-gov.net/?a=1&b=2).\n" +
		"2. Kontroll: \x01\x02\x1b[31m kuq \x7f \u0080\u009f fund.\n\n" +
		"<div onclick=\"x()\">HTML i papërpunuar</div>\n\n" +
		"| a <b> | b & c |\n|---|---|\n| ]]> | \x03 |\n\n" +
		"Shënim[^x].\n\n[^x]: <script>alert(4)</script> me [lidhje](vbscript:x).\n"
)

// TestExportsAreSafe: whatever the title and text hold, every part is
// well-formed XML, the text stays text (escaped, without the characters
// XML 1.0 forbids), the only external relationship is the https link,
// and pandoc and LibreOffice open the file.
func TestExportsAreSafe(t *testing.T) {
	m := meta()
	m.Title, m.Author, m.Subject = hostileTitle, "<Arben> & \"Co\"\x02", "v1 ]]>"
	version := exportVersion(t, hostileBody, m)
	rl := redline.Compute(regulation, hostileBody, nil, nil)
	changes, err := docx.Redline(context.Background(), markdown.NewRenderer(0), regulation, hostileBody, rl, m)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string][]byte{"version": version, "redline": changes} {
		for _, p := range []string{"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml", "word/document.xml",
			"word/_rels/document.xml.rels", "word/styles.xml", "word/settings.xml", "word/footnotes.xml", "word/_rels/footnotes.xml.rels"} {
			xml := part(t, out, p)
			for _, bad := range []string{"<script", "<b>", "<div", "\x01", "\x7f", "\u0085", "\ufffe"} {
				if strings.Contains(xml, bad) {
					t.Errorf("%s: %s holds %q", name, p, bad)
				}
			}
		}
		// The https links are the only external relationships; other
		// links are their words.
		for _, p := range []string{"word/_rels/document.xml.rels", "word/_rels/footnotes.xml.rels"} {
			rels := part(t, out, p)
			targets := regexp.MustCompile(`Target="([^"]*)" TargetMode="External"`).FindAllStringSubmatch(rels, -1)
			if !strings.Contains(rels, `Target="https://gzk.rks-gov.net/?a=1&amp;b=2" TargetMode="External"`) || strings.Count(rels, "External") != len(targets) {
				t.Errorf("%s: %s lacks the https link:\n%s", name, p, rels)
			}
			for _, m := range targets {
				if !strings.HasPrefix(m[1], "https://gzk.rks-gov.net/") {
					t.Errorf("%s: %s has the external relationship %s", name, p, m[1])
				}
			}
		}
		if doc := part(t, out, "word/document.xml"); strings.Count(doc, "<w:hyperlink ") > 2 {
			t.Errorf("%s: more hyperlinks than the text's https links", name)
		}
		if core := part(t, out, "docProps/core.xml"); !strings.Contains(core, "Rregullore &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Neni&#39;") &&
			!strings.Contains(core, "Rregullore &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 'Neni'") {
			t.Errorf("%s: the title is not kept as escaped text:\n%s", name, core)
		}
	}
	doc := part(t, version, "word/document.xml")
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "lidhje", "skedar", "Kontroll:", "[31m kuq", "a &lt;b&gt;", "]]&gt;"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the version's words %q are missing or not escaped", want)
		}
	}
	md := docxtest.PandocRead(t, version, "markdown")
	if links := regexp.MustCompile(`(^|[^\\])\]\(([^)]*)\)`).FindAllString(md, -1); len(links) != 1 || !strings.Contains(md, "[ligji](https://gzk.rks-gov.net/?a=1&b=2)") {
		t.Errorf("pandoc reads links that are not the https one:\n%s", md)
	}
	if pdf := docxtest.PDFText(t, version); !strings.Contains(pdf, "<script>alert(1)</script>") {
		t.Errorf("LibreOffice does not show the script as text:\n%s", pdf)
	}
}

// TestExportWritesTooComplexBodiesAsLines: a body saved beyond the
// renderer's limits is written as its lines, as its page shows it, and
// its redline still accepts and rejects to each version.
func TestExportWritesTooComplexBodiesAsLines(t *testing.T) {
	deep := strings.Repeat("> ", 100) + "thellë\n\nNeni i fundit.\n"
	out := exportVersion(t, deep, meta())
	if doc := part(t, out, "word/document.xml"); !strings.Contains(doc, "&gt; &gt; &gt; thellë") && !strings.Contains(doc, "> > > thellë") {
		t.Errorf("the body is not written as its lines:\n%s", doc)
	}
	rl := redline.Compute(earlier, deep, nil, nil)
	changes, err := docx.Redline(context.Background(), markdown.NewRenderer(0), earlier, deep, rl, redlineMeta())
	if err != nil {
		t.Fatal(err)
	}
	checkAcceptReject(t, changes, earlier, deep)
}

// exportShapes are hostile to the writer rather than the parser: many
// footnotes, links, table cells, paragraphs and sub-paragraph breaks.
var exportShapes = []draftstest.Shape{
	{Name: "footnotes", Gen: func(n int) string {
		var b strings.Builder
		for i := range n / 16 {
			fmt.Fprintf(&b, "Teksti[^%d].\n\n", i)
		}
		for i := range n / 16 {
			fmt.Fprintf(&b, "[^%d]: Shënimi %d.\n", i, i)
		}
		return b.String()
	}},
	{Name: "links", Gen: func(n int) string {
		var b strings.Builder
		for i := range n / 30 {
			fmt.Fprintf(&b, "[l](https://e.example/%d) ", i)
		}
		return b.String()
	}},
	{Name: "table cells", Gen: func(n int) string {
		return "| a | b |\n|---|---|\n" + strings.Repeat("| x | y |\n", n/10)
	}},
	{Name: "sub-paragraphs", Gen: func(n int) string { return "1. a\n" + strings.Repeat("1.1. b\n", n/7) }},
}

// BenchmarkVersionDocxRatio times the version export on each hostile
// shape, the renderer's and the writer's, at an eighth of the body limit
// and at the limit: a ratio near 8 or below is linear.
//
//	go test -run '^$' -bench VersionDocxRatio ./review/docx/
func BenchmarkVersionDocxRatio(b *testing.B) {
	r := markdown.NewRenderer(0)
	r.Timeout = 0
	export := func(body string) { docx.Version(context.Background(), r, body, meta()) }
	const n = draftstest.MaxBodyBytes / 8
	for _, s := range append(exportShapes, draftstest.Pathological...) {
		b.Run(strings.ReplaceAll(s.Name, " ", "_"), func(b *testing.B) { draftstest.Ratio(b, s.Sized(n), s.Sized(8*n), export) })
	}
}

// BenchmarkRedlineDocxRatio times the redline export (the redline
// computed before) of the generated regulation and its revision at an
// eighth of 800,000 words and at that size.
func BenchmarkRedlineDocxRatio(b *testing.B) {
	r := markdown.NewRenderer(0)
	r.Timeout = 0
	pairs := map[string]*redline.Redline{}
	texts := map[string][2]string{}
	for _, words := range []int{100_000, 800_000} {
		a, bb, rl := generatedPair(words/600, words)
		pairs[a], texts[a] = rl, [2]string{a, bb}
	}
	small, large := draftstest.Regulation(100_000/600, 100_000, 1), draftstest.Regulation(800_000/600, 800_000, 1)
	draftstest.Ratio(b, small, large, func(a string) {
		docx.Redline(context.Background(), r, a, texts[a][1], pairs[a], meta())
	})
}

// BenchmarkVersionDocx100Articles60k exports the 100-article, 60,000-word
// generated regulation.
func BenchmarkVersionDocx100Articles60k(b *testing.B) {
	body := draftstest.Regulation(100, 60000, 1)
	r := markdown.NewRenderer(0)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := docx.Version(context.Background(), r, body, meta()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRedlineDocx100Articles60k exports the redline of the same
// regulation and its revision, the redline computed as well (Compute) and
// given, as the service has it cached (Write).
func BenchmarkRedlineDocx100Articles60k(b *testing.B) {
	a, later, rl := generatedPair(100, 60000)
	r := markdown.NewRenderer(0)
	b.Run("Write", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := docx.Redline(context.Background(), r, a, later, rl, meta()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ComputeAndWrite", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			red := redline.Compute(a, later, nil, nil)
			if _, err := docx.Redline(context.Background(), r, a, later, red, meta()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
