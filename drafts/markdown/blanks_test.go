package markdown

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// parsedText parses out as a browser would and returns its text and the
// names of the elements it holds.
func parsedText(t *testing.T, out string) (string, map[string]int) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		t.Fatalf("parse %q: %v", out, err)
	}
	var text strings.Builder
	elements := map[string]int{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			text.WriteString(n.Data)
		case html.ElementNode:
			elements[n.Data]++
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return text.String(), elements
}

// Blanks to fill in and signature lines show as written: as text, with no
// emphasis and no rule made of them.
func TestRenderKeepsLegalBlanks(t *testing.T) {
	r := NewRenderer(0)
	for _, tc := range []struct{ in, text string }{
		{"Prishtinë, më __.__.2026", "Prishtinë, më __.__.2026"},
		{"Data: __/__/2026", "Data: __/__/2026"},
		{"Prishtinë, më _._.2026", "Prishtinë, më _._.2026"},
		{"_______", "_______"},
		{"Ministri\n\n_______\n\nEmri Mbiemri", "_______"},
		{"Nënshkrimi: ________", "Nënshkrimi: ________"},
		{"Nënshkrimi:\n________\nVula", "________"},
		{"Teksti ___ vazhdon", "Teksti ___ vazhdon"},
		{"Nr.____/2026 dhe nr. __", "Nr.____/2026 dhe nr. __"},
		{"___fjalë___", "___fjalë___"},
		{"_ _ _", "_ _ _"},
		{"  ___  ", "___"},
		{"- Emri: ______\n- Mbiemri: ______", "Mbiemri: ______"},
		{"> Data: __.__.____", "Data: __.__.____"},
		{"| Emri | Data |\n|---|---|\n| ____ | __.__.2026 |", "__.__.2026"},
		{"__.__.2026 dhe __fjalë__", "__.__.2026 dhe fjalë"},
		{"\\____", "____"},
	} {
		out := mustRender(t, r, tc.in)
		text, els := parsedText(t, out)
		if !strings.Contains(text, tc.text) {
			t.Errorf("Render(%q) = %q: text %q does not hold %q", tc.in, out, text, tc.text)
		}
		if els["hr"] > 0 || (els["em"] > 0 || els["strong"] > 0) && !strings.Contains(tc.in, "fjalë__") {
			t.Errorf("Render(%q) = %q: a blank became a rule or emphasis", tc.in, out)
		}
	}
}

// Underscores around words are still emphasis, stars and dashes still make
// rules, and code shows its underscores untouched.
func TestRenderUnderscoreEmphasisAndRules(t *testing.T) {
	r := NewRenderer(0)
	for _, tc := range []struct{ in, want string }{
		{"_fjalë_", "<p><em>fjalë</em></p>\n"},
		{"__fjalë__", "<p><strong>fjalë</strong></p>\n"},
		{"një _fjalë e theksuar_ këtu", "<p>një <em>fjalë e theksuar</em> këtu</p>\n"},
		{"__Neni 5.__", "<p id=\"art-5\"><strong>Neni 5.</strong></p>\n"},
		{"(_shih_)", "<p>(<em>shih</em>)</p>\n"},
		{`_"citim"_`, "<p><em>&quot;citim&quot;</em></p>\n"},
		{"emri_i_plote", "<p>emri_i_plote</p>\n"},
		{"**fort** dhe *pjerrët*", "<p><strong>fort</strong> dhe <em>pjerrët</em></p>\n"},
		{"---", "<hr>\n"},
		{"***", "<hr>\n"},
		{"* * *", "<hr>\n"},
		{"a\n\n- - -\n\nb", "<p>a</p>\n<hr>\n<p>b</p>\n"},
		{"`__.__.2026`", "<p><code>__.__.2026</code></p>\n"},
		{"`____`", "<p><code>____</code></p>\n"},
		{"```\n____\n__.__\n```", "<pre><code>____\n__.__\n</code></pre>\n"},
		{"    ____", "<pre><code>____\n</code></pre>\n"},
	} {
		if out := mustRender(t, r, tc.in); out != tc.want {
			t.Errorf("Render(%q) = %q, want %q", tc.in, out, tc.want)
		}
	}
}
