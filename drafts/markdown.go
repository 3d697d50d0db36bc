package drafts

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Renderer turns draft Markdown into HTML that is safe to embed in a page.
//
// Safety is by construction rather than by a post-pass sanitiser:
//   - goldmark runs without html.WithUnsafe, so raw HTML (inline and block) is
//     replaced by "<!-- raw HTML omitted -->" and every text and attribute
//     value it writes is HTML-escaped;
//   - no extension that emits attributes from user input is enabled (no
//     parser.WithAttribute, no linkify, no footnotes), so the only
//     user-controlled attributes are link/image URLs and titles, and code
//     block classes, all escaped; table alignment uses align=, not style=;
//   - urlGuard rewrites every link, image and autolink whose URL is not
//     http, https, mailto, relative or a fragment.
//
// A bluemonday pass was measured and left out because it more than doubled
// render time (see the benchmarks); the tests in markdown_test.go, including
// FuzzRenderSafe, are the proof that the output stays safe.
type Renderer struct {
	md    goldmark.Markdown
	cache *lru
}

// NewRenderer returns a Renderer that keeps the HTML of the last cacheEntries
// distinct bodies. cacheEntries <= 0 disables caching.
func NewRenderer(cacheEntries int) *Renderer {
	return &Renderer{md: newMarkdown(), cache: newLRU(cacheEntries)}
}

// newMarkdown builds the goldmark pipeline once; goldmark.Markdown is safe for
// concurrent use as long as its options are not changed after construction.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			// align="right" instead of the default style attribute, so pages
			// can run under a CSP that forbids inline styles.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
		),
		goldmark.WithParserOptions(
			parser.WithASTTransformers(
				util.Prioritized(urlGuard{}, 100),
				util.Prioritized(articleAnchors{}, 200),
			),
		),
	)
}

// Render returns the HTML for body, from the cache when the same body was
// rendered recently.
func (r *Renderer) Render(body string) string {
	key := sum(body)
	if html, ok := r.cache.get(key); ok {
		return html
	}
	html := r.render(body)
	r.cache.put(key, html)
	return html
}

// Cached returns the HTML of the body whose SHA256Hex is sha, if it is still
// in the cache, so callers that know a version's hash can skip loading it.
func (r *Renderer) Cached(sha string) (string, bool) {
	var key [32]byte
	if len(sha) != 2*len(key) {
		return "", false
	}
	if _, err := hex.Decode(key[:], []byte(sha)); err != nil {
		return "", false
	}
	return r.cache.get(key)
}

// render is the uncached path; benchmarks call it directly.
func (r *Renderer) render(body string) string {
	// strings.Builder hands its buffer to String without a copy; drafts
	// render to about 1.3× their size, so one allocation usually suffices.
	var b strings.Builder
	b.Grow(len(body) + len(body)/2)
	if err := r.md.Convert([]byte(body), &b); err != nil {
		// goldmark only fails when the writer fails; strings.Builder does not.
		return ""
	}
	return b.String()
}

// SHA256Hex returns the lowercase hex SHA-256 of body.
func SHA256Hex(body string) string {
	key := sum(body)
	return hex.EncodeToString(key[:])
}

// sum hashes body through a small buffer: sha256.Sum256([]byte(body)) would
// copy the whole draft onto the heap on every Render, cache hit or not.
func sum(body string) [32]byte {
	h := sha256.New()
	var buf [8 << 10]byte
	for len(body) > 0 {
		n := copy(buf[:], body)
		h.Write(buf[:n])
		body = body[n:]
	}
	var key [32]byte
	h.Sum(key[:0])
	return key
}

// ArticleAnchor is the HTML id of the heading of article num, so the outline
// can link into the rendered draft. Only [a-z0-9] survive, which keeps the id
// valid and free of anything an attacker could smuggle through a heading.
func ArticleAnchor(num string) string {
	var b strings.Builder
	b.WriteString("art-")
	for _, c := range strings.ToLower(num) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

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
			num, _, ok = matchArticle(string(blockText(n, source)))
		case *ast.Paragraph:
			if n.Lines().Len() > 0 {
				first := n.Lines().At(0) // addressable: Value has a pointer receiver
				num, _, ok = matchStandalone(string(first.Value(source)))
			}
		}
		if ok {
			n.SetAttributeString("id", []byte(ArticleAnchor(num)))
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

// lru is a fixed-size, mutex-guarded LRU from body hash to HTML.
type lru struct {
	mu    sync.Mutex
	max   int
	order *list.List // front = most recently used
	items map[[32]byte]*list.Element
}

type lruEntry struct {
	key  [32]byte
	html string
}

func newLRU(max int) *lru {
	return &lru{max: max, order: list.New(), items: make(map[[32]byte]*list.Element)}
}

func (c *lru) get(key [32]byte) (string, bool) {
	if c.max <= 0 {
		return "", false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return "", false
	}
	c.order.MoveToFront(e)
	return e.Value.(*lruEntry).html, true
}

func (c *lru) put(key [32]byte, html string) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		return
	}
	c.items[key] = c.order.PushFront(&lruEntry{key: key, html: html})
	if c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.items, old.Value.(*lruEntry).key)
	}
}
