package markdown

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"policydesk"
)

// guardedBlock wraps a block parser: every call is a step, and a container
// (block quote, list item) may not open deeper than MaxDepth.
type guardedBlock struct{ parser.BlockParser }

func (b guardedBlock) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	g := guardOf(pc)
	g.tick()
	n, state := b.BlockParser.Open(parent, reader, pc)
	if n == nil {
		return n, state
	}
	g.charge(costBlock)
	if isContainer(n) {
		// Counted on the new node's ancestors, not on pc.OpenedBlocks(),
		// which still holds the blocks this line is about to close.
		depth := 1
		for p := parent; p != nil; p = p.Parent() {
			if isContainer(p) {
				depth++
			}
		}
		if depth > g.lim.MaxDepth {
			line, _ := reader.Position()
			panic(refused{policydesk.Errorf(policydesk.ETooComplex, "The text nests block quotes or lists more than %d levels deep (line %s); at most %d levels are allowed.", g.lim.MaxDepth, policydesk.Quantity(line+1), g.lim.MaxDepth)})
		}
	}
	return n, state
}

// isContainer reports whether n holds other blocks; a list holds only its
// items, which are counted.
func isContainer(n ast.Node) bool {
	k := n.Kind()
	return k == ast.KindBlockquote || k == ast.KindListItem
}

func (b guardedBlock) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	g := guardOf(pc)
	g.tick()
	g.charge(costLine)
	return b.BlockParser.Continue(node, reader, pc)
}

func (b guardedBlock) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	guardOf(pc).tick()
	b.BlockParser.Close(node, reader, pc)
}

// inlineKind says which bound an inline parser falls under.
type inlineKind int

const (
	inlineDelimiter     inlineKind = iota // emphasis
	inlineStrikethrough                   // GFM ~~
	inlineLink                            // [, ![, ]
	inlineLookahead                       // code spans, autolinks, raw HTML
)

// guardedInline wraps an inline parser with the bound of its kind. It
// implements parser.CloseBlocker so the link parser still tidies up the
// brackets left open at the end of a block.
type guardedInline struct {
	parser.InlineParser
	kind inlineKind
}

func (p guardedInline) CloseBlock(parent ast.Node, block text.Reader, pc parser.Context) {
	if cb, ok := p.InlineParser.(parser.CloseBlocker); ok {
		cb.CloseBlock(parent, block, pc)
	}
}

func (p guardedInline) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	g := guardOf(pc)
	g.tick()
	g.inBlock(parent)
	n := p.parse(g, parent, block, pc)
	if n != nil {
		g.charge(costInline)
	}
	return n
}

func (p guardedInline) parse(g *guard, parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	switch p.kind {
	case inlineStrikethrough:
		// goldmark scans the whole run of '~' on every '~' of it before
		// declining a run longer than two; decline at once.
		if block.PrecendingCharacter() == '~' {
			return nil
		}
		fallthrough
	case inlineDelimiter:
		line, seg := block.PeekLine()
		run := 1
		for run < len(line) && line[run] == line[0] {
			run++
		}
		if g.marks+run > g.lim.MaxEmphasisMarks {
			// The whole run as text in one step: a parser declining one
			// character at a time would rescan the run for each.
			g.defused++
			block.Advance(run)
			return ast.NewTextSegment(seg.WithStop(seg.Start + run))
		}
		n := p.InlineParser.Parse(parent, block, pc)
		if d, ok := n.(*parser.Delimiter); ok {
			// A run of n markers can become n/2 nested emphasis nodes.
			g.marks += d.OriginalLength
			g.charge(d.OriginalLength)
		}
		return n
	case inlineLink:
		return p.parseLink(g, parent, block, pc)
	}
	n, _ := p.lookahead(g, parent, block, pc)
	return n
}

func (p guardedInline) parseLink(g *guard, parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if len(line) == 0 {
		return nil
	}
	switch {
	case line[0] == '[' || line[0] == '!' && len(line) > 1 && line[1] == '[':
		n := p.InlineParser.Parse(parent, block, pc)
		if n != nil {
			g.brackets = append(g.brackets, seg.Start)
			g.charge(costOpen - costInline)
		}
		return n
	case line[0] == ']' && len(g.brackets) > 0:
		// The parser closes the innermost '[' whatever follows, copies
		// the label, then looks ahead for a destination, title or
		// reference label.
		open := g.brackets[len(g.brackets)-1]
		n, ran := p.lookahead(g, parent, block, pc)
		if ran {
			g.ahead += seg.Start - open
			g.brackets = g.brackets[:len(g.brackets)-1]
		}
		return n
	}
	return p.InlineParser.Parse(parent, block, pc)
}

// lookahead runs a parser that may scan to the end of the block for its
// closing mark, charging what it scanned: the distance it advanced when it
// matched, the rest of the block when it did not. ran is false when the
// budget was spent and the parser was not run.
func (p guardedInline) lookahead(g *guard, parent ast.Node, block text.Reader, pc parser.Context) (n ast.Node, ran bool) {
	if g.ahead > g.lim.MaxLookahead {
		g.defused++
		return nil, false
	}
	_, from := block.Position()
	rest := blockRest(parent, block)
	n = p.InlineParser.Parse(parent, block, pc)
	if n == nil || n.Kind() == ast.KindText {
		// No match (a code span gives up by returning its opening run as
		// text): the parser looked as far as the end of the block.
		g.ahead += max(1, rest)
	} else {
		_, to := block.Position()
		g.ahead += max(1, to.Start-from.Start)
	}
	return n, true
}

// guardedTransformer wraps a paragraph transformer. Tables are charged a
// step per cell before they are built; link reference definitions are
// extracted only while MaxReferenceWork allows.
type guardedTransformer struct {
	parser.ParagraphTransformer
	references bool
}

func (t guardedTransformer) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	g := guardOf(pc)
	lines := node.Lines()
	source := reader.Source()
	if t.references {
		// A definition starts a paragraph with '[' after at most three
		// spaces; goldmark copies the remaining lines once per definition.
		startsBracket := func(i int) bool {
			seg := lines.At(i)
			v := util.TrimLeftSpace(seg.Value(source))
			return len(v) > 0 && v[0] == '['
		}
		if lines.Len() == 0 || !startsBracket(0) {
			return
		}
		starts := 0
		for i := 0; i < lines.Len(); i++ {
			if startsBracket(i) {
				starts++
			}
		}
		g.refs += starts * lines.Len()
		if g.refs > g.lim.MaxReferenceWork {
			g.defused++
			return
		}
		// Its definitions become nodes, and a title may make it copy
		// every line of the paragraph.
		g.charge(costInline*starts + lines.Len())
		t.ParagraphTransformer.Transform(node, reader, pc)
		return
	}
	// A table has at most a cell per '|' and one per row; rows are lines,
	// already counted by the paragraph parser.
	cells := 0
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		for _, c := range source[seg.Start:seg.Stop] {
			if c == '|' {
				cells++
			}
		}
	}
	g.charge(costCell * cells)
	t.ParagraphTransformer.Transform(node, reader, pc)
}

// guardBlockParsers wraps block parsers.
func guardBlockParsers(ps []util.PrioritizedValue) []util.PrioritizedValue {
	out := make([]util.PrioritizedValue, len(ps))
	for i, p := range ps {
		out[i] = util.Prioritized(guardedBlock{p.Value.(parser.BlockParser)}, p.Priority)
	}
	return out
}

// guardInlineParsers wraps inline parsers, each with the bound of its kind.
// A parser not named here is charged as a lookahead, the safe default.
func guardInlineParsers(ps []util.PrioritizedValue) []util.PrioritizedValue {
	out := make([]util.PrioritizedValue, len(ps))
	for i, p := range ps {
		ip := p.Value.(parser.InlineParser)
		kind := inlineLookahead
		switch ip {
		case parser.NewEmphasisParser():
			kind = inlineDelimiter
		case extension.NewStrikethroughParser():
			kind = inlineStrikethrough
		case parser.NewLinkParser():
			kind = inlineLink
		}
		out[i] = util.Prioritized(guardedInline{ip, kind}, p.Priority)
	}
	return out
}

// guardParagraphTransformers wraps paragraph transformers; only goldmark's
// link reference extraction needs its own bound.
func guardParagraphTransformers(ps []util.PrioritizedValue) []util.PrioritizedValue {
	out := make([]util.PrioritizedValue, len(ps))
	for i, p := range ps {
		pt := p.Value.(parser.ParagraphTransformer)
		out[i] = util.Prioritized(guardedTransformer{pt, pt == parser.LinkReferenceParagraphTransformer}, p.Priority)
	}
	return out
}
