package docx

// The inline half of the flow: text, emphasis, code, links, footnote
// references and line breaks.

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"
)

// inlines writes the inline children of n.
func (w *walker) inlines(n ast.Node, style string) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		w.inline(c, style)
	}
}

func (w *walker) inline(n ast.Node, style string) {
	switch n := n.(type) {
	case *ast.Text:
		w.text(n, style)
	case *ast.String:
		w.add(item{kind: itemText, text: string(n.Value), f: w.f, link: w.link, start: w.last, end: w.last})
	case *ast.CodeSpan:
		w.styled(n, fmtCode, style)
	case *ast.Emphasis:
		f := fmtItalic
		if n.Level >= 2 {
			f = fmtBold
		}
		w.styled(n, f, style)
	case *east.Strikethrough:
		w.styled(n, fmtStrike, style)
	case *ast.Link:
		w.linked(n, string(n.Destination), style)
	case *ast.AutoLink:
		url := string(n.URL(w.src))
		if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(url), "mailto:") {
			url = "mailto:" + url
		}
		label := n.Label(w.src)
		w.withLink(url, func() {
			w.add(item{kind: itemText, text: string(label), f: w.f, link: w.link, start: w.last, end: w.last})
		})
	case *ast.Image:
		w.inlines(n, style) // its alt text; images are not exported
	case *east.FootnoteLink:
		w.add(item{kind: itemNote, note: int32(w.note(n.Index)), start: w.last, end: w.last})
	case *ast.RawHTML:
		// Raw HTML is never markup in a document: it is the drafter's
		// text, as written.
		for i := 0; i < n.Segments.Len(); i++ {
			seg := n.Segments.At(i)
			w.add(item{kind: itemText, text: string(seg.Value(w.src)), f: w.f, link: w.link, start: seg.Start, end: seg.Stop, exact: true})
			w.last = seg.Stop
		}
	case *east.FootnoteBacklink:
	default:
		w.inlines(n, style)
	}
}

func (w *walker) styled(n ast.Node, f format, style string) {
	saved := w.f
	w.f |= f
	w.inlines(n, style)
	w.f = saved
}

func (w *walker) linked(n ast.Node, url, style string) {
	w.withLink(url, func() { w.inlines(n, style) })
}

// withLink runs write with runs linking to url when it is an http, https
// or mailto URL; other links are text.
func (w *walker) withLink(url string, write func()) {
	saved := w.link
	if u := string(util.URLEscape([]byte(url), true)); externalURL(u) {
		w.link = u
	}
	write()
	w.link = saved
}

// text writes a text node: its bytes as they are where they can be (so
// the redline can split them), unescaped otherwise; its line break as a
// space, a w:br, or a new paragraph before a sub-paragraph number.
func (w *walker) text(n *ast.Text, style string) {
	seg := n.Segment
	raw := seg.Value(w.src)
	text, exact := string(raw), true
	if !n.IsRaw() && bytes.ContainsAny(raw, "\\&") {
		text, exact = string(util.UnescapePunctuations(util.ResolveNumericReferences(util.ResolveEntityNames(raw)))), false
	}
	w.add(item{kind: itemText, text: text, f: w.f, link: w.link, start: seg.Start, end: seg.Stop, exact: exact})
	w.last = seg.Stop
	switch {
	case n.HardLineBreak():
		w.add(item{kind: itemBreak, start: w.newline(), end: w.newline()})
	case n.SoftLineBreak():
		nl := w.newline()
		if next := w.nextLine(nl); subParagraph.Match(next) && style != "TableText" {
			w.add(item{kind: itemPara, style: w.listStyle(), level: int32(w.level), start: nl, end: nl})
			return
		}
		// The newline is a space in the run it joins (see fill).
		w.add(item{kind: itemText, text: " ", f: w.f, link: w.link, start: nl, end: nl + 1, exact: true})
	}
}

// newline is where the line break after the last text is.
func (w *walker) newline() int {
	if i := bytes.IndexByte(w.src[w.last:], '\n'); i >= 0 {
		return w.last + i
	}
	return len(w.src)
}

// nextLine is the line after the newline at nl, without its indentation.
func (w *walker) nextLine(nl int) []byte {
	if nl >= len(w.src) {
		return nil
	}
	rest := w.src[nl+1:]
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	return bytes.TrimLeft(rest, " \t>")
}

// externalURL reports whether u may become a hyperlink in a document:
// http, https or mailto, nothing else (no file:, no javascript:, no
// relative path that Word would resolve against the file's place).
func externalURL(u string) bool {
	l := strings.ToLower(u)
	for _, scheme := range []string{"http://", "https://", "mailto:"} {
		if strings.HasPrefix(l, scheme) && len(l) > len(scheme) {
			return !strings.ContainsAny(u, " \t\r\n\"<>")
		}
	}
	return false
}
