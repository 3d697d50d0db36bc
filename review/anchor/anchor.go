// Package anchor ties comments to text, like the W3C TextQuoteSelector: a
// quote with some context before and after, located in a version's body
// and mapped through redlines into later versions. Pure: no I/O.
package anchor

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Selector is what a reviewer selected: the quote and the text just before
// and after it. Prefix and Suffix may come from the rendered page, so they
// may lack Markdown markup.
type Selector struct {
	Quote, Prefix, Suffix string
}

// contextBytes bounds how much text around a candidate is compared with
// the prefix and suffix.
const contextBytes = 512

// LocateBudget bounds the work of one Locate spent on choosing among
// occurrences: each costs 64 plus the bytes of context compared, so a
// common word is chosen among hundreds of thousands of occurrences in some
// 50 ms. A quote with more occurrences than that pays for (a letter
// repeated over megabytes) is placed at the best of those scored so far,
// the same one every time.
const LocateBudget = 64 << 20

// Locate returns the byte span [start,end) of sel.Quote in body, using the
// prefix and suffix to choose among several occurrences. When the quote
// does not occur verbatim it is looked for with whitespace collapsed, then
// also ignoring emphasis markers (*, _, `), then also ignoring line-start
// markup (#, >, list markers); the span returned covers the match in body.
// ok is false when the quote is empty or not found. Its cost is linear in
// the body plus at most LocateBudget.
func Locate(body string, sel Selector) (start, end int, ok bool) {
	if strings.TrimSpace(sel.Quote) == "" {
		return 0, 0, false
	}
	p := newPicker(body, sel)
	occurrences(body, sel.Quote, func(k int) bool { return p.consider(k, k+len(sel.Quote)) })
	if p.found {
		return p.span[0], p.span[1], true
	}
	for _, mode := range []viewMode{collapseSpace, dropEmphasis, rendered} {
		v := newView(body, mode)
		q := strings.TrimSpace(newView(sel.Quote, mode).text)
		if q == "" {
			continue
		}
		occurrences(v.text, q, func(k int) bool { return p.consider(int(v.src[k]), v.srcEnd(k+len(q))) })
		if p.found {
			return p.span[0], p.span[1], true
		}
	}
	return 0, 0, false
}

// occurrences calls visit with the offset of every occurrence of pat in
// text, overlapping ones included, in order, until visit returns false.
// Knuth-Morris-Pratt: linear in len(text)+len(pat) however periodic both
// are, where repeated strings.Index calls would compare pat again at each
// offset.
func occurrences(text, pat string, visit func(k int) bool) {
	fail := make([]int32, len(pat))
	for i, k := 1, int32(0); i < len(pat); i++ {
		for k > 0 && pat[i] != pat[k] {
			k = fail[k-1]
		}
		if pat[i] == pat[k] {
			k++
		}
		fail[i] = k
	}
	k := int32(0)
	for i := 0; i < len(text); i++ {
		if k == 0 {
			// Skip quickly to the next possible start.
			j := strings.IndexByte(text[i:], pat[0])
			if j < 0 {
				return
			}
			i += j
		}
		for k > 0 && text[i] != pat[k] {
			k = fail[k-1]
		}
		if text[i] == pat[k] {
			k++
		}
		if int(k) == len(pat) {
			if !visit(i - len(pat) + 1) {
				return
			}
			k = fail[k-1]
		}
	}
}

// picker keeps the candidate whose surroundings agree most with the
// selector's prefix and suffix, compared in the rendered view of the body;
// the first wins ties. Each candidate costs the bytes compared plus a
// binary search, paid from left.
type picker struct {
	body           string
	prefix, suffix string // rendered, trimmed next to the quote
	context        bool
	view           *view // the rendered body, made for the second candidate
	left           int
	found          bool
	span           [2]int
	score          int
}

func newPicker(body string, sel Selector) *picker {
	return &picker{body: body, left: LocateBudget, context: sel.Prefix != "" || sel.Suffix != "",
		prefix: strings.TrimRight(newView(sel.Prefix, rendered).text, " "),
		suffix: strings.TrimLeft(newView(sel.Suffix, rendered).text, " ")}
}

// consider scores one occurrence; it returns false when looking further is
// pointless (no context to choose by) or unaffordable.
func (p *picker) consider(start, end int) bool {
	if !p.found {
		// The first needs no score unless another comes.
		p.found, p.span = true, [2]int{start, end}
		return p.context
	}
	if p.view == nil {
		v := newView(p.body, rendered)
		p.view = &v
		p.score = p.scoreOf(p.span[0], p.span[1])
	}
	if p.left <= 0 {
		return false
	}
	if s := p.scoreOf(start, end); s > p.score {
		p.span, p.score = [2]int{start, end}, s
	}
	return true
}

// scoreOf is how many bytes of prefix and suffix agree with the rendered
// text before and after [start,end), each side up to contextBytes.
func (p *picker) scoreOf(start, end int) int {
	v := p.view
	i0, _ := slices.BinarySearch(v.src, int32(start))
	i1, _ := slices.BinarySearch(v.src, int32(end))
	before := strings.TrimRight(v.text[max(0, i0-contextBytes):i0], " ")
	after := strings.TrimLeft(v.text[i1:min(len(v.text), i1+contextBytes)], " ")
	s := commonSuffix(p.prefix, before) + commonPrefix(p.suffix, after)
	p.left -= 64 + s
	return s
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func commonSuffix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}

// viewMode says how much Markdown a view hides.
type viewMode int

const (
	collapseSpace viewMode = iota // whitespace runs become one space
	dropEmphasis                  // also drop *, _ and `
	rendered                      // also drop line-start markup: #, >, list markers, table pipes
)

// view is a normalised copy of a text with, for each of its bytes, the
// offset of the source byte it came from.
type view struct {
	text   string
	src    []int32 // src[k] is the source offset of text[k] (bodies are at most 5 MiB)
	srcLen []int32 // bytes of source the view byte stands for, to compute ends
}

func (v view) srcEnd(k int) int {
	if k == 0 {
		return int(v.src[0])
	}
	return int(v.src[k-1] + v.srcLen[k-1])
}

func newView(s string, mode viewMode) view {
	var b strings.Builder
	b.Grow(len(s))
	src := make([]int32, 0, len(s))
	srcLen := make([]int32, 0, len(s))
	lineStart, space := true, false
	for i := 0; i < len(s); {
		if lineStart && mode == rendered {
			if n := lineMarkup(s[i:]); n > 0 {
				i += n
				lineStart = false
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			if r == '\n' {
				lineStart = true
			}
			if !space {
				b.WriteByte(' ')
				src = append(src, int32(i))
				srcLen = append(srcLen, int32(size))
				space = true
			} else {
				srcLen[len(srcLen)-1] = int32(i+size) - src[len(src)-1]
			}
			i += size
			continue
		}
		if lineStart && mode == rendered {
			lineStart = false
		}
		if mode >= dropEmphasis && (r == '*' || r == '_' || r == '`') || mode == rendered && r == '|' {
			i += size
			continue
		}
		lineStart, space = false, false
		b.WriteString(s[i : i+size])
		for k := 0; k < size; k++ {
			src = append(src, int32(i+k))
			srcLen = append(srcLen, 1)
		}
		i += size
	}
	return view{text: b.String(), src: src, srcLen: srcLen}
}

// LineMarkup is the length of the block markup that starts a line of
// Markdown (see lineMarkup), for readers that match lines with other
// renderings of the text.
func LineMarkup(line string) int { return lineMarkup(line) }

// lineMarkup returns the length of block markup at the start of a line:
// indentation, "#"s, ">", "-", "+", "*" bullets and "1." / "1.1." / "1)"
// list numbers, each with the spaces after it.
func lineMarkup(s string) int {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	for {
		j := i
		switch {
		case j < len(s) && (s[j] == '#' || s[j] == '>'):
			for j < len(s) && s[j] == s[i] {
				j++
			}
		case j+1 < len(s) && (s[j] == '-' || s[j] == '+' || s[j] == '*') && s[j+1] == ' ':
			j++
		default:
			k := j
			for k < len(s) && (s[k] >= '0' && s[k] <= '9' || s[k] == '.' && k > j) {
				k++
			}
			if k > j && k < len(s) && (s[k-1] == '.' || s[k] == ')') {
				if s[k] == ')' {
					k++
				}
				if k < len(s) && s[k] == ' ' {
					j = k
				}
			}
		}
		if j == i {
			return i
		}
		i = j
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
	}
}

// RuneOffset converts a byte offset in s to a code-point offset, as the
// API counts. Offsets inside a rune count from that rune's start; offsets
// past the end are clamped.
func RuneOffset(s string, byteOff int) int {
	byteOff = min(max(byteOff, 0), len(s))
	for byteOff > 0 && byteOff < len(s) && !utf8.RuneStart(s[byteOff]) {
		byteOff--
	}
	return utf8.RuneCountInString(s[:byteOff])
}

// ByteOffset converts a code-point offset in s to a byte offset, clamped
// to [0, len(s)].
func ByteOffset(s string, runeOff int) int {
	if runeOff <= 0 {
		return 0
	}
	n := 0
	for i := range s {
		if n == runeOff {
			return i
		}
		n++
	}
	return len(s)
}

// Offsets converts between byte and code-point offsets of one text in time
// independent of the text's length, for the many anchors of one version:
// RuneOffset and ByteOffset count from the start each time.
type Offsets struct {
	s     string
	bytes []int32 // checkpoints: rune starts about every offsetStride bytes
	runes []int32 // code points before each checkpoint
}

const offsetStride = 4096

// NewOffsets indexes s in one pass.
func NewOffsets(s string) *Offsets {
	o := &Offsets{s: s, bytes: []int32{0}, runes: []int32{0}}
	for at, n := 0, 0; ; {
		next := min(at+offsetStride, len(s))
		for next < len(s) && !utf8.RuneStart(s[next]) {
			next++
		}
		if next >= len(s) {
			return o
		}
		n += utf8.RuneCountInString(s[at:next])
		at = next
		o.bytes, o.runes = append(o.bytes, int32(at)), append(o.runes, int32(n))
	}
}

// RuneOffset is RuneOffset(s, byteOff).
func (o *Offsets) RuneOffset(byteOff int) int {
	s := o.s
	byteOff = min(max(byteOff, 0), len(s))
	for byteOff > 0 && byteOff < len(s) && !utf8.RuneStart(s[byteOff]) {
		byteOff--
	}
	k, found := slices.BinarySearch(o.bytes, int32(byteOff))
	if !found {
		k--
	}
	return int(o.runes[k]) + utf8.RuneCountInString(s[o.bytes[k]:byteOff])
}

// ByteOffset is ByteOffset(s, runeOff).
func (o *Offsets) ByteOffset(runeOff int) int {
	if runeOff <= 0 {
		return 0
	}
	k, found := slices.BinarySearch(o.runes, int32(min(runeOff, len(o.s))))
	if !found {
		k--
	}
	n := int(o.runes[k])
	for i := range o.s[o.bytes[k]:] {
		if n == runeOff {
			return int(o.bytes[k]) + i
		}
		n++
	}
	return len(o.s)
}
