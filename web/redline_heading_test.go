package web

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"policydesk/review/redline"
)

// TestChapterHeadingRows checks that a chapter heading between two articles
// is its own row of the comparative table and its own section of the
// inline redline, labelled by its text, and that the article before it no
// longer carries it.
func TestChapterHeadingRows(t *testing.T) {
	a := "# Rregullore\n\n## Neni 1\n\n" + rlT1 + "\n\n## KAPITULLI II – DISPOZITAT KALIMTARE\n\n## Neni 2\n\n" + rlT2 + "\n"
	b := "# Rregullore\n\n## Neni 1\n\n" + rlT1 + " Ora e punës është 07:30–18:00.\n\n## KAPITULLI III – DISPOZITAT KALIMTARE\n\n## Neni 2\n\n" + rlT2 + "\n"
	red := redline.Compute(a, b, nil, nil)
	arts, rows := redlineViews(t, red, nil)
	var heads []string
	for _, row := range rows {
		heads = append(heads, row.Status+" "+row.Heading)
	}
	want := "unchanged Preamble|changed Neni 1|unchanged KAPITULLI III – DISPOZITAT KALIMTARE|unchanged Neni 2"
	if got := strings.Join(heads, "|"); got != want {
		t.Fatalf("rows %q, want %q", got, want)
	}
	if proposed := string(rows[1].Proposed.HTML); strings.Contains(proposed, "KAPITULLI") ||
		!strings.Contains(proposed, "<ins id=\"c1\"> Ora e punës është 07:30–18:00.</ins></p>") {
		t.Errorf("article 1 proposed %s", proposed)
	}
	if heading := string(rows[2].Proposed.HTML); heading != "<h2>KAPITULLI <ins id=\"c3\">III</ins> – DISPOZITAT KALIMTARE</h2>\n" {
		t.Errorf("chapter row proposed %q", heading)
	}
	out := partial(t, "redline-inline", arts)
	root, err := html.Parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	walkHTML(root, func(n *html.Node) {
		if n.Data == "div" && attrOf(n, "class") == "art-head" {
			labels = append(labels, textOf(n))
		}
	})
	wantLabels := "Preamble|Neni 1 (changed)|KAPITULLI III – DISPOZITAT KALIMTARE (renumbered from II)|Neni 2"
	if got := strings.Join(labels, "|"); got != wantLabels {
		t.Errorf("inline heads %q, want %q", got, wantLabels)
	}
}
