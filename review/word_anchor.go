package review

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"policydesk/review/docx"
)

// searchBudget bounds the bytes of the version's text scanned for Word
// paragraphs not found by their whole text (and for the words of their
// items): beyond it, what is left is imported unanchored, so a file that
// matches nothing costs a bounded time.
const searchBudget = 64 << 20

// wordAligner finds Word paragraphs in the version's text: by their whole
// text in one look-up, else by searching, within searchBudget.
type wordAligner struct {
	x       *bodyIndex
	paras   []docx.ReviewParagraph
	aligned map[int]*alignment
	next    int // the block after the last one found
	budget  int
}

// alignment is a Word paragraph normalised and where it is in the body's
// normalised text: its byte k (k >= from) is the body's k+delta.
type alignment struct {
	norm  string
	src   []int32
	from  int
	delta int
	ok    bool
}

func newWordAligner(x *bodyIndex, paras []docx.ReviewParagraph) *wordAligner {
	return &wordAligner{x: x, paras: paras, aligned: map[int]*alignment{}, budget: searchBudget}
}

// alignAll finds every paragraph, in document order, so that a paragraph
// whose text the version has twice is found after the one before it:
// by its text for all, and by searching for those in need.
func (w *wordAligner) alignAll(need map[int]bool) {
	for p := range w.paras {
		w.alignOne(p, need[p])
	}
}

// align finds paragraph p, the first time it is asked for.
func (w *wordAligner) align(p int) *alignment { return w.alignOne(p, true) }

func (w *wordAligner) alignOne(p int, search bool) *alignment {
	if a, ok := w.aligned[p]; ok {
		return a
	}
	a := &alignment{}
	w.aligned[p] = a
	if p < 0 || p >= len(w.paras) {
		return a
	}
	a.norm, a.src = normalize(w.paras[p].Original)
	a.from = numberLen(a.norm)
	k := a.norm[a.from:]
	if k == "" {
		return a
	}
	if blocks := w.x.byText[k]; len(blocks) > 0 {
		b := blocks[0]
		if i := sort.SearchInts(blocks, w.next); i < len(blocks) {
			b = blocks[i]
		}
		start := w.x.blocks[b][0] + numberLen(w.x.norm[w.x.blocks[b][0]:w.x.blocks[b][1]])
		a.delta, a.ok, w.next = start-a.from, true, b+1
		return a
	}
	if !search {
		return a
	}
	if at, ok := w.search(k); ok {
		a.delta, a.ok = at-a.from, true
		if b := w.x.blockAt(at); b >= 0 {
			w.next = b + 1
		}
	}
	return a
}

// search finds s in the body's normalised text, after the last paragraph
// found if it is there, else anywhere; each scan is paid from the budget.
func (w *wordAligner) search(s string) (int, bool) {
	x := w.x
	from := 0
	if w.next < len(x.blocks) {
		from = x.blocks[w.next][0]
	}
	for _, start := range []int{from, 0} {
		if w.budget < len(x.norm)-start {
			return 0, false
		}
		w.budget -= len(x.norm) - start
		if i := strings.Index(x.norm[start:], s); i >= 0 {
			return start + i, true
		}
		if start == 0 {
			break
		}
	}
	return 0, false
}

// bodySpan maps bytes [a,b) of paragraph p's original text to the body:
// the byte span there of the same words, spaces at the ends left out.
func (w *wordAligner) bodySpan(p, a, b int) (start, end int, ok bool) {
	al := w.align(p)
	i, j := normSpan(al, a, b)
	if j <= i {
		return 0, 0, false
	}
	if !al.ok || i < al.from {
		at, found := w.searchWords(al, i, j)
		if !found {
			return 0, 0, false
		}
		i, j = at, at+(j-i)
	} else {
		i, j = i+al.delta, j+al.delta
	}
	if j > len(w.x.norm) {
		return 0, 0, false
	}
	return int(w.x.src[i]), int(w.x.srcEnd[j-1]), true
}

// normSpan is bytes [a,b) of a paragraph's original as bytes of its
// normalised text, spaces at the ends left out.
func normSpan(al *alignment, a, b int) (int, int) {
	i := sort.Search(len(al.src), func(k int) bool { return int(al.src[k]) >= a })
	j := sort.Search(len(al.src), func(k int) bool { return int(al.src[k]) >= b })
	for i < j && al.norm[i] == ' ' {
		i++
	}
	for j > i && al.norm[j-1] == ' ' {
		j--
	}
	return i, j
}

// searchWords finds the words [i,j) of a paragraph not found whole, with
// some words around them to tell one place from another.
func (w *wordAligner) searchWords(al *alignment, i, j int) (int, bool) {
	for _, context := range []int{40, 12} {
		lo, hi := max(0, i-context), min(len(al.norm), j+context)
		if at, ok := w.search(al.norm[lo:hi]); ok {
			return at + (i - lo), true
		}
	}
	return 0, false
}

// wordSpan widens bytes [a,b) of text to whole words: a span starting or
// ending inside a word takes all of it, and an empty one (an insertion, a
// comment on a point) takes the word after it, or before it at the end.
// Spaces at its ends are left out.
func wordSpan(text string, a, b int) (int, int) {
	isSpace := func(i int) bool {
		r, _ := utf8.DecodeRuneInString(text[i:])
		return unicode.IsSpace(r) || r == '\u00a0'
	}
	inWord := func(i int) bool { return i > 0 && i < len(text) && !isSpace(i-1) && !isSpace(i) }
	if a == b {
		switch {
		case inWord(a):
		case a < len(text) && !isSpace(a):
			b++
		case a > 0 && !isSpace(a-1):
			a--
		default:
			for b < len(text) && isSpace(b) {
				b++
			}
			if b == len(text) {
				return a, a
			}
			a = b
			b++
		}
	}
	for a > 0 && inWord(a) {
		a--
	}
	for b < len(text) && inWord(b) {
		b++
	}
	for a < b && isSpace(a) {
		a++
	}
	for b > a && isSpace(b-1) {
		b--
	}
	for a > 0 && !utf8.RuneStart(text[a]) {
		a--
	}
	for b < len(text) && !utf8.RuneStart(text[b]) {
		b++
	}
	return a, b
}
