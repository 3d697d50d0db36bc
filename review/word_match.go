package review

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// normText is a text normalised for matching a Word paragraph with the
// version's Markdown: spacing collapsed, quotes and dashes of every kind
// made one, emphasis and link markup dropped. src[k] is the byte of the
// source text that norm byte k came from, srcEnd[k] where that source
// character ends.
type normText struct {
	text        strings.Builder
	src, srcEnd []int32
	space       bool // the last byte written is a space (or nothing yet)
}

func newNormText(capacity int) *normText {
	n := &normText{space: true}
	n.text.Grow(capacity)
	n.src, n.srcEnd = make([]int32, 0, capacity), make([]int32, 0, capacity)
	return n
}

// fold maps a character to the one it is matched as; -1 drops it.
func fold(r rune) rune {
	switch r {
	case '“', '”', '„', '‟', '«', '»', '″':
		return '"'
	case '‘', '’', '‚', '‛', '′', '´':
		return '\''
	case '–', '—', '‑', '‐', '−':
		return '-'
	case '*', '_', '`', '\\', '[', ']', '\u00ad', '\u200b', '\u200c', '\u200d', '\ufeff':
		return -1
	}
	if r == '\u00a0' || r == '\u202f' || unicode.IsSpace(r) {
		return ' '
	}
	return r
}

// add appends s, whose first byte is byte base of the source.
func (n *normText) add(s string, base int) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		at := base + i
		i += size
		switch f := fold(r); {
		case f < 0:
		case f == ' ':
			if !n.space {
				n.put(' ', at, at+size)
				n.space = true
			} else if len(n.srcEnd) > 0 {
				n.srcEnd[len(n.srcEnd)-1] = int32(at + size)
			}
		default:
			n.space = false
			n.put(f, at, at+size)
		}
	}
}

// put writes one normalised character standing for source [start,end).
func (n *normText) put(r rune, start, end int) {
	before := n.text.Len()
	n.text.WriteRune(r)
	for range n.text.Len() - before {
		n.src, n.srcEnd = append(n.src, int32(start)), append(n.srcEnd, int32(end))
	}
}

// separate ends a block: one space between blocks.
func (n *normText) separate(at int) {
	if !n.space {
		n.put(' ', at, at)
		n.space = true
	}
}

// normalize is one paragraph normalised, trimmed.
func normalize(s string) (string, []int32) {
	n := newNormText(len(s))
	n.add(s, 0)
	text, src := n.text.String(), n.src
	if strings.HasSuffix(text, " ") {
		text, src = text[:len(text)-1], src[:len(src)-1]
	}
	return text, src
}

// numbering is a paragraph number at the start of a normalised paragraph,
// which Word's automatic numbering may have taken out of the text or the
// Markdown may have as list markup: "1. ", "1.2 ", "a) ", "(3) ".
var numbering = regexp.MustCompile(`^(?:\(?[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]?|\(?[a-zA-Z][.)]|[-+•·▪] ?) `)

// numberLen is the length of the numbering at the start of a normalised
// paragraph (0 if none).
func numberLen(s string) int {
	if m := numbering.FindStringIndex(s); m != nil && m[1] < len(s) {
		return m[1]
	}
	return 0
}

// bodyIndex is a version's Markdown as one normalised text, block after
// block (paragraphs, headings, list items, table cells), with the blocks
// by their text for finding a Word paragraph in one look-up.
type bodyIndex struct {
	body   string
	norm   string
	src    []int32
	srcEnd []int32
	blocks [][2]int // [start,end) in norm
	byText map[string][]int
}

// blockAt returns the block holding norm offset k (-1 if none).
func (x *bodyIndex) blockAt(k int) int {
	lo, hi := 0, len(x.blocks)
	for lo < hi {
		m := (lo + hi) / 2
		if x.blocks[m][1] <= k {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(x.blocks) && x.blocks[lo][0] <= k {
		return lo
	}
	return -1
}

// key is what a block or paragraph is found by: its text without a
// leading number.
func key(s string) string { return s[numberLen(s):] }
