package markdown

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"

	"policydesk"
)

func count(doc ast.Node, kind ast.NodeKind) int {
	n := 0
	ast.Walk(doc, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && c.Kind() == kind {
			n++
		}
		return ast.WalkContinue, nil
	})
	return n
}

// TestParse: the tree has footnotes, the URL guard's links and the
// renderer's refusals.
func TestParse(t *testing.T) {
	r := NewRenderer(0)
	doc, src, err := r.Parse(context.Background(), "Tekst[^1] me [lidhje](https://a.example) dhe [keq](javascript:x).\n\n[^1]: Shënim.\n")
	if err != nil {
		t.Fatal(err)
	}
	if string(src) == "" || count(doc, east.KindFootnote) != 1 || count(doc, east.KindFootnoteLink) != 1 || count(doc, ast.KindLink) != 1 {
		t.Errorf("want one footnote, one reference and one link (the javascript: one text)")
	}
	if _, _, err := r.Parse(context.Background(), strings.Repeat("> ", 100)+"a"); policydesk.ErrorCode(err) != policydesk.ETooComplex {
		t.Errorf("deep nesting: %v, want ETooComplex", err)
	}
}

// TestParseBoundsFootnoteReferences: goldmark looks each reference up
// among all definitions; past MaxReferenceWork references stay text.
func TestParseBoundsFootnoteReferences(t *testing.T) {
	var b strings.Builder
	const n = 5000 // 25 million lookups unbounded
	for i := range n {
		fmt.Fprintf(&b, "T[^%d].\n\n", i)
	}
	for i := range n {
		fmt.Fprintf(&b, "[^%d]: S.\n", i)
	}
	r := NewRenderer(0)
	doc, _, err := r.Parse(context.Background(), b.String())
	if err != nil {
		t.Fatal(err)
	}
	refs := count(doc, east.KindFootnoteLink)
	if refs == 0 || refs >= n || refs > r.Limits.MaxReferenceWork/n+1 {
		t.Errorf("%d references linked; want those within %d lookups", refs, r.Limits.MaxReferenceWork)
	}
}
