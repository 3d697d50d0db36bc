package markdown

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"policydesk/drafts/outline"
)

// articleAnchors gives article headings an id so the outline can link to
// them. It uses the same recognisers as ParseOutline: ATX/setext headings are
// matched on their text, and a paragraph whose first line is a bold or bare
// "Neni 5" line (Word-converted drafts) gets the id on the paragraph.
type articleAnchors struct{}

func (articleAnchors) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		var num string
		var ok bool
		switch n := n.(type) {
		case *ast.Heading:
			num, _, ok = outline.MatchHeading(string(blockText(n, source)))
		case *ast.Paragraph:
			if n.Lines().Len() > 0 {
				first := n.Lines().At(0) // addressable: Value has a pointer receiver
				num, _, ok = outline.MatchStandalone(string(first.Value(source)))
			}
		}
		if ok {
			n.SetAttributeString("id", []byte(outline.ArticleAnchor(num)))
		}
	}
}

// blockText joins the raw source lines of a block.
func blockText(n ast.Node, source []byte) []byte {
	lines := n.Lines()
	var b []byte
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b = append(b, seg.Value(source)...)
	}
	return b
}
