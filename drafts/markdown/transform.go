package markdown

// The two passes over goldmark's syntax tree before it is written: the URL
// guard, which keeps script out of links, and the article anchors, which
// let an outline link into the page.

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"policydesk/drafts/outline"
)

// urlGuard removes links and images whose destination is not allow-listed.
// It checks the URL exactly as goldmark's HTML renderer will write it
// (util.URLEscape resolves backslash escapes and entity references such as
// "&#106;"), so what is checked is what the browser gets.
type urlGuard struct{}

func (urlGuard) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var bad []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if !allowedURL(util.URLEscape(n.Destination, true)) {
				bad = append(bad, n)
			}
		case *ast.Image:
			if !allowedURL(util.URLEscape(n.Destination, true)) {
				bad = append(bad, n)
			}
		case *ast.AutoLink:
			if n.AutoLinkType == ast.AutoLinkURL && !allowedURL(util.URLEscape(n.URL(source), false)) {
				bad = append(bad, n)
			}
		}
		return ast.WalkContinue, nil
	})
	// Rewrite after the walk so the walk never sees a tree being changed.
	for _, n := range bad {
		defang(n, source)
	}
}

// defang replaces a rejected node with its text: a link keeps its label, an
// image its alt text, an autolink its literal URL, so no wording is lost.
func defang(n ast.Node, source []byte) {
	parent := n.Parent()
	if parent == nil {
		return
	}
	if al, ok := n.(*ast.AutoLink); ok {
		s := ast.NewString(al.Label(source))
		s.SetRaw(true)
		parent.ReplaceChild(parent, n, s)
		return
	}
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}

// allowedURL reports whether u is http, https, mailto, scheme-relative,
// relative or a fragment. It mirrors the WHATWG URL parser's leniency (which
// drops tabs and newlines anywhere and trims leading/trailing C0 controls and
// spaces) so that "java\tscript:" is seen as the browser would see it. Any
// colon before the first '/', '?' or '#' is treated as a scheme; a relative
// path like "a:b" is therefore refused too, which costs nothing in practice.
func allowedURL(u []byte) bool {
	scheme, ok := urlScheme(u)
	if !ok {
		return true // no scheme: relative URL or fragment
	}
	switch strings.ToLower(scheme) {
	case "http", "https", "mailto":
		return true
	}
	return false
}

// urlScheme returns the text before the first ':' when that colon comes
// before any '/', '?' or '#', after browser-style whitespace cleanup.
func urlScheme(u []byte) (string, bool) {
	u = bytes.TrimFunc(u, func(r rune) bool { return r <= ' ' })
	var b strings.Builder
	for _, c := range u {
		switch c {
		case '\t', '\n', '\r':
			continue
		case '/', '?', '#':
			return "", false
		case ':':
			return b.String(), true
		}
		b.WriteByte(c)
	}
	return "", false
}

// articleAnchors gives article headings an id so the outline can link to
// them. It uses the same recognisers as outline.Parse: ATX/setext headings are
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
