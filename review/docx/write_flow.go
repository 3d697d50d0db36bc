package docx

// The flow: a version's Markdown syntax tree flattened into the sequence
// of runs and paragraph marks Word stores, each tied to the bytes of the
// Markdown it comes from, so that the redline can say of each whether it
// was inserted, deleted or kept.

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

type itemKind uint8

const (
	itemText     itemKind = iota // a run of text
	itemBreak                    // a line break inside a paragraph (w:br)
	itemNote                     // a footnote reference
	itemPara                     // a paragraph mark, ending the paragraph before it
	itemTable                    // a table starts
	itemRow                      // a table row starts
	itemCell                     // a table cell starts
	itemTableEnd                 // the table ends
)

// format is a run's character formatting.
type format uint8

const (
	fmtBold format = 1 << iota
	fmtItalic
	fmtStrike
	fmtCode
	fmtInserted // shown as inserted (underlined), in the comparative table
	fmtDeleted  // shown as deleted (struck through)
)

// tracking says whether an item is a tracked insertion or deletion.
type tracking uint8

const (
	markNone tracking = iota
	markInsert
	markDelete
)

// item is one element of a flow. start and end are the Markdown bytes it
// stands for (end == start for a paragraph mark, which stands for the
// newline at start); start < 0 for items that stand for none.
//
// Fields are ordered, and the table's shape kept apart, so that an item
// takes 88 bytes: a flow holds one or two per line of text.
type item struct {
	text       string
	link       string // an allowed URL the run links to
	style      string // itemPara: the paragraph style; itemCell: "header" for a header cell
	start, end int
	table      *tableShape // itemTable: its columns
	note       int32       // itemNote: the footnote's index in flow.notes
	level      int32       // itemPara: list nesting, for the indentation
	kind       itemKind
	f          format
	mark       tracking
	exact      bool // the text is the source bytes start:end as they are
}

// tableShape is a table's number of columns and their shares of the
// width (nil for equal columns).
type tableShape struct {
	cols   int
	widths []int
}

// flow is a version as Word paragraphs.
type flow struct {
	items []item
	notes [][]item // footnote bodies, by index
}

// walker flattens a syntax tree into a flow.
type walker struct {
	src   []byte
	out   flow
	f     format
	link  string
	level int
	notes map[int]int // goldmark footnote index → index in out.notes
	items *[]item     // where items go: the body, or a footnote's
	last  int         // the end of the last source bytes emitted
}

// subParagraph starts a numbered sub-paragraph or point on a line of its
// own: "1.1. ", "2.3.1 ", "a) ".
var subParagraph = regexp.MustCompile(`^(\d{1,3}(\.\d{1,3})+\.?|[a-zëç]\)|\(\w{1,4}\))\s`)

// newFlow flattens doc, parsed from src.
func newFlow(doc ast.Node, src []byte) *flow {
	w := &walker{src: src, notes: map[int]int{}}
	// About one item per 12 bytes of a draft: allocated at once, not
	// grown by copying.
	w.out.items = make([]item, 0, len(src)/12+16)
	w.items = &w.out.items
	w.blocks(doc)
	w.fill(w.out.items)
	for _, note := range w.out.notes {
		w.fill(note)
	}
	return &w.out
}

// fill sets the text of the items that are source bytes as they are from
// the source, once: joining adjacent ones by appending would copy a long
// paragraph once per piece. A newline inside is a soft line break, a
// space, byte for byte.
func (w *walker) fill(items []item) {
	for k := range items {
		if it := &items[k]; it.kind == itemText && it.exact {
			b := w.src[it.start:it.end]
			if bytes.IndexByte(b, '\n') >= 0 {
				it.text = string(bytes.ReplaceAll(b, []byte{'\n'}, []byte{' '}))
			} else {
				it.text = string(b)
			}
		}
	}
}

// add appends it, joining a text item to the one before when they are
// adjacent source bytes with one format: goldmark cuts text at every
// character that might open markup, and Word needs one run, not many.
func (w *walker) add(it item) {
	items := *w.items
	if n := len(items); n > 0 && it.kind == itemText && it.exact {
		last := &items[n-1]
		if last.kind == itemText && last.exact && last.end == it.start && last.f == it.f && last.link == it.link {
			last.end = it.end // its text is taken from the source at the end (fill)
			return
		}
	}
	*w.items = append(items, it)
}

// blocks writes the block children of n.
func (w *walker) blocks(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		w.block(c)
	}
}

func (w *walker) block(n ast.Node) {
	switch n := n.(type) {
	case *ast.Heading:
		w.paragraph(n, "Heading"+string(rune('0'+min(n.Level, 6))))
	case *ast.Paragraph, *ast.TextBlock:
		w.paragraph(n, w.listStyle())
	case *ast.List:
		w.level++
		w.blocks(n)
		w.level--
	case *ast.ListItem:
		w.listItem(n)
	case *ast.Blockquote:
		w.level++
		w.blocks(n)
		w.level--
	case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
		w.code(n)
	case *ast.ThematicBreak, *east.FootnoteList:
		if fl, ok := n.(*east.FootnoteList); ok {
			w.footnotes(fl)
		}
	case *east.Table:
		w.table(n)
	default:
		w.blocks(n)
	}
}

func (w *walker) listStyle() string {
	if w.level > 0 {
		return "ListParagraph"
	}
	return ""
}

// paragraph writes an inline block and its mark. A soft line break before
// a numbered sub-paragraph ("1.1. ", "a) ") starts a new paragraph, as the
// drafter meant it.
func (w *walker) paragraph(n ast.Node, style string) {
	w.inlines(n, style)
	w.add(item{kind: itemPara, style: style, level: int32(w.level), start: w.markAt(n), end: w.markAt(n)})
}

// markAt is where the paragraph mark of block n stands in the source: the
// newline after its last line, or the end of the text.
func (w *walker) markAt(n ast.Node) int {
	at := w.last
	if lines := n.Lines(); lines != nil && lines.Len() > 0 {
		at = max(at, lines.At(lines.Len()-1).Stop-1)
	}
	at = max(at, 0)
	if i := bytes.IndexByte(w.src[min(at, len(w.src)):], '\n'); i >= 0 {
		return at + i
	}
	return len(w.src)
}

// listItem writes an item's marker as written ("3.", "-") at the start of
// its first paragraph.
func (w *walker) listItem(n *ast.ListItem) {
	first := n.FirstChild()
	if first == nil || first.Lines() == nil || first.Lines().Len() == 0 {
		w.blocks(n)
		return
	}
	content := first.Lines().At(0).Start
	end := content
	for end > 0 && (w.src[end-1] == ' ' || w.src[end-1] == '\t') {
		end--
	}
	start := end
	for start > 0 && w.src[start-1] != ' ' && w.src[start-1] != '\t' && w.src[start-1] != '\n' && w.src[start-1] != '>' {
		start--
	}
	marker := string(w.src[start:end])
	text, exact := marker+" ", false
	if marker == "-" || marker == "*" || marker == "+" {
		text = "•\t"
	} else if end < content {
		text, exact = string(w.src[start:end+1]), true
	}
	w.add(item{kind: itemText, text: text, start: start, end: end + 1, exact: exact})
	w.last = end + 1
	w.blocks(n)
}

func (w *walker) code(n ast.Node) {
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		line := strings.TrimRight(string(seg.Value(w.src)), "\n")
		w.add(item{kind: itemText, text: line, f: fmtCode, start: seg.Start, end: seg.Start + len(line), exact: true})
		w.last = seg.Start + len(line)
		w.add(item{kind: itemPara, style: "Code", level: int32(w.level), start: w.last, end: w.last})
	}
}

func (w *walker) table(t *east.Table) {
	w.add(item{kind: itemTable, table: &tableShape{cols: len(t.Alignments)}, start: -1, end: -1})
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		w.add(item{kind: itemRow, start: -1, end: -1})
		_, header := row.(*east.TableHeader)
		for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
			style := ""
			if header {
				style = "header"
			}
			w.add(item{kind: itemCell, style: style, start: -1, end: -1})
			w.inlines(cell, "TableText")
			at := w.last
			w.add(item{kind: itemPara, style: "TableText", start: at, end: at})
		}
	}
	w.add(item{kind: itemTableEnd, start: -1, end: -1})
}

// footnotes writes each footnote's paragraphs into its own item list.
func (w *walker) footnotes(list *east.FootnoteList) {
	body := w.items
	for c := list.FirstChild(); c != nil; c = c.NextSibling() {
		fn, ok := c.(*east.Footnote)
		if !ok {
			continue
		}
		k := w.note(fn.Index)
		var items []item
		w.items = &items
		w.blocks(fn)
		w.out.notes[k] = items
	}
	w.items = body
}

// note returns the flow's index of goldmark's footnote index.
func (w *walker) note(index int) int {
	if k, ok := w.notes[index]; ok {
		return k
	}
	w.notes[index] = len(w.out.notes)
	w.out.notes = append(w.out.notes, nil)
	return len(w.out.notes) - 1
}
