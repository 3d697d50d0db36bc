package markdown

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"policydesk"
	"policydesk/drafts/draftstest"
)

// spanOf marks the first occurrence of word in src (after from).
func spanOf(t testing.TB, src, word string, from int, mark Mark, change int, comments string) Span {
	t.Helper()
	i := strings.Index(src[from:], word)
	if i < 0 {
		t.Fatalf("%q not in %q", word, src[from:])
	}
	return Span{Start: from + i, End: from + i + len(word), Mark: mark, Change: change, Comments: comments}
}

func mustMark(t testing.TB, src string, spans []Span) string {
	t.Helper()
	out, err := NewRenderer(0).RenderMarked(context.Background(), src, spans, &ChangeIDs{Prefix: "c"})
	if err != nil {
		t.Fatalf("RenderMarked(%q): %v", src, err)
	}
	return string(out)
}

// The marks land on the words, inside the rendered structure: a change
// inside bold is inside <strong>, a change across a list item and a
// paragraph is split into one element per text run, only the first of a
// change carries its id, and an anchor is a <mark> inside its insertion.
func TestRenderMarkedStructure(t *testing.T) {
	src := "## Neni 5 – Qëllimi\n\n1. Qendra ofron **shërbime ditore** për fëmijët.\n2. Komuna siguron strehim.\n\nParagrafi i fundit.\n"
	spans := []Span{
		spanOf(t, src, "ditore", 0, MarkDelete, 1, ""),
		spanOf(t, src, "** për", 0, MarkInsert, 1, "comment-4"),
		{Start: strings.Index(src, "strehim"), End: strings.Index(src, "fundit"), Mark: MarkInsert, Change: 2},
	}
	out := mustMark(t, src, spans)
	want := "<h2>Neni 5 – Qëllimi</h2>\n<ol>\n" +
		`<li>Qendra ofron <strong>shërbime <del id="c1">ditore</del></strong><ins><mark class="anchor" data-comments="comment-4"> për</mark></ins> fëmijët.</li>` + "\n" +
		`<li>Komuna siguron <ins id="c2">strehim.</ins></li>` + "\n</ol>\n" +
		"<p><ins>Paragrafi i </ins>fundit.</p>\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if probs := checkWellFormed(out); len(probs) > 0 {
		t.Error(probs)
	}
}

// A boundary at a line start would hide the block markers from the
// parser; it moves after them. A line that mixes deleted and kept words
// takes its markers from the kept text: a renumbered paragraph stays a
// list item, a heading whose level changed stays a heading, a table row
// keeps its cells.
func TestRenderMarkedBlockMarkers(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		spans     func(src string) []Span
		want      string
	}{
		{"inserted list item", "1. A.\n2. B.\n", func(s string) []Span {
			return []Span{{Start: strings.Index(s, "2."), End: len(s), Mark: MarkInsert, Change: 1}}
		}, "<ol>\n<li>A.</li>\n<li><ins id=\"c1\">B.</ins></li>\n</ol>\n"},
		{"renumbered", "Hyrje.\n\n1. A.\n\n23. B.\n", func(s string) []Span {
			i := strings.Index(s, "23.")
			return []Span{{Start: i, End: i + 1, Mark: MarkDelete, Change: 1}, {Start: i + 1, End: i + 2, Mark: MarkInsert, Change: 1}}
		}, "<p>Hyrje.</p>\n<ol>\n<li>\n<p>A.</p>\n</li>\n<li>\n<p>B.</p>\n</li>\n</ol>\n"},
		{"heading level", "###### Neni 5\n", func(s string) []Span {
			return []Span{{Start: 0, End: 1, Mark: MarkDelete, Change: 1}, {Start: 1, End: 2, Mark: MarkInsert, Change: 1}}
		}, "<h5>Neni 5</h5>\n"},
		{"heading became a paragraph", "## Neni 5\n", func(s string) []Span {
			return []Span{{Start: 0, End: 3, Mark: MarkDelete, Change: 1}}
		}, "<p>Neni 5</p>\n"},
		{"deleted heading", "Teksti.\n\n## Neni 5\n", func(s string) []Span {
			return []Span{{Start: strings.Index(s, "##"), End: len(s), Mark: MarkDelete, Change: 1}}
		}, "<p>Teksti.</p>\n<h2><del id=\"c1\">Neni 5</del></h2>\n"},
		{"table", "| a | b |\n|---|---|\n| x | y |\n", func(s string) []Span {
			return []Span{{Start: strings.Index(s, "| x"), End: len(s), Mark: MarkInsert, Change: 1}}
		}, "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td><ins id=\"c1\">x</ins></td>\n<td><ins>y</ins></td>\n</tr>\n</tbody>\n</table>\n"},
		{"rule and fence", "A\n\n---\n\n```\nkod\n```\n", func(s string) []Span {
			return []Span{{Start: strings.Index(s, "---"), End: len(s), Mark: MarkInsert, Change: 1}}
		}, "<p>A</p>\n<hr>\n<pre><code><ins id=\"c1\">kod\n</ins></code></pre>\n"},
	} {
		if out := mustMark(t, tc.src, tc.spans(tc.src)); out != tc.want {
			t.Errorf("%s:\n%s\nwant\n%s", tc.name, out, tc.want)
		}
	}
}

// Text the draft already holds cannot forge a boundary: characters of the
// sentinel planes and numeric references to them show as U+FFFD or as
// written, and mark nothing.
func TestRenderMarkedForgedSentinels(t *testing.T) {
	forged := string(rune(sentHi)) + string(rune(sentLo+1))
	for _, src := range []string{"Fjala " + forged + "e re.\n", "Fjala &#1048576;&#983041;e re.\n", "Fjala &#x100000;&#xF0001;e re.\n"} {
		out := mustMark(t, src, []Span{{Start: 0, End: 5, Mark: MarkInsert, Change: 1}})
		if strings.Count(out, "<ins") != 1 || strings.ContainsFunc(out, isSentinel) {
			t.Errorf("%q → %q", src, out)
		}
	}
}

// A link whose URL a change runs through is checked again once the
// sentinels are gone: "java" deleted before "script:" must not become a
// javascript: link, and a harmless URL keeps its link.
func TestRenderMarkedURLs(t *testing.T) {
	for _, tc := range []struct {
		src, word string
		link      bool
	}{
		{"[kliko](javascript:alert(1))", "java", false},
		{"[kliko](https://gzk.rks-gov.net/ligji)", "ligji", true},
		{"<https://gzk.rks-gov.net/ligji>", "ligji", true},
		{"![harta](/img/harta.png \"Harta e re\")", "re", true},
		{"```go\nkod\n```", "go", false},
	} {
		src := tc.src + "\n"
		spans := []Span{spanOf(t, src, tc.word, 0, MarkDelete, 1, "")}
		out := mustMark(t, src, spans)
		if probs := checkSafe(out); len(probs) > 0 {
			t.Errorf("%q: unsafe: %v", tc.src, probs)
		}
		if strings.ContainsFunc(out, isSentinel) || strings.Contains(out, "%F4") {
			t.Errorf("%q: a sentinel is left: %q", tc.src, out)
		}
		if hasURL := strings.Contains(out, "href=") || strings.Contains(out, "src="); hasURL != tc.link {
			t.Errorf("%q → %q: link kept %v, want %v", tc.src, out, hasURL, tc.link)
		}
	}
}

// checkWellFormed reports what an HTML parser had to repair in out: the
// tags it holds must come back exactly in the parsed tree.
func checkWellFormed(out string) []string {
	var problems []string
	z := html.NewTokenizer(strings.NewReader(out))
	var stack []string
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken:
			if !void(tok.DataAtom) {
				stack = append(stack, tok.Data)
			}
		case html.EndTagToken:
			if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				problems = append(problems, fmt.Sprintf("</%s> closes %v", tok.Data, stack))
				return problems
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		problems = append(problems, fmt.Sprintf("left open: %v", stack))
	}
	return problems
}

// parsedText is the text a browser shows for out.
func parsedTextOf(t testing.TB, out string) string {
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return b.String()
}

// fuzzSpans cuts src into spans at the bytes seed picks, on character
// boundaries, cycling through the marks.
func fuzzSpans(src string, seed uint64) []Span {
	var spans []Span
	at := 0
	for k := 0; at < len(src); k++ {
		step := int(seed>>(k%8*8)&0x1f) + 1
		end := min(at+step, len(src))
		for end < len(src) && !utf8.RuneStart(src[end]) {
			end++
		}
		if k%2 == 1 {
			spans = append(spans, Span{Start: at, End: end, Mark: Mark(k / 2 % 3), Change: k, Comments: fmt.Sprintf("comment-%d", k%5)})
		}
		at = end
	}
	return spans
}

// Whatever the text and the spans, the marked rendering is well formed,
// as safe as Render's, shows the same text, and without spans it shows
// what Render shows.
func FuzzRenderMarked(f *testing.F) {
	for _, p := range xssPayloads {
		f.Add(p, uint64(0x0102030405060708))
	}
	f.Add(draftstest.Regulation(3, 200, 1), uint64(0x1f1e1d1c1b1a1918))
	f.Add("| a | b |\n|:-|-:|\n| [x](y) | ![z](w) |", uint64(3))
	f.Add("[x](java\nscript:alert(1))\n\n## Neni 5\n\n1. **a** _b_ ~~c~~ `d`\n", uint64(0x0101010101010101))
	r := NewRenderer(0)
	r.Timeout = 0
	f.Fuzz(func(t *testing.T, src string, seed uint64) {
		if !utf8.ValidString(src) {
			return
		}
		plain, err := r.Render(context.Background(), src)
		if err != nil {
			return
		}
		bare, err := r.RenderMarked(context.Background(), src, nil, nil)
		if err != nil {
			t.Fatalf("RenderMarked(%q) without spans: %v", src, err)
		}
		if got, want := parsedTextOf(t, string(bare)), parsedTextOf(t, string(plain)); got != want {
			t.Errorf("RenderMarked(%q) without spans shows %q, Render %q", src, got, want)
		}
		out, err := r.RenderMarked(context.Background(), src, fuzzSpans(src, seed), &ChangeIDs{Prefix: "c"})
		if policydesk.ErrorCode(err) == policydesk.ETooComplex {
			return
		} else if err != nil {
			t.Fatalf("RenderMarked(%q): %v", src, err)
		}
		if probs := append(checkSafe(out), checkWellFormed(string(out))...); len(probs) > 0 {
			t.Errorf("RenderMarked(%q) = %q\nproblems: %v", src, out, probs)
		}
		if strings.ContainsFunc(string(out), isSentinel) {
			t.Errorf("RenderMarked(%q) = %q keeps a sentinel", src, out)
		}
	})
}

// Hostile texts with a change every few bytes (three times the text in
// sentinels) render or are refused as Render's are, within the same time
// bound, and the output stays well formed.
func TestRenderMarkedPathological(t *testing.T) {
	r := NewRenderer(0)
	r.Timeout = 0
	var slowest time.Duration
	var slowestName string
	for _, s := range draftstest.Pathological {
		for _, size := range draftstest.PathologicalSizes() {
			src := s.Sized(size)
			spans := fuzzSpans(src, 0x0303030303030303)
			start := time.Now()
			out, err := r.RenderMarked(context.Background(), src, spans, &ChangeIDs{Prefix: "c"})
			took := time.Since(start)
			t.Logf("%-40s %8d bytes %v %v", s.Name, len(src), took, policydesk.ErrorCode(err))
			if took > slowest {
				slowest, slowestName = took, fmt.Sprintf("%s at %d bytes", s.Name, len(src))
			}
			switch policydesk.ErrorCode(err) {
			case "":
				if size <= 128<<10 {
					if probs := append(checkSafe(out), checkWellFormed(string(out))...); len(probs) > 0 {
						t.Errorf("%s at %d bytes: %v", s.Name, len(src), probs[:min(len(probs), 3)])
					}
				}
			case policydesk.ETooComplex:
			default:
				t.Errorf("%s at %d bytes: %v", s.Name, len(src), err)
			}
			if limit := 10 * time.Second; !draftstest.Race && took > limit {
				t.Errorf("%s at %d bytes took %v", s.Name, len(src), took)
			}
		}
	}
	t.Logf("slowest: %s, %v", slowestName, slowest)
}

// BenchmarkRenderMarkedRatio times the marked rendering of each hostile
// text, with a change every few bytes, at an eighth of the body limit and
// at the limit: a ratio near 8 or below is linear.
//
//	go test -run '^$' -bench RenderMarkedRatio ./drafts/markdown/
func BenchmarkRenderMarkedRatio(b *testing.B) {
	r := NewRenderer(0)
	r.Timeout = 0
	draftstest.BenchRatio(b, func(src string) {
		_, _ = r.RenderMarked(context.Background(), src, fuzzSpans(src, 0x0303030303030303), &ChangeIDs{Prefix: "c"})
	})
}

// A cached marked rendering is numbered for where it is shown: the same
// text and spans after five other changes get c6 and c7, exactly as an
// uncached rendering would, and a refusal is cached as a refusal.
func TestRenderMarkedCache(t *testing.T) {
	src := "## Neni 5\n\nQendra ofron **shërbime ditore** për fëmijët.\n"
	spans := []Span{spanOf(t, src, "Neni", 0, MarkInsert, 1, ""), spanOf(t, src, "ditore", 0, MarkDelete, 2, "")}
	cached, fresh := NewRenderer(1<<20), NewRenderer(0)
	first, err := cached.RenderMarked(context.Background(), src, spans, &ChangeIDs{Prefix: "c"})
	if err != nil || !strings.Contains(string(first), `<ins id="c1">Neni</ins>`) || !strings.Contains(string(first), `<del id="c2">`) {
		t.Fatalf("first rendering %q, %v", first, err)
	}
	if cached.marked.Bytes() == 0 {
		t.Fatal("nothing cached")
	}
	ids := &ChangeIDs{Prefix: "c", N: 5}
	again, err := cached.RenderMarked(context.Background(), src, spans, ids)
	want, _ := fresh.RenderMarked(context.Background(), src, spans, &ChangeIDs{Prefix: "c", N: 5})
	if err != nil || again != want || !strings.Contains(string(again), `<ins id="c6">`) || ids.N != 7 {
		t.Errorf("from the cache %q (ids at %d), want %q", again, ids.N, want)
	}
	// Continuing the change the last rendering ended with: no new id.
	ids = &ChangeIDs{Prefix: "c", N: 3, last: 1}
	cont, _ := cached.RenderMarked(context.Background(), src, spans, ids)
	if !strings.Contains(string(cont), `<ins>Neni</ins>`) || !strings.Contains(string(cont), `<del id="c4">`) {
		t.Errorf("continued %q", cont)
	}
	cached.Limits.MaxDepth = 1
	deep := "> > > Neni 5\n"
	for range 2 {
		if _, err := cached.RenderMarked(context.Background(), deep, nil, nil); policydesk.ErrorCode(err) != policydesk.ETooComplex {
			t.Errorf("a text beyond the limits: %v", err)
		}
	}
}
