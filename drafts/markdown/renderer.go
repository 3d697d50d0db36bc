package markdown

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	stdhtml "html"
	"html/template"
	"runtime"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
	"golang.org/x/sync/semaphore"

	"policydesk"
	"policydesk/drafts/cache"
)

// Renderer turns draft Markdown into HTML that is safe to embed in a page,
// and says so in its type: Render returns template.HTML, which templates
// write as it is.
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
// render time (see the benchmarks); the tests in renderer_test.go, including
// FuzzRenderSafe, are the proof that the output stays safe.
//
// Cost is bounded too: every goldmark parser runs under a guard (see
// Limits) that refuses or defuses the inputs on which goldmark is
// superlinear, and checks the caller's context as it goes. Large bodies take
// one of the Slots, the pool drafts.Service runs its diffs and merges on,
// so a crowd of them cannot multiply memory.
type Renderer struct {
	md     goldmark.Markdown
	cache  *cache.Cache[[32]byte, rendering]
	marked *cache.Cache[[32]byte, markedRendering] // RenderMarked's

	// Slots are what a large rendering waits for: GOMAXPROCS of them unless
	// changed before first use. drafts.Service runs its Heavy work (diffs,
	// merges) on the same slots.
	Slots *semaphore.Weighted
	// Limits bound every rendering; DefaultLimits unless changed before
	// first use.
	Limits Limits
	// Timeout bounds one rendering, waiting for a slot included. It is the
	// safety net behind Limits, which decide what is refused.
	Timeout time.Duration
	// HeavyBytes is the body size from which a rendering needs a slot.
	HeavyBytes int
}

// rendering is a cached result: the HTML, or for a stored body beyond the
// limits, the plain-text fallback with the reason it was refused.
type rendering struct {
	html    template.HTML
	refusal *policydesk.Error
}

// Defaults of a Renderer. A body under HeavyBytes renders in at most a few
// tens of milliseconds and 10 MB whatever it holds; the worst body the
// limits admit takes about 0.3 s, so a rendering that passes
// DefaultTimeout is stuck behind others.
const (
	DefaultTimeout    = 1500 * time.Millisecond
	DefaultHeavyBytes = 64 << 10
	DefaultCacheBytes = 64 << 20
)

// NewRenderer returns a Renderer that keeps up to cacheBytes of rendered
// HTML, and a quarter as much of marked renderings (the redline's).
// cacheBytes <= 0 disables caching.
func NewRenderer(cacheBytes int64) *Renderer {
	return &Renderer{
		md:         newMarkdown(),
		cache:      cache.New[[32]byte, rendering](cacheBytes),
		marked:     cache.New[[32]byte, markedRendering](cacheBytes / 4),
		Slots:      semaphore.NewWeighted(int64(runtime.GOMAXPROCS(0))),
		Limits:     DefaultLimits,
		Timeout:    DefaultTimeout,
		HeavyBytes: DefaultHeavyBytes,
	}
}

// newMarkdown builds the goldmark pipeline once; goldmark.Markdown is safe for
// concurrent use as long as its options are not changed after construction.
// It is goldmark's default parser plus the GFM table and strikethrough
// extensions, assembled by hand so that every parser can be guarded, and
// with underscores that are blanks left as written (blanks.go).
func newMarkdown() goldmark.Markdown {
	p := parser.NewParser(
		parser.WithBlockParsers(keepBlankLines(guardBlockParsers(parser.DefaultBlockParsers()))...),
		parser.WithInlineParsers(keepBlanks(guardInlineParsers(append(parser.DefaultInlineParsers(),
			util.Prioritized(extension.NewStrikethroughParser(), 500))))...),
		parser.WithParagraphTransformers(guardParagraphTransformers(append(parser.DefaultParagraphTransformers(),
			util.Prioritized(extension.NewTableParagraphTransformer(), 200)))...),
		parser.WithASTTransformers(
			util.Prioritized(extension.NewTableASTTransformer(), 0),
			util.Prioritized(urlGuard{}, 100),
			util.Prioritized(articleAnchors{}, 200),
		),
	)
	r := renderer.NewRenderer(renderer.WithNodeRenderers(
		util.Prioritized(html.NewRenderer(), 1000),
		// align="right" instead of the default style attribute, so pages
		// can run under a CSP that forbids inline styles.
		util.Prioritized(extension.NewTableHTMLRenderer(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)), 500),
		util.Prioritized(extension.NewStrikethroughHTMLRenderer(), 500),
	))
	return goldmark.New(goldmark.WithParser(p), goldmark.WithRenderer(r))
}

// Render returns the HTML for body and keeps it in the cache, from which
// the same body is answered next time. It returns ETooComplex, saying what
// is too deep or too large, for a body beyond r.Limits, and EUnavailable when
// ctx ends or r.Timeout passes first; neither is cached.
func (r *Renderer) Render(ctx context.Context, body string) (template.HTML, error) {
	key := sum(body)
	if c, ok := r.cache.Get(key); ok {
		return c.result()
	}
	html, err := r.render(ctx, body)
	if err != nil {
		return "", err
	}
	r.cache.Add(key, rendering{html: html}, len(html))
	return html, nil
}

// Preview is Render for text being edited: it is answered from the cache
// but never enters it, since every keystroke makes a new body.
func (r *Renderer) Preview(ctx context.Context, body string) (template.HTML, error) {
	if c, ok := r.cache.Get(sum(body)); ok {
		return c.result()
	}
	return r.render(ctx, body)
}

// RenderStored is Render for a body already saved, perhaps before the
// limits existed: a body beyond them is shown as escaped plain text under a
// notice saying why, and that answer is cached like any other.
func (r *Renderer) RenderStored(ctx context.Context, body string) (template.HTML, error) {
	key := sum(body)
	if c, ok := r.cache.Get(key); ok {
		return c.html, nil
	}
	html, err := r.render(ctx, body)
	var e *policydesk.Error
	if policydesk.ErrorCode(err) == policydesk.ETooComplex && errors.As(err, &e) {
		c := rendering{html: plainText(body, e.Message), refusal: e}
		r.cache.Add(key, c, len(c.html))
		return c.html, nil
	} else if err != nil {
		return "", err
	}
	r.cache.Add(key, rendering{html: html}, len(html))
	return html, nil
}

func (c rendering) result() (template.HTML, error) {
	if c.refusal != nil {
		return "", c.refusal
	}
	return c.html, nil
}

// Cached returns the HTML of the body whose SHA256Hex is sha, if it is still
// in the cache, so callers that know a version's hash can skip loading it.
func (r *Renderer) Cached(sha string) (template.HTML, bool) {
	var key [32]byte
	if len(sha) != 2*len(key) {
		return "", false
	}
	if _, err := hex.Decode(key[:], []byte(sha)); err != nil {
		return "", false
	}
	c, ok := r.cache.Get(key)
	return c.html, ok
}

// CacheBytes is the size of the HTML held in the cache.
func (r *Renderer) CacheBytes() int64 { return r.cache.Bytes() }

// render is the uncached path; benchmarks call it directly.
func (r *Renderer) render(ctx context.Context, body string) (template.HTML, error) {
	html, _, err := r.renderGuarded(ctx, body)
	return html, err
}

// renderGuarded renders under a fresh guard, which it returns so tests can
// see the work counted.
func (r *Renderer) renderGuarded(ctx context.Context, body string) (html template.HTML, g *guard, err error) {
	g, err = r.guarded(ctx, len(body), func(pc parser.Context) error {
		// strings.Builder hands its buffer to String without a copy; drafts
		// render to about 1.3× their size, so one allocation usually
		// suffices. The output is trusted as HTML here, and only here: it
		// is safe by construction (see Renderer).
		var b strings.Builder
		b.Grow(len(body) + len(body)/2)
		// goldmark only fails when the writer fails; strings.Builder does not.
		err := r.md.Convert([]byte(body), &b, parser.WithContext(pc))
		html = template.HTML(b.String())
		return err
	})
	if err != nil {
		return "", g, err
	}
	return html, g, nil
}

// guarded runs parse, a goldmark run over a text of size bytes, under a
// fresh guard within r's timeout, on a slot when the text is large; a
// bound crossed or the context ended become the errors Render returns.
func (r *Renderer) guarded(ctx context.Context, size int, parse func(pc parser.Context) error) (g *guard, err error) {
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	if size >= r.HeavyBytes {
		if err := r.Slots.Acquire(ctx, 1); err != nil {
			return nil, policydesk.Errorf(policydesk.EUnavailable, "The service is busy with other large texts; try again in a moment.")
		}
		defer r.Slots.Release(1)
	}
	g = &guard{ctx: ctx, lim: r.Limits}
	pc := parser.NewContext()
	pc.Set(guardKey, g)
	defer func() {
		switch p := recover().(type) {
		case nil:
		case refused:
			err = p.err
		case stopped:
			err = policydesk.Errorf(policydesk.EUnavailable, "The text took too long to display; try again when the service is less busy.")
		default:
			panic(p)
		}
	}()
	return g, parse(pc)
}

// plainText is how a stored body beyond the limits is shown: escaped, in a
// <pre> that keeps its lines, under a notice with the reason.
func plainText(body, reason string) template.HTML {
	var b strings.Builder
	b.Grow(len(body) + len(body)/8 + 256)
	b.WriteString(`<p class="notice render-notice" role="status">`)
	b.WriteString(stdhtml.EscapeString("This version is shown as plain text because it cannot be displayed formatted. " + reason))
	b.WriteString("</p>\n<pre class=\"plain-text\">")
	b.WriteString(stdhtml.EscapeString(body))
	b.WriteString("</pre>\n")
	return template.HTML(b.String())
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
