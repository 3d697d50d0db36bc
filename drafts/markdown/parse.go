package markdown

import (
	"context"
	"sync"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Parse parses body into goldmark's syntax tree for writers of other
// formats (the Word export), under the same guard, limits, timeout and
// slots as Render and with the same URL guard, so a link that would not be
// a link on the page is text in the tree. Footnotes ("[^1]" and "[^1]:
// text") are parsed too, as extension/ast Footnote nodes. The tree's
// segments point into the returned source. Errors are Render's:
// ETooComplex for a body beyond the limits, EUnavailable when time runs
// out.
func (r *Renderer) Parse(ctx context.Context, body string) (ast.Node, []byte, error) {
	src := []byte(body)
	var doc ast.Node
	_, err := r.guarded(ctx, len(src), func(pc parser.Context) error {
		doc = documentParser().Parse(text.NewReader(src), parser.WithContext(pc))
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return doc, src, nil
}

// documentParser is newMarkdown's parser with footnotes, every parser
// guarded, built once.
var documentParser = sync.OnceValue(func() parser.Parser {
	return parser.NewParser(
		parser.WithBlockParsers(keepBlankLines(guardBlockParsers(append(parser.DefaultBlockParsers(),
			util.Prioritized(countedNotes{extension.NewFootnoteBlockParser()}, 999))))...),
		parser.WithInlineParsers(keepBlanks(guardInlineParsers(append(parser.DefaultInlineParsers(),
			util.Prioritized(extension.NewStrikethroughParser(), 500),
			util.Prioritized(boundedNoteRefs{extension.NewFootnoteParser()}, 101))))...),
		parser.WithParagraphTransformers(guardParagraphTransformers(append(parser.DefaultParagraphTransformers(),
			util.Prioritized(extension.NewTableParagraphTransformer(), 200)))...),
		parser.WithASTTransformers(
			util.Prioritized(extension.NewTableASTTransformer(), 0),
			util.Prioritized(urlGuard{}, 100),
			util.Prioritized(extension.NewFootnoteASTTransformer(), 999),
		),
	)
})

// goldmark finds a footnote reference's definition by walking the list of
// definitions, so n references to n definitions cost n² steps. The
// definitions are counted as they open (countedNotes), and each reference
// is charged their number against MaxReferenceWork, the bound of the like
// quadratic link reference work; past it references stay text.
var notesKey = parser.NewContextKey()

type countedNotes struct{ parser.BlockParser }

func (c countedNotes) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	n, state := c.BlockParser.Open(parent, reader, pc)
	if n != nil {
		count, _ := pc.Get(notesKey).(int)
		pc.Set(notesKey, count+1)
	}
	return n, state
}

type boundedNoteRefs struct{ parser.InlineParser }

func (b boundedNoteRefs) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	g := guardOf(pc)
	notes, _ := pc.Get(notesKey).(int)
	if g.refs += notes; g.refs > g.lim.MaxReferenceWork {
		g.defused++
		return nil
	}
	return b.InlineParser.Parse(parent, block, pc)
}
