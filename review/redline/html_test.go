package redline_test

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"policydesk/review/redline"
)

func TestInlineHTML(t *testing.T) {
	a := doc(t1, t2, t3+" <script>alert(1)</script>")
	b := doc(t1, tn, strings.Replace(t3, "policinë", "prokurorinë", 1)+" <script>alert(1)</script>")
	r := redline.Compute(a, b, nil, nil)
	out := string(redline.InlineHTML(r))
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
			sections = append(sections, attr(n, "class")+"#"+attr(n, "id"))
		case "ins", "del":
			if id := attr(n, "id"); id != "" {
				changes = append(changes, id)
			}
		case "script":
			t.Error("script element in output")
		case "div":
			if attr(n, "class") == "art-head" {
				heads = append(heads, text(n))
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
	if !strings.Contains(text(root), "## Neni 1\n\n"+t1+"\n\n") {
		t.Error("source text not preserved")
	}
}

func TestSideBySide(t *testing.T) {
	a, b := doc(t1, t2), doc(t1, strings.Replace(t2, "Komuna", "Ministria", 1))
	rows := redline.SideBySide(redline.Compute(a, b, nil, nil))
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	got := rows[2]
	if got.Status != "changed" || got.FromNum != "2" || got.ToNum != "2" {
		t.Errorf("row %+v", got)
	}
	if !strings.Contains(string(got.Earlier), "<del>Komuna</del>") || !strings.Contains(string(got.Proposed), `<ins id="c1">Ministria</ins>`) {
		t.Errorf("earlier %s / proposed %s", got.Earlier, got.Proposed)
	}
}

func walkHTML(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walkHTML(c, f)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var sb strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		sb.WriteString(text(c))
	}
	return sb.String()
}
