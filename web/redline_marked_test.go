package web

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"policydesk/drafts/markdown"
	"policydesk/review"
	"policydesk/review/redline"
)

// anchored is a comment whose anchor covers quote in body (the n-th
// occurrence), in code points as the service stores it.
func anchored(t *testing.T, id int64, body, quote string, version int) *review.Comment {
	t.Helper()
	i := strings.Index(body, quote)
	if i < 0 {
		t.Fatalf("%q not in the body", quote)
	}
	start := utf8.RuneCountInString(body[:i])
	return &review.Comment{ID: id, Anchor: review.Anchor{Version: version, Start: start, End: start + utf8.RuneCountInString(quote)}}
}

// marks lists, for each <mark class="anchor">, its data-comments and text.
func marks(root *html.Node) []string {
	var out []string
	walkHTML(root, func(n *html.Node) {
		if n.Data == "mark" && attrOf(n, "class") == "anchor" {
			for p := n.Parent; p != nil; p = p.Parent {
				if p.Data == "del" {
					out = append(out, "INSIDE DEL")
				}
			}
			out = append(out, attrOf(n, "data-comments")+": "+textOf(n))
		}
	})
	return out
}

// Comments anchored in the later version are marked by the server on
// their words, wherever the words are: across an insertion (one mark per
// text run), overlapping another comment (both ids), in a later article
// (offsets count from the start of the version), never inside a deletion
// and never for an outdated comment or one on another version.
func TestInlineAnchors(t *testing.T) {
	a := rlDoc(rlT1, rlT2, rlT3)
	b := rlDoc(rlT1, strings.Replace(rlT2, "strehim", "strehim dhe ushqim", 1), rlT3)
	comments := []*review.Comment{
		anchored(t, 3, b, "siguron strehim dhe ushqim të", 2),
		anchored(t, 7, b, "ushqim të përkohshëm", 2),
		anchored(t, 9, b, "njëzet e katër orëve", 2),
		anchored(t, 11, b, "Ministria harton", 1), // on another version
	}
	outdated := anchored(t, 12, b, "planin vjetor", 2)
	outdated.Outdated = true
	comments = append(comments, outdated)
	root := inlineDoc(t, a, b, newAnchorRuns(b, 2, comments))
	got := strings.Join(marks(root), "|")
	want := "comment-3: siguron strehim |comment-3: dhe |comment-3 comment-7: ushqim |comment-3 comment-7: të|comment-7:  përkohshëm|comment-9: njëzet e katër orëve"
	if got != want {
		t.Errorf("marks\n%s\nwant\n%s", got, want)
	}
	// The words marked are the words quoted: without deletions and the
	// article heads, the marks' text is the quote.
	_, rows := redlineViews(t, redline.Compute(a, b, nil, nil), newAnchorRuns(b, 2, comments))
	doc, err := html.Parse(strings.NewReader(string(rows[2].Proposed.HTML)))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(marks(doc), "|"); !strings.HasPrefix(got, want[:strings.Index(want, "|comment-9")]) {
		t.Errorf("table marks %s", got)
	}
	if e, _ := html.Parse(strings.NewReader(string(rows[2].Earlier.HTML))); len(marks(e)) != 0 {
		t.Errorf("the earlier text is marked: %s", rows[2].Earlier.HTML)
	}
}

// The redline of Markdown shows what the document page shows: a renumbered
// paragraph stays a list item ("2." → "3." is not "23."), bold changes
// inside <strong>, a changed table cell in its cell, and a link whose
// target became javascript: loses its target, as on the document page.
func TestInlineMarkdown(t *testing.T) {
	a := "## Neni 1\n\n" + rlT1 + "\n\n" + rlT2 + "\n\n1. Hyrje.\n\n2. Qendra ofron **shërbime ditore**.\n\n| Orari | Ditët |\n|---|---|\n| 08:00–17:00 | e hënë |\n\n[Ligji](https://gzk.rks-gov.net/ligji)\n"
	b := "## Neni 1\n\n" + rlT1 + "\n\n" + rlT2 + "\n\n1. Hyrje.\n\n2. E re.\n\n3. Qendra ofron **shërbime ditore dhe javore**.\n\n| Orari | Ditët |\n|---|---|\n| 07:30–18:00 | e hënë |\n\n[Ligji](javascript:alert(1))\n"
	root := inlineDoc(t, a, b, nil)
	var items, cells, strong []string
	walkHTML(root, func(n *html.Node) {
		switch n.Data {
		case "li":
			items = append(items, textOf(n))
		case "td":
			cells = append(cells, textOf(n))
		case "strong":
			strong = append(strong, textOf(n))
		case "a":
			t.Errorf("a link is left: %v", n.Attr)
		}
	})
	text := textOf(root)
	if len(items) != 3 || strings.Contains(text, "23.") || strings.Contains(text, "**") || strings.Contains(text, "|") {
		t.Errorf("items %q, text %q", items, text)
	}
	if len(cells) != 2 || cells[0] != "08:00–17:0007:30–18:00" {
		t.Errorf("cells %q", cells)
	}
	if len(strong) != 1 || strong[0] != "shërbime ditore dhe javore" {
		t.Errorf("bold %q", strong)
	}
	if probs := unsafeHTML(root); len(probs) > 0 {
		t.Error(probs)
	}
}

// unsafeHTML lists what would let the redline run script.
func unsafeHTML(root *html.Node) []string {
	var probs []string
	walkHTML(root, func(n *html.Node) {
		if n.Data == "script" || n.Data == "iframe" {
			probs = append(probs, n.Data)
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") || strings.Contains(strings.ToLower(a.Val), "javascript:") {
				probs = append(probs, a.Key+"="+a.Val)
			}
		}
	})
	return probs
}

// An article beyond the renderer's limits shows its source with ins/del,
// as the redline did before it was rendered, and keeps numbering changes.
func TestInlineBeyondLimits(t *testing.T) {
	a := rlDoc(rlT1, rlT2)
	b := rlDoc(strings.Replace(rlT1, "vjetor", "shumëvjeçar", 1), strings.Replace(rlT2, "Komuna", "> > > > Ministria", 1))
	rend := markdown.NewRenderer(0)
	rend.Limits.MaxDepth = 2
	arts, err := newRedlineView(context.Background(), rend, nil).inlineArticles(redline.Compute(a, b, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	if arts[1].Text.Plain || !arts[2].Text.Plain {
		t.Fatalf("plain: %v %v, want only Neni 2 as source", arts[1].Text.Plain, arts[2].Text.Plain)
	}
	out := partial(t, "redline-inline", arts)
	if !strings.Contains(out, `<div class="art-text source-text">## Neni 2`) || !strings.Contains(out, `<del id="c2">Komuna</del>`) {
		t.Errorf("source view: %s", out)
	}
}
