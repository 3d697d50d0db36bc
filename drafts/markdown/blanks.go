package markdown

// Legal blanks: drafts leave places to fill in with underscores
// ("Prishtinë, më __.__.2026", "Nënshkrimi: ________") and CommonMark
// reads them as emphasis or, alone on a line, as a horizontal rule. Here
// underscores only ever mean emphasis when they wrap words.

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// keepBlankLines wraps the block parsers triggered by '_' (the thematic
// break) so that a line of underscores is text, a signature line, and only
// "---" and "***" make rules.
func keepBlankLines(ps []util.PrioritizedValue) []util.PrioritizedValue {
	return wrapUnderscoreParsers(ps, func(b parser.BlockParser) parser.BlockParser { return noUnderscoreRules{b} })
}

// keepBlanks wraps the inline parsers triggered by '_' (emphasis) so that a
// blank is left as the characters written.
func keepBlanks(ps []util.PrioritizedValue) []util.PrioritizedValue {
	return wrapUnderscoreParsers(ps, func(p parser.InlineParser) parser.InlineParser { return blankAware{p} })
}

// wrapUnderscoreParsers returns ps with each parser that '_' triggers
// replaced by wrap of it, at the same priority.
func wrapUnderscoreParsers[P interface{ Trigger() []byte }](ps []util.PrioritizedValue, wrap func(P) P) []util.PrioritizedValue {
	out := slices.Clone(ps)
	for i, p := range out {
		if v := p.Value.(P); slices.Contains(v.Trigger(), '_') {
			out[i] = util.Prioritized(wrap(v), p.Priority)
		}
	}
	return out
}

// noUnderscoreRules is a block parser that is never offered a line
// starting with '_'.
type noUnderscoreRules struct{ parser.BlockParser }

func (b noUnderscoreRules) Trigger() []byte {
	return slices.DeleteFunc(slices.Clone(b.BlockParser.Trigger()), func(c byte) bool { return c == '_' })
}

// blankAware declines a run of underscores that is a blank, which goldmark
// then keeps as text; any other run goes to the parser it wraps. A run is a
// blank when it is three or more long, or when it touches no word: its
// neighbour on neither side is a letter or digit, or punctuation next to
// one with a space on the run's other side (the closing "__" of
// "__Neni 5.__"). So "_fjalë_" and "__fjalë__" are emphasis and
// "__.__.2026", "___" and "Emri: ________" are not.
//
// Each run is measured once, at its first underscore: goldmark offers every
// later underscore of a declined run too, and those are declined at once,
// so the work stays linear in the run.
type blankAware struct{ parser.InlineParser }

func (p blankAware) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, _ := block.PeekLine()
	if len(line) == 0 || line[0] != '_' {
		return p.InlineParser.Parse(parent, block, pc)
	}
	before := block.PrecendingCharacter()
	if before == '_' {
		return nil // inside a run already declined, or after an escaped '_'
	}
	run := 1
	for run < len(line) && line[run] == '_' {
		run++
	}
	if run > 2 || !touchesWord(before, beforeThat(block, before), line[run:]) {
		return nil
	}
	return p.InlineParser.Parse(parent, block, pc)
}

// touchesWord reports whether a run of underscores preceded by before (and
// beforeThat) and followed by after may wrap words.
func touchesWord(before, beforeThat rune, after []byte) bool {
	next, size := firstRune(after)
	nextButOne, _ := firstRune(after[size:])
	switch {
	case isWordRune(before) || isWordRune(next):
		return true
	case isMark(next) && isWordRune(nextButOne) && unicode.IsSpace(before):
		return true // opens before punctuation: _"fjalë"_
	case isMark(before) && isWordRune(beforeThat) && unicode.IsSpace(next):
		return true // closes after punctuation: __Neni 5.__
	}
	return false
}

// beforeThat is the character before before, the reader's preceding one.
func beforeThat(block text.Reader, before rune) rune {
	if !isMark(before) {
		return ' ' // only asked about after punctuation
	}
	_, pos := block.Position()
	src := block.Source()
	start := pos.Start - utf8.RuneLen(before)
	if pos.Padding != 0 || start <= 0 || start > len(src) {
		return '\n'
	}
	r, _ := utf8.DecodeLastRune(src[:start])
	return r
}

// firstRune is the first character of b, or a newline when b is empty, as
// goldmark sees the end of a line.
func firstRune(b []byte) (rune, int) {
	if len(b) == 0 {
		return '\n', 0
	}
	return utf8.DecodeRune(b)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func isMark(r rune) bool {
	return r != '_' && (unicode.IsPunct(r) || unicode.IsSymbol(r))
}
