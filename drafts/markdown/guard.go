package markdown

import (
	"context"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"policydesk"
)

// Limits bound the work of one rendering, so that no text up to the
// body limit can stall or exhaust the service. goldmark is linear on real
// drafts but not on hostile ones (the cases cmark, md4c and pulldown-cmark
// fixed): it re-measures a line's indentation for every container opened on
// it, keeps a record per open container per line, scans to the end of the
// block for every unclosed link or code span, and matches emphasis with a
// backward scan over every unmatched delimiter. The guard wraps each of its
// parsers and counts what they do, so the bounds are exact, deterministic
// (the same text always gets the same answer) and cost O(1) per step.
//
// Two of them refuse the text, with a message saying what is too deep or too
// large; the others only stop Markdown from being recognised past the bound,
// so the rest shows as the literal characters, which no real draft reaches.
type Limits struct {
	// MaxDepth is how many block quotes and list items may be open inside
	// one another (refused beyond).
	MaxDepth int
	// MaxSteps bounds the parser's steps: block starts and continuations
	// (one per line per open container), inline markers and table cells.
	// The syntax tree, and so the memory and time of a rendering, is
	// proportional to it (refused beyond).
	MaxSteps int
	// MaxEmphasisMarks is how many emphasis and strikethrough characters
	// (*, _, ~) one paragraph, heading or table cell may use: goldmark
	// matches their runs in time quadratic in their number, and a run of n
	// makes n/2 nested elements (literal beyond).
	MaxEmphasisMarks int
	// MaxLookahead bounds the bytes that links, code spans, autolinks and
	// raw HTML may scan for their closing mark, and the link labels copied
	// and walked at each ']', over the whole text (literal beyond).
	MaxLookahead int
	// MaxReferenceWork bounds link reference definitions × lines of the
	// paragraphs holding them, which goldmark extracts in quadratic time
	// (left as plain text beyond).
	MaxReferenceWork int
}

// DefaultLimits are above anything drafts contain (a demo draft takes
// about 100 steps per KiB, and the generator's regulation at the 5 MiB body
// limit 63% of MaxSteps, with no mark left literal) and keep the worst text
// up to 5 MiB to about 0.3 s and 250 MB allocated on one core.
var DefaultLimits = Limits{
	MaxDepth:         32,
	MaxSteps:         750_000,
	MaxEmphasisMarks: 512,
	MaxLookahead:     16 << 20,
	MaxReferenceWork: 4 << 20,
}

// guard is the state of one rendering, reached by every wrapped parser
// through the parser.Context.
type guard struct {
	ctx     context.Context
	lim     Limits
	calls   int // parser calls, for the context checks
	steps   int // work charged against MaxSteps
	ahead   int // bytes charged against MaxLookahead
	refs    int // work charged against MaxReferenceWork
	defused int // markers left literal by a bound; no real draft has any

	// Per inline block (paragraph, heading, table cell): the node whose
	// inlines are being parsed, and what is open in it.
	block    ast.Node
	marks    int   // emphasis characters used
	brackets []int // where each '[' still open starts
}

var guardKey = parser.NewContextKey()

func guardOf(pc parser.Context) *guard { return pc.Get(guardKey).(*guard) }

// refused is panicked by the guard when a bound that refuses the text is
// crossed, and recovered by Renderer.render.
type refused struct{ err *policydesk.Error }

// stopped is panicked when the rendering's context ends: the client left or
// the deadline passed. It is the safety net behind the deterministic bounds.
type stopped struct{ err error }

// Costs in steps, measured as memory: whatever the text, a rendering
// allocates at most about 300 bytes a step on top of a few copies of the
// text (see TestRenderPathological), so MaxSteps bounds its memory.
const (
	costBlock  = 3 // a block opened: its node and its first line
	costLine   = 2 // a line continued in an open block: its record and text
	costInline = 2 // an inline node: link, code span, emphasis marker...
	costCell   = 3 // a table cell: costlier than a line to build and render
	costOpen   = 4 // a '[' waiting for its ']': goldmark's heaviest inline node
)

// tick is called on every parser call and checks the context now and then:
// the client may have left, or the deadline passed.
func (g *guard) tick() {
	g.calls++
	if g.calls&0xff == 0 {
		if err := g.ctx.Err(); err != nil {
			panic(stopped{err})
		}
	}
}

// charge counts n steps of work and refuses the text beyond MaxSteps.
func (g *guard) charge(n int) {
	g.steps += n
	if g.steps > g.lim.MaxSteps {
		panic(refused{policydesk.Errorf(policydesk.ETooComplex, "The text has too much structure to display: its lines, list items, links, formatting marks and table cells come to more than %s steps of work. Split it into smaller documents.", policydesk.Quantity(g.lim.MaxSteps))})
	}
}

// inBlock resets the per-block counts when inline parsing moves on to the
// next block. Blocks are parsed one after another, so a change of parent is
// a new block.
func (g *guard) inBlock(parent ast.Node) {
	if g.block != parent {
		g.block, g.marks, g.brackets = parent, 0, g.brackets[:0]
	}
}

// blockRest is how many bytes of the inline block follow the reader's
// position: the most a parser looking for a closing mark can scan.
func blockRest(parent ast.Node, block text.Reader) int {
	lines := parent.Lines()
	if lines == nil || lines.Len() == 0 {
		return 0
	}
	_, pos := block.Position()
	return max(0, lines.At(lines.Len()-1).Stop-pos.Start)
}
