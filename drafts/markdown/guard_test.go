package markdown

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/util"
	"golang.org/x/sync/semaphore"

	"policydesk"
	"policydesk/drafts/draftstest"
)

// realDrafts are the texts no bound may touch: the demo library, the
// generated regulations the other tests and benchmarks use, and the largest
// regulation the generator makes under the body limit.
func realDrafts(tb testing.TB) map[string]string {
	tb.Helper()
	docs := map[string]string{
		"regulation 100/60k":  draftstest.Regulation(100, 60000, 42),
		"regulation 500/300k": draftstest.Regulation(500, 300000, 3),
		"regulation 5 MiB":    draftstest.Regulation(800, 660000, 1),
	}
	if n := len(docs["regulation 5 MiB"]); n > draftstest.MaxBodyBytes {
		tb.Fatalf("the 5 MiB regulation is %d bytes, over the body limit", n)
	}
	files, err := filepath.Glob("../../cmd/policydesk/demodata/*/v*.md")
	if err != nil || len(files) < 20 {
		tb.Fatalf("demo library: %d files, %v", len(files), err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		docs[filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f)] = string(b)
	}
	return docs
}

// stockMarkdown is the pipeline the Renderer had before the guard: goldmark
// with its extensions registered the usual way, and its default parsers
// keeping legal blanks as the Renderer does.
func stockMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithParser(parser.NewParser(
			parser.WithBlockParsers(keepBlankLines(parser.DefaultBlockParsers())...),
			parser.WithInlineParsers(keepBlanks(parser.DefaultInlineParsers())...),
			parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
		)),
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
		),
		goldmark.WithParserOptions(parser.WithASTTransformers(
			util.Prioritized(urlGuard{}, 100),
			util.Prioritized(articleAnchors{}, 200),
		)),
	)
}

// The guard must be invisible on everything within the bounds: the same
// HTML, byte for byte, as goldmark assembled the usual way.
func TestGuardedRenderingMatchesGoldmark(t *testing.T) {
	stock := stockMarkdown()
	bodies := realDrafts(t)
	for i, p := range xssPayloads {
		bodies[fmt.Sprintf("xss %d", i)] = p
	}
	for _, s := range draftstest.Pathological {
		for _, n := range []int{1, 2, 3, 7, 20} {
			bodies[fmt.Sprintf("%s ×%d", s.Name, n)] = s.Gen(n)
		}
	}
	r := NewRenderer(0)
	r.Timeout = 0
	for name, body := range bodies {
		var want bytes.Buffer
		if err := stock.Convert([]byte(body), &want); err != nil {
			t.Fatal(err)
		}
		got, g, err := r.renderGuarded(context.Background(), body)
		if policydesk.ErrorCode(err) == policydesk.ETooComplex && strings.HasSuffix(name, "×20") && strings.Contains(policydesk.ErrorMessage(err), "deep") {
			continue // 20 nested containers on a line is over 32 levels
		} else if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if g.defused != 0 {
			t.Errorf("%s: %d markers left literal", name, g.defused)
		}
		if string(got) != want.String() {
			t.Errorf("%s: guarded rendering differs\n got %.300q\nwant %.300q", name, got, want.String())
		}
	}
}

// Real drafts stay far inside every bound: no refusal, nothing left
// literal, and at most 70% of the step budget for 5 MiB of regulation.
func TestRealDraftsWithinBounds(t *testing.T) {
	r := NewRenderer(0)
	r.Timeout = 0
	for name, body := range realDrafts(t) {
		_, g, err := r.renderGuarded(context.Background(), body)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		t.Logf("%-45s %8d bytes %7d steps %6d bytes looked ahead", name, len(body), g.steps, g.ahead)
		if g.defused != 0 {
			t.Errorf("%s: %d markers left literal", name, g.defused)
		}
		if g.steps > r.Limits.MaxSteps*7/10 {
			t.Errorf("%s: %d steps, too close to the limit of %d", name, g.steps, r.Limits.MaxSteps)
		}
	}
}

// Every pathological text up to the body limit is rendered safely or
// refused with ETooComplex and a message, quickly. And a step costs at most
// 300 bytes allocated, on top of ten times the text (its copies: bytes for
// goldmark, the output, escapes), which makes MaxSteps a memory bound.
func TestRenderPathological(t *testing.T) {
	r := NewRenderer(0)
	r.Timeout = 0 // only the deterministic bounds may decide
	var slowest time.Duration
	var slowestName, heaviestName string
	heaviest := 0.0
	for _, s := range draftstest.Pathological {
		for _, size := range draftstest.PathologicalSizes() {
			body := s.Sized(size)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			out, g, err := r.renderGuarded(context.Background(), body)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			if took > slowest {
				slowest, slowestName = took, fmt.Sprintf("%s at %d bytes", s.Name, len(body))
			}
			// Under the race detector sync.Pool drops what it is given,
			// so regexp allocates anew on every match.
			alloc := after.TotalAlloc - before.TotalAlloc
			if limit := 300*uint64(g.steps) + 10*uint64(len(body)) + 1<<20; !draftstest.Race {
				if alloc > limit {
					t.Errorf("%s at %d bytes: %d MiB allocated for %d steps, over %d MiB", s.Name, len(body), alloc>>20, g.steps, limit>>20)
				}
				if f := float64(alloc) / float64(limit); f > heaviest {
					heaviest, heaviestName = f, fmt.Sprintf("%s at %d bytes (%d MiB, %d steps)", s.Name, len(body), alloc>>20, g.steps)
				}
			}
			switch policydesk.ErrorCode(err) {
			case "":
				if size <= 64<<10 {
					if probs := checkSafe(out); len(probs) > 0 {
						t.Errorf("%s at %d bytes: unsafe output: %v", s.Name, len(body), probs)
					}
				}
			case policydesk.ETooComplex:
				if msg := policydesk.ErrorMessage(err); !strings.Contains(msg, "deep") && !strings.Contains(msg, "structure") {
					t.Errorf("%s at %d bytes: refused with %q, which does not say what is too deep or too large", s.Name, len(body), msg)
				}
			default:
				t.Errorf("%s at %d bytes: %v", s.Name, len(body), err)
			}
			// Far above the worst measured (about 0.6 s on a busy 2-core
			// machine): a superlinear shape misses it by minutes.
			if limit := 5 * time.Second; !draftstest.Race && took > limit {
				t.Errorf("%s at %d bytes took %v (steps %d, ahead %d)", s.Name, len(body), took, g.steps, g.ahead)
			}
		}
	}
	t.Logf("slowest: %s, %v", slowestName, slowest)
	t.Logf("closest to the memory bound: %s, %.0f%% of it", heaviestName, 100*heaviest)
}

// The same text always gets the same answer: the bounds count work, they do
// not time it.
func TestRenderBoundsDeterministic(t *testing.T) {
	r := NewRenderer(0)
	r.Timeout = 0
	size := 200 << 10
	if draftstest.Race {
		size = 32 << 10
	}
	for _, s := range draftstest.Pathological {
		body := s.Sized(size)
		first, _, err1 := r.renderGuarded(context.Background(), body)
		second, _, err2 := r.renderGuarded(context.Background(), body)
		if first != second || policydesk.ErrorMessage(err1) != policydesk.ErrorMessage(err2) {
			t.Errorf("%s: two renderings differ (%v / %v)", s.Name, err1, err2)
		}
	}
}

// The four bodies of the issue that took the server to 6-24 GiB.
var issueBodies = map[string]string{
	"- ×30,000 then newlines":  strings.Repeat("- ", 30000) + strings.Repeat("\n", 30000),
	"> - ×30,000 then >\\n":    "> " + strings.Repeat("- ", 30000) + strings.Repeat(">\n", 30000),
	">×100,000 then a*":        strings.Repeat(">", 100000) + strings.Repeat("a*", 100000),
	"*×20,000 around a":        strings.Repeat("*", 20000) + "a" + strings.Repeat("*", 20000),
	">×160 KB":                 strings.Repeat(">", 160000),
	"[a](×20,000":              strings.Repeat("[a](", 20000),
	"2,000-deep list":          deepList(2000),
	"- with blank lines ×100k": strings.Repeat("- \n\n", 100000),
}

func deepList(depth int) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString(strings.Repeat("  ", i))
		b.WriteString("- a\n")
	}
	return b.String()
}

func TestRenderIssueBodies(t *testing.T) {
	r := NewRenderer(0)
	for name, body := range issueBodies {
		start := time.Now()
		out, err := r.Render(context.Background(), body)
		took := time.Since(start)
		code := policydesk.ErrorCode(err)
		if code != "" && code != policydesk.ETooComplex {
			t.Errorf("%s: %v", name, err)
		}
		if code == "" && len(out) > 10*len(body)+1000 {
			t.Errorf("%s: %d bytes of HTML for %d bytes of text", name, len(out), len(body))
		}
		if !draftstest.Race && took > 2*time.Second {
			t.Errorf("%s took %v", name, took)
		}
		t.Logf("%-28s %7d bytes %-12s %v %s", name, len(body), code, took.Round(time.Millisecond), policydesk.ErrorMessage(err))
	}
	// Nesting is refused with the depth, the line and the limit.
	_, err := r.Render(context.Background(), issueBodies[">×160 KB"])
	if want := "The text nests block quotes or lists more than 32 levels deep (line 1); at most 32 levels are allowed."; policydesk.ErrorMessage(err) != want {
		t.Errorf("message %q, want %q", policydesk.ErrorMessage(err), want)
	}
}

// A rendering stops soon after its context ends, whatever it was doing, and
// nothing of it is cached.
func TestRenderStopsWhenContextEnds(t *testing.T) {
	r := NewRenderer(DefaultCacheBytes)
	r.Limits.MaxSteps = 1 << 40 // so that only the context can stop it
	body := strings.Repeat("a\n", draftstest.MaxBodyBytes/2)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	_, err := r.Render(ctx, body)
	took := time.Since(start)
	if policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Fatalf("err = %v, want unavailable", err)
	}
	if !draftstest.Race && took > time.Second {
		t.Errorf("stopped %v after the start, %v after the cancellation", took, took-20*time.Millisecond)
	}
	if r.CacheBytes() != 0 {
		t.Errorf("an aborted rendering was cached (%d bytes)", r.CacheBytes())
	}

	// The deadline is the same safety net.
	r.Timeout = 10 * time.Millisecond
	if _, err := r.Render(context.Background(), body); policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Errorf("past the deadline: %v", err)
	}
}

// Large renderings wait for a slot; one that cannot get one in time is
// answered "busy" rather than piling up, and one that waits goes on as soon
// as a slot is free.
func TestRenderHeavySlots(t *testing.T) {
	ctx := context.Background()
	r := NewRenderer(0)
	r.Slots = semaphore.NewWeighted(1)
	if err := r.Slots.Acquire(ctx, 1); err != nil { // someone else is rendering
		t.Fatal(err)
	}
	r.Timeout = 50 * time.Millisecond
	heavy := strings.Repeat("Teksti i nenit. ", DefaultHeavyBytes/16+1)
	if _, err := r.Render(ctx, heavy); policydesk.ErrorCode(err) != policydesk.EUnavailable || !strings.Contains(policydesk.ErrorMessage(err), "busy") {
		t.Errorf("heavy rendering with no slot: %v", err)
	}
	if _, err := r.Render(ctx, "## Neni 1\n\nTeksti."); err != nil {
		t.Errorf("a small body needs no slot: %v", err)
	}

	r.Timeout = 0
	done := make(chan error, 1)
	go func() {
		_, err := r.Render(ctx, heavy)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("rendered without a slot: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	r.Slots.Release(1)
	if err := <-done; err != nil {
		t.Errorf("heavy rendering once the slot was free: %v", err)
	}
}

// Previews are answered from the cache but never enter it; a stored body
// beyond the bounds shows as plain text with the reason, and that answer is
// cached while a preview of the same body is still refused.
func TestRenderCacheUse(t *testing.T) {
	r := NewRenderer(DefaultCacheBytes)
	ctx := context.Background()
	for i := range 20 {
		if _, err := r.Preview(ctx, fmt.Sprintf("## Neni %d\n\n%s", i, strings.Repeat("Teksti. ", 10000))); err != nil {
			t.Fatal(err)
		}
	}
	if r.CacheBytes() != 0 {
		t.Errorf("previews left %d bytes in the cache", r.CacheBytes())
	}
	saved := mustRender(t, r, "## Neni 1\n\nTeksti.")
	if got, err := r.Preview(ctx, "## Neni 1\n\nTeksti."); err != nil || string(got) != saved {
		t.Errorf("preview of a saved body = %q, %v; want the cached %q", got, err, saved)
	}

	deep := strings.Repeat("> ", 40) + "<b>Neni & 1</b>\n" + "line two\n"
	if _, err := r.Render(ctx, deep); policydesk.ErrorCode(err) != policydesk.ETooComplex {
		t.Fatalf("Render(deep) = %v, want too_complex", err)
	}
	before := r.CacheBytes()
	shown, err := r.RenderStored(ctx, deep)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`class="notice render-notice"`, "shown as plain text", "32 levels deep",
		`<pre class="plain-text">&gt; &gt; `, "&lt;b&gt;Neni &amp; 1&lt;/b&gt;\nline two\n</pre>"} {
		if !strings.Contains(string(shown), want) {
			t.Errorf("stored rendering lacks %q:\n%s", want, shown)
		}
	}
	if probs := checkSafe(shown); len(probs) > 0 {
		t.Errorf("fallback unsafe: %v", probs)
	}
	if r.CacheBytes() <= before {
		t.Error("the plain-text fallback was not cached")
	}
	if got, ok := r.Cached(SHA256Hex(deep)); !ok || got != shown {
		t.Error("Cached does not return the fallback")
	}
	if _, err := r.Preview(ctx, deep); policydesk.ErrorCode(err) != policydesk.ETooComplex {
		t.Errorf("Preview of a cached refusal = %v, want too_complex", err)
	}
	if _, err := r.Render(ctx, deep); policydesk.ErrorCode(err) != policydesk.ETooComplex {
		t.Errorf("Render of a cached refusal = %v, want too_complex", err)
	}
}

// An error of another kind than the bounds' must not turn into plain text.
func TestRenderStoredKeepsOtherErrors(t *testing.T) {
	r := NewRenderer(DefaultCacheBytes)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r.HeavyBytes = 0
	r.Slots = semaphore.NewWeighted(0) // no slot at all
	if _, err := r.RenderStored(ctx, "# A"); policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Errorf("RenderStored with no slot = %v", err)
	}
	var e *policydesk.Error
	if _, err := r.RenderStored(ctx, "# A"); !errors.As(err, &e) {
		t.Errorf("not an *Error: %v", err)
	}
}

// BenchmarkRenderPathological renders each shape at 640 KiB and at 8× that
// (the body limit) and reports the ratio of the times: about 8 or less is
// linear (less when the larger one is refused early).
//
//	go test -run '^$' -bench RenderPathological -benchtime 3x ./drafts/markdown/
func BenchmarkRenderPathological(b *testing.B) {
	draftstest.BenchRatio(b, func(body string) {
		r := NewRenderer(0)
		r.Timeout = 0
		_, _ = r.render(context.Background(), body)
	})
}
