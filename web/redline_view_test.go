package web

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"policydesk/drafts/draftstest"
	"policydesk/drafts/markdown"
	"policydesk/review/redline"

	"policydesk/web/i18n"
)

// mustCatalog loads the message catalogs.
func mustCatalog(tb testing.TB) *i18n.Catalog {
	tb.Helper()
	cat, err := i18n.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return cat
}

// partial executes one of the shared templates on its own, in English.
func partial(tb testing.TB, name string, data any) string {
	tb.Helper()
	v, err := parseViews(mustCatalog(tb))
	if err != nil {
		tb.Fatal(err)
	}
	var sb strings.Builder
	if err := v.partials["en"].ExecuteTemplate(&sb, name, data); err != nil {
		tb.Fatal(err)
	}
	return sb.String()
}

// handMade is a redline built by hand, so the expected HTML depends on the
// templates alone: an unchanged preamble, a changed article whose diff was
// cut short, a renumbered one and an added one, with text to escape.
func handMade() *redline.Redline {
	return &redline.Redline{Articles: []redline.Article{
		{Status: redline.StatusUnchanged, Heading: redline.PreambleHeading, Preamble: true,
			Ops: []redline.Op{{Op: redline.OpEqual, Text: "# Rregullore\n\n"}}},
		{Status: redline.StatusChanged, ID: "a1", FromNum: "1", ToNum: "1", Heading: "Neni 1", Changed: true, Bounded: true,
			Ops: []redline.Op{{Op: redline.OpEqual, Text: "## Neni 1\n\n"}, {Op: redline.OpDelete, Text: `a < b & "c"`},
				{Op: redline.OpInsert, Text: "<script>x</script>"}, {Op: redline.OpEqual, Text: " 'd'\n\n"}, {Op: redline.OpDelete, Text: "fund"}}},
		{Status: redline.StatusUnchanged, ID: "a3", FromNum: "3", ToNum: "2", Heading: "Neni 2", Renumbered: true,
			Ops: []redline.Op{{Op: redline.OpEqual, Text: "## Neni "}, {Op: redline.OpDelete, Text: "3"}, {Op: redline.OpInsert, Text: "2"},
				{Op: redline.OpEqual, Text: "\n\nTeksti.\n\n"}}},
		{Status: redline.StatusAdded, ID: "a9", ToNum: "3", Heading: "Neni 3",
			Ops: []redline.Op{{Op: redline.OpInsert, Text: "## Neni 3\n\nI ri.\n"}}},
	}}
}

// redlineViews renders r's inline view and comparative table with a fresh
// renderer, and comments anchored on anchors.
func redlineViews(tb testing.TB, r *redline.Redline, anchors *anchorRuns) ([]inlineArticle, []comparativeRow) {
	tb.Helper()
	rend := markdown.NewRenderer(0)
	arts, err := newRedlineView(context.Background(), rend, anchors).inlineArticles(r)
	if err != nil {
		tb.Fatal(err)
	}
	rows, err := newRedlineView(context.Background(), rend, anchors).comparativeRows(r)
	if err != nil {
		tb.Fatal(err)
	}
	return arts, rows
}

// The inline view, to the byte: each article rendered, its changes marked
// on the words inside headings and paragraphs, each change's id on its
// first element, text escaped, raw HTML left out as the document page
// leaves it out.
func TestInlineTemplate(t *testing.T) {
	arts, _ := redlineViews(t, handMade(), nil)
	got := partial(t, "redline-inline", arts)
	want := `<section class="art art-unchanged" id="chg-1" data-article=""><div class="art-head">Preamble</div><div class="art-text rendered-text"><h1>Rregullore</h1>
</div></section>
<section class="art art-changed" id="chg-2" data-article="a1"><div class="art-head">Neni 1 (changed) <span class="bounded-note">shown coarsely</span></div><div class="art-text rendered-text"><h2>Neni 1</h2>
<p><del id="c1">a &lt; b &amp; &#34;c&#34;</del><ins>x</ins> &#39;d&#39;</p>
<p><del id="c2">fund</del></p>
</div></section>
<section class="art art-unchanged" id="chg-3" data-article="a3"><div class="art-head">Neni 3 → Neni 2 (renumbered)</div><div class="art-text rendered-text"><h2>Neni <del id="c3">3</del><ins>2</ins></h2>
<p>Teksti.</p>
</div></section>
<section class="art art-added" id="chg-4" data-article="a9"><div class="art-head">Neni 3 (added)</div><div class="art-text rendered-text"><h2><ins id="c4">Neni 3</ins></h2>
<p><ins>I ri.</ins></p>
</div></section>
`
	if got != want {
		t.Errorf("inline view:\n%s\nwant:\n%s", got, want)
	}
}

// The comparative table's cells, to the byte: the earlier text with its
// deletions, the proposed text with its insertions, each rendered; every
// change has an id in each column it shows in, unique on the page.
func TestComparativeTemplate(t *testing.T) {
	_, rows := redlineViews(t, handMade(), nil)
	var got []string
	for _, row := range rows {
		got = append(got, fmt.Sprintf("%s %s→%s %q | %q", row.Status, row.FromNum, row.ToNum, row.Earlier.HTML, row.Proposed.HTML))
	}
	want := []string{
		`unchanged → "<h1>Rregullore</h1>\n" | "<h1>Rregullore</h1>\n"`,
		`changed 1→1 "<h2>Neni 1</h2>\n<p><del id=\"c1\">a &lt; b &amp; &#34;c&#34;</del> &#39;d&#39;</p>\n<p><del id=\"c2\">fund</del></p>\n" | "<h2>Neni 1</h2>\n<p><ins id=\"c3\">x</ins> &#39;d&#39;</p>\n"`,
		`unchanged 3→2 "<h2>Neni <del id=\"c4\">3</del></h2>\n<p>Teksti.</p>\n" | "<h2>Neni <ins id=\"c5\">2</ins></h2>\n<p>Teksti.</p>\n"`,
		`added →3 "" | "<h2><ins id=\"c6\">Neni 3</ins></h2>\n<p><ins>I ri.</ins></p>\n"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Texts of the computed redlines below.
const (
	rlT1 = "Ministria harton planin vjetor për mbrojtjen e fëmijëve."
	rlT2 = "Komuna siguron strehim të përkohshëm për fëmijët pa kujdes prindëror."
	rlT3 = "Qendra për punë sociale njofton policinë brenda njëzet e katër orëve."
	rlTn = "Zyrtari përgjegjës mban regjistrin e rasteve të dhunës ndaj fëmijëve."
)

func rlDoc(arts ...string) string {
	var b strings.Builder
	b.WriteString("# Rregullore\n\n")
	for i, a := range arts {
		fmt.Fprintf(&b, "## Neni %d\n\n%s\n\n", i+1, a)
	}
	return b.String()
}

// inlineDoc renders the inline view of a → b and parses it.
func inlineDoc(t *testing.T, a, b string, anchors *anchorRuns) *html.Node {
	t.Helper()
	arts, _ := redlineViews(t, redline.Compute(a, b, nil, nil), anchors)
	root, err := html.Parse(strings.NewReader(partial(t, "redline-inline", arts)))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestInlineHTML(t *testing.T) {
	a := rlDoc(rlT1, rlT2, rlT3+" <script>alert(1)</script>")
	b := rlDoc(rlT1, rlTn, strings.Replace(rlT3, "policinë", "prokurorinë", 1)+" <script>alert(1)</script>")
	root := inlineDoc(t, a, b, nil)
	var sections, changes, heads, headings []string
	walkHTML(root, func(n *html.Node) {
		switch n.Data {
		case "section":
			sections = append(sections, attrOf(n, "class")+"#"+attrOf(n, "id"))
		case "ins", "del":
			if id := attrOf(n, "id"); id != "" {
				changes = append(changes, id)
			}
		case "script":
			t.Error("script element in output")
		case "div":
			if attrOf(n, "class") == "art-head" {
				heads = append(heads, textOf(n))
			}
		case "h1", "h2":
			headings = append(headings, n.Data+" "+textOf(n))
		}
	})
	wantSections := []string{"art art-unchanged#chg-1", "art art-unchanged#chg-2", "art art-deleted#chg-3",
		"art art-added#chg-4", "art art-changed#chg-5"}
	if strings.Join(sections, " ") != strings.Join(wantSections, " ") {
		t.Errorf("sections %q, want %q", sections, wantSections)
	}
	if strings.Join(changes, " ") != "c1 c2 c3" {
		t.Errorf("change ids %q", changes)
	}
	wantHeads := "Preamble|Neni 1|Neni 2 (deleted)|Neni 2 (added)|Neni 3 (changed)"
	if got := strings.Join(heads, "|"); got != wantHeads {
		t.Errorf("heads %q, want %q", got, wantHeads)
	}
	// Rendered, not the source: headings are elements, no "#" is left.
	if got := strings.Join(headings, "|"); got != "h1 Rregullore|h2 Neni 1|h2 Neni 2|h2 Neni 2|h2 Neni 3" {
		t.Errorf("headings %q", got)
	}
	if text := textOf(root); strings.Contains(text, "#") || !strings.Contains(text, rlT1) {
		t.Errorf("text %q", text)
	}
}

func TestSideBySide(t *testing.T) {
	a, b := rlDoc(rlT1, rlT2), rlDoc(rlT1, strings.Replace(rlT2, "Komuna", "Ministria", 1))
	_, rows := redlineViews(t, redline.Compute(a, b, nil, nil), nil)
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	got := rows[2]
	if got.Status != "changed" || got.FromNum != "2" || got.ToNum != "2" {
		t.Errorf("row %+v", got)
	}
	if !strings.Contains(string(got.Earlier.HTML), `<p><del id="c1">Komuna</del> siguron`) ||
		!strings.Contains(string(got.Proposed.HTML), `<p><ins id="c2">Ministria</ins> siguron`) {
		t.Errorf("earlier %s / proposed %s", got.Earlier.HTML, got.Proposed.HTML)
	}
}

// BenchmarkRedlineTemplate renders the inline view of a 100-article,
// 20,000-word regulation against its revision (the redline computed once),
// each article's Markdown rendered with its changes marked.
//
//	go test -run '^$' -bench RedlineTemplate -count 5 ./web/
func BenchmarkRedlineTemplate(b *testing.B) {
	v1 := draftstest.Regulation(100, 20000, 1)
	red := redline.Compute(v1, draftstest.Revise(v1, 101), nil, nil)
	v, err := parseViews(mustCatalog(b))
	if err != nil {
		b.Fatal(err)
	}
	rend := markdown.NewRenderer(0)
	var sb strings.Builder
	runtime.GC()
	for b.Loop() {
		sb.Reset()
		arts, err := newRedlineView(context.Background(), rend, nil).inlineArticles(red)
		if err != nil {
			b.Fatal(err)
		}
		if err := v.partials["en"].ExecuteTemplate(&sb, "redline-inline", arts); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(sb.Len()))
}

func walkHTML(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walkHTML(c, f)
	}
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var sb strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		sb.WriteString(textOf(c))
	}
	return sb.String()
}
