// Package anchor ties comments to text, like the W3C TextQuoteSelector: a
// quote with some context before and after, located in a version's body
// and mapped through redlines into later versions. Pure: no I/O.
package anchor

import (
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

// contextBytes bounds how much body text around a candidate is compared
// with the prefix and suffix.
const contextBytes = 512

// Locate returns the byte span [start,end) of sel.Quote in body, using the
// prefix and suffix to choose among several occurrences. When the quote
// does not occur verbatim it is looked for with whitespace collapsed, then
// also ignoring emphasis markers (*, _, `), then also ignoring line-start
// markup (#, >, list markers); the span returned covers the match in body.
// ok is false when the quote is empty or not found.
func Locate(body string, sel Selector) (start, end int, ok bool) {
	if strings.TrimSpace(sel.Quote) == "" {
		return 0, 0, false
	}
	if spans := exactSpans(body, sel.Quote); len(spans) > 0 {
		s := best(body, spans, sel)
		return s[0], s[1], true
	}
	for _, mode := range []viewMode{collapseSpace, dropEmphasis, rendered} {
		v := newView(body, mode)
		q := strings.TrimSpace(newView(sel.Quote, mode).text)
		if q == "" {
			continue
		}
		var spans [][2]int
		for off := 0; ; {
			k := strings.Index(v.text[off:], q)
			if k < 0 {
				break
			}
			k += off
			spans = append(spans, [2]int{v.src[k], v.srcEnd(k + len(q))})
			off = k + 1
		}
		if len(spans) > 0 {
			s := best(body, spans, sel)
			return s[0], s[1], true
		}
	}
	return 0, 0, false
}

func exactSpans(body, quote string) [][2]int {
	var spans [][2]int
	for off := 0; ; {
		k := strings.Index(body[off:], quote)
		if k < 0 {
			return spans
		}
		k += off
		spans = append(spans, [2]int{k, k + len(quote)})
		off = k + 1
	}
}

// best picks the span whose surroundings agree most with the selector's
// prefix and suffix, compared in the rendered view; the first wins ties.
func best(body string, spans [][2]int, sel Selector) [2]int {
	if len(spans) == 1 || sel.Prefix == "" && sel.Suffix == "" {
		return spans[0]
	}
	prefix := newView(sel.Prefix, rendered).text
	suffix := newView(sel.Suffix, rendered).text
	bestSpan, bestScore := spans[0], -1
	for _, s := range spans {
		before := newView(body[max(0, s[0]-contextBytes):s[0]], rendered).text
		after := newView(body[s[1]:min(len(body), s[1]+contextBytes)], rendered).text
		score := commonSuffix(strings.TrimRight(prefix, " "), strings.TrimRight(before, " ")) +
			commonPrefix(strings.TrimLeft(suffix, " "), strings.TrimLeft(after, " "))
		if score > bestScore {
			bestSpan, bestScore = s, score
		}
	}
	return bestSpan
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
	src    []int // src[k] is the source offset of text[k]
	srcLen []int // bytes of source the view byte stands for, to compute ends
}

func (v view) srcEnd(k int) int {
	if k == 0 {
		return v.src[0]
	}
	return v.src[k-1] + v.srcLen[k-1]
}

func newView(s string, mode viewMode) view {
	var b strings.Builder
	b.Grow(len(s))
	src := make([]int, 0, len(s))
	srcLen := make([]int, 0, len(s))
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
				src = append(src, i)
				srcLen = append(srcLen, size)
				space = true
			} else {
				srcLen[len(srcLen)-1] = i + size - src[len(src)-1]
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
			src = append(src, i+k)
			srcLen = append(srcLen, 1)
		}
		i += size
	}
	return view{text: b.String(), src: src, srcLen: srcLen}
}

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
