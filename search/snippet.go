package search

import (
	"html"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"policydesk/drafts/textkit"
)

// Snippet returns an HTML excerpt of at most about maxRunes runes of the
// original text around the best cluster of query matches, with each matching
// word in <mark> and everything else escaped; "…" marks a cut end. A text word
// matches a query term when their folded forms are equal, when it starts with
// the last term (search as you type), or when it is within the term's typo
// allowance (Damerau–Levenshtein, see Typos). With no match the snippet is the
// start of the text.
func Snippet(text, q string, maxRunes int) string {
	var match WordMatcher
	if terms := Terms(q); len(terms) > 0 {
		match = newMatcher(terms, "").matchesFolded
	}
	s, _ := snippet(text, match, maxRunes)
	return s
}

// BestSnippet returns the snippet of the first of texts that matches q (say
// the text, then the heading, then the title), or of the first non-empty one
// when none matches.
func BestSnippet(q string, maxRunes int, texts ...string) string {
	return BestSnippetIn("", q, maxRunes, texts...)
}

// BestSnippetIn is BestSnippet for texts in language lang: the other forms
// of the query's words it marks are those of that language.
func BestSnippetIn(lang, q string, maxRunes int, texts ...string) string {
	terms := Terms(q)
	if len(terms) == 0 {
		return BestSnippetMatching(nil, maxRunes, texts...)
	}
	return BestSnippetMatching(newMatcher(terms, lang).matchesFolded, maxRunes, texts...)
}

// BestSnippetMatching is BestSnippet with the matching words told by match;
// a nil match marks nothing.
func BestSnippetMatching(match WordMatcher, maxRunes int, texts ...string) string {
	first := ""
	for _, t := range texts {
		if strings.TrimSpace(t) == "" {
			continue
		}
		s, n := snippet(t, match, maxRunes)
		if n > 0 {
			return s
		}
		if first == "" {
			first = s
		}
	}
	return first
}

// SnippetScanBytes bounds the part of a text a snippet is looked for in:
// the matches of a longer text (an attachment's) are sought in its
// beginning only, which keeps a page of hits fast whatever their size.
const SnippetScanBytes = 64 << 10

type span struct{ start, end int } // rune offsets, end exclusive

func snippet(text string, match WordMatcher, maxRunes int) (string, int) {
	if maxRunes <= 0 {
		maxRunes = SnippetRunes
	}
	cut := false
	if len(text) > SnippetScanBytes { // an attachment's text can be megabytes
		i := SnippetScanBytes
		for i > 0 && !utf8.RuneStart(text[i]) {
			i--
		}
		text, cut = text[:i], true
	}
	sb := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sb)
	sb.runes = appendReadable(sb.runes[:0], text)
	runes := sb.runes
	var matches []span
	if match != nil {
		eachWord(runes, func(w span) {
			var ok bool
			if sb.fold, ok = matchesWord(sb.fold, runes[w.start:w.end], match); ok && !isStopBytes(sb.fold) {
				matches = append(matches, w)
			}
		})
	}
	from, to := window(runes, matches, maxRunes)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	n := 0
	pos := from
	for _, m := range matches {
		if m.start < from || m.end > to {
			continue
		}
		writeText(&b, runes[pos:m.start])
		b.WriteString("<mark>")
		writeText(&b, runes[m.start:m.end])
		b.WriteString("</mark>")
		pos = m.end
		n++
	}
	writeText(&b, runes[pos:to])
	if to < len(runes) || cut {
		b.WriteString("…")
	}
	return strings.TrimSpace(b.String()), n
}

// scratch holds a snippet's buffers; a page of hits makes twenty snippets.
type scratch struct {
	runes []rune
	fold  []byte
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// eachWord calls f with the span of each word of runes.
func eachWord(runes []rune, f func(span)) {
	start := -1
	for i, r := range runes {
		if textkit.IsWordRune(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			f(span{start, i})
			start = -1
		}
	}
	if start >= 0 {
		f(span{start, len(runes)})
	}
}

// window picks the maxRunes-long stretch of runes holding the most matches,
// with a little context before the first one, not cutting words.
func window(runes []rune, matches []span, maxRunes int) (int, int) {
	if len(runes) <= maxRunes {
		return 0, len(runes)
	}
	best, bestCount := 0, -1
	for i, m := range matches {
		from := max(0, m.start-maxRunes/5)
		to := min(len(runes), from+maxRunes)
		count := 0
		for _, o := range matches[i:] {
			if o.end > to {
				break
			}
			count++
		}
		if count > bestCount {
			best, bestCount = from, count
		}
	}
	from := best
	to := min(len(runes), from+maxRunes)
	if to == len(runes) {
		from = max(0, to-maxRunes)
	}
	// Do not cut words: move the start to a word start, the end to a word end.
	for from > 0 && from < to && textkit.IsWordRune(runes[from-1]) && textkit.IsWordRune(runes[from]) {
		from++
	}
	for to < len(runes) && to > from && textkit.IsWordRune(runes[to-1]) && textkit.IsWordRune(runes[to]) {
		to--
	}
	return from, to
}

// writeText writes runes escaped, with each run of white space as one space.
func writeText(b *strings.Builder, runes []rune) {
	var plain strings.Builder
	space := false
	for _, r := range runes {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			plain.WriteByte(' ')
			space = false
		}
		plain.WriteRune(r)
	}
	if space {
		plain.WriteByte(' ')
	}
	b.WriteString(html.EscapeString(plain.String()))
}

// appendReadable appends to dst the runes of md without the Markdown
// markup a reader should not see in a snippet: heading hashes, emphasis
// markers ("**", "__"), code ticks and table pipes (" | " becomes " · ",
// a lone "|" a space). The words themselves, and so the matches, are
// untouched. One pass, as a snippet is made for every hit of a page.
func appendReadable(dst []rune, md string) []rune {
	lineStart := true
	for i := 0; i < len(md); {
		if lineStart {
			lineStart = false
			j := i
			for j < len(md) && md[j] == ' ' {
				j++
			}
			if j < len(md) && md[j] == '#' {
				for j < len(md) && md[j] == '#' {
					j++
				}
				for j < len(md) && md[j] == ' ' {
					j++
				}
				i = j
			}
			continue
		}
		c := md[i]
		switch {
		case c == '\n':
			dst = append(dst, '\n')
			i++
			lineStart = true
		case (c == '*' || c == '_') && i+1 < len(md) && md[i+1] == c:
			i += 2
		case c == '`':
			i++
		case c == ' ' && strings.HasPrefix(md[i:], " | "):
			dst = append(dst, ' ', '·', ' ')
			i += 3
		case c == '|':
			dst = append(dst, ' ')
			i++
		case c < utf8.RuneSelf:
			dst = append(dst, rune(c))
			i++
		default:
			r, size := utf8.DecodeRuneInString(md[i:])
			dst = append(dst, r)
			i += size
		}
	}
	return dst
}
