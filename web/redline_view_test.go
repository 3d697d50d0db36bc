package web

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"policydesk/drafts/draftstest"
	"policydesk/review/redline"
)

// partial executes one of the shared templates on its own.
func partial(tb testing.TB, name string, data any) string {
	tb.Helper()
	v, err := parseViews()
	if err != nil {
		tb.Fatal(err)
	}
	var sb strings.Builder
	if err := v.partials.ExecuteTemplate(&sb, name, data); err != nil {
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

// The inline view, to the byte: each change's id on its first op, the
// text escaped, nothing added between the tags (the page keeps whitespace).
func TestInlineTemplate(t *testing.T) {
	got := partial(t, "redline-inline", inlineArticles(handMade()))
	want := `<section class="art art-unchanged" id="chg-1" data-article=""><div class="art-head">Preamble</div><div class="art-text"># Rregullore

</div></section>
<section class="art art-changed" id="chg-2" data-article="a1"><div class="art-head">Neni 1 (changed) <span class="bounded-note">shown coarsely</span></div><div class="art-text">## Neni 1

<del id="c1">a &lt; b &amp; &#34;c&#34;</del><ins>&lt;script&gt;x&lt;/script&gt;</ins> &#39;d&#39;

<del id="c2">fund</del></div></section>
<section class="art art-unchanged" id="chg-3" data-article="a3"><div class="art-head">Neni 3 → Neni 2 (renumbered)</div><div class="art-text">## Neni <del id="c3">3</del><ins>2</ins>

Teksti.

</div></section>
<section class="art art-added" id="chg-4" data-article="a9"><div class="art-head">Neni 3 (added)</div><div class="art-text"><ins id="c4">## Neni 3

I ri.
</ins></div></section>
`
	if got != want {
		t.Errorf("inline view:\n%s\nwant:\n%s", got, want)
	}
}

// The comparative table's cells, to the byte: a change's id moves from its
// deletion to the insertion that follows, so that each id is on one cell.
func TestComparativeTemplate(t *testing.T) {
	var got []string
	for _, row := range comparativeRows(handMade()) {
		got = append(got, fmt.Sprintf("%s %s→%s %q | %q", row.Status, row.FromNum, row.ToNum,
			partial(t, "redline-parts", row.Earlier), partial(t, "redline-parts", row.Proposed)))
	}
	want := []string{
		`unchanged → "# Rregullore\n\n" | "# Rregullore\n\n"`,
		`changed 1→1 "## Neni 1\n\n<del>a &lt; b &amp; &#34;c&#34;</del> &#39;d&#39;\n\n<del id=\"c2\">fund</del>" | "## Neni 1\n\n<ins id=\"c1\">&lt;script&gt;x&lt;/script&gt;</ins> &#39;d&#39;\n\n"`,
		`unchanged 3→2 "## Neni <del>3</del>\n\nTeksti.\n\n" | "## Neni <ins id=\"c3\">2</ins>\n\nTeksti.\n\n"`,
		`added →3 "" | "<ins id=\"c4\">## Neni 3\n\nI ri.\n</ins>"`,
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

func TestInlineHTML(t *testing.T) {
	a := rlDoc(rlT1, rlT2, rlT3+" <script>alert(1)</script>")
	b := rlDoc(rlT1, rlTn, strings.Replace(rlT3, "policinë", "prokurorinë", 1)+" <script>alert(1)</script>")
	out := partial(t, "redline-inline", inlineArticles(redline.Compute(a, b, nil, nil)))
	if strings.Contains(out, "<script>") {
		t.Fatalf("unescaped script: %s", out)
	}
	root, err := html.Parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var sections, changes []string
	var heads []string
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
	// The text between the tags is the source, whitespace kept.
	if !strings.Contains(textOf(root), "## Neni 1\n\n"+rlT1+"\n\n") {
		t.Error("source text not preserved")
	}
}

func TestSideBySide(t *testing.T) {
	a, b := rlDoc(rlT1, rlT2), rlDoc(rlT1, strings.Replace(rlT2, "Komuna", "Ministria", 1))
	rows := comparativeRows(redline.Compute(a, b, nil, nil))
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	got := rows[2]
	if got.Status != "changed" || got.FromNum != "2" || got.ToNum != "2" {
		t.Errorf("row %+v", got)
	}
	earlier, proposed := partial(t, "redline-parts", got.Earlier), partial(t, "redline-parts", got.Proposed)
	if !strings.Contains(earlier, "<del>Komuna</del>") || !strings.Contains(proposed, `<ins id="c1">Ministria</ins>`) {
		t.Errorf("earlier %s / proposed %s", earlier, proposed)
	}
}

// BenchmarkRedlineTemplate renders the inline view of a 100-article,
// 20,000-word regulation against its revision (the redline computed once).
//
//	go test -run '^$' -bench RedlineTemplate -count 5 ./web/
func BenchmarkRedlineTemplate(b *testing.B) {
	v1 := draftstest.Regulation(100, 20000, 1)
	red := redline.Compute(v1, draftstest.Revise(v1, 101), nil, nil)
	v, err := parseViews()
	if err != nil {
		b.Fatal(err)
	}
	var sb strings.Builder
	runtime.GC()
	for b.Loop() {
		sb.Reset()
		if err := v.partials.ExecuteTemplate(&sb, "redline-inline", inlineArticles(red)); err != nil {
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
