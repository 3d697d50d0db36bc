package markdown

// Where marks may not go: the block markers at the start of a line ("## ",
// "> ", "1. ", "|") must reach the parser as they are, so boundaries move
// out of them, and a line that mixes deleted and kept words takes its
// markers from the kept ones.

import "strings"

// settle moves each boundary that falls in a line's block markers ("## ",
// "> - ", "12. ", "|") to the end of them, and one on a line of markers
// only ("---", "```", "|--|--|", a blank line) to the start of the next
// line: a sentinel there would hide the markers from the parser. Of
// boundaries that end up at one place the last wins; the text they
// skipped is markup, which shows nothing to mark. One pass: each line is
// measured once.
func settle(src string, bs []bound) []bound {
	out := bs[:0]
	l := lineCursor{src: src, le: -1}
	for _, b := range bs {
		if n := len(out); n > 0 && b.at <= out[n-1].at {
			// Between a boundary and where it settled is markup only: b
			// settles there too, and wins.
			out[n-1].k = b.k
			continue
		}
		if b.at = l.settle(b.at); b.at >= len(src) {
			break // nothing follows to mark; a sentinel would open a block
		}
		out = append(out, b)
	}
	return out
}

// lineCursor walks the lines of src forward, measuring each line's block
// markers once: the current line is src[ls:le], its markers end at pe.
type lineCursor struct {
	src        string
	ls, le, pe int
}

// settle returns where a boundary at i goes, at or after the current line.
func (l *lineCursor) settle(i int) int {
	for i < len(l.src) {
		for i > l.le {
			l.ls = l.le + 1
			if e := strings.IndexByte(l.src[l.ls:], '\n'); e >= 0 {
				l.le = l.ls + e
			} else {
				l.le = len(l.src)
			}
			l.pe = l.ls + blockPrefix(l.src[l.ls:l.le])
		}
		if i > l.pe {
			return i
		}
		if l.pe < l.le {
			return l.pe
		}
		i = l.le + 1 // a line of markers only: on to the next line
	}
	return len(l.src)
}

// blockPrefix returns the length of the block markers at the start of
// line: indentation, block quote and list markers, an ATX heading's #s,
// a table row's first '|'; the whole line when it holds markers only.
func blockPrefix(line string) int {
	if strings.Trim(line, "-=*_:|#>+~` \t") == "" || fence(line) {
		return len(line)
	}
	i := 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		rest := line[i:]
		switch n := listMarker(rest); {
		case strings.HasPrefix(rest, ">"):
			i++
		case n > 0:
			i += n
		case strings.HasPrefix(rest, "#"):
			h := len(rest) - len(strings.TrimLeft(rest, "#"))
			if h <= 6 && (h == len(rest) || rest[h] == ' ' || rest[h] == '\t') {
				return i + h + len(rest[h:]) - len(strings.TrimLeft(rest[h:], " \t"))
			}
			return i
		case strings.HasPrefix(rest, "|"):
			return i + 1 + len(rest[1:]) - len(strings.TrimLeft(rest[1:], " \t"))
		default:
			return i
		}
	}
}

// listMarker returns the length of a bullet or ordered list marker at the
// start of s with the space after it, or 0.
func listMarker(s string) int {
	if len(s) >= 2 && strings.IndexByte("-*+", s[0]) >= 0 && (s[1] == ' ' || s[1] == '\t') {
		return 2
	}
	d := 0
	for d < len(s) && d < 9 && s[d] >= '0' && s[d] <= '9' {
		d++
	}
	if d > 0 && d+1 < len(s) && (s[d] == '.' || s[d] == ')') && (s[d+1] == ' ' || s[d+1] == '\t') {
		return d + 2
	}
	return 0
}

// fence reports whether line opens or closes a fenced code block.
func fence(line string) bool {
	t := strings.TrimLeft(line, " ")
	return len(line)-len(t) < 4 && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"))
}

// keptMarkers returns src and spans without the deleted bytes that were
// block markers of a line that also keeps text: "<del>2</del><ins>3</ins>.
// Teksti" is "3. Teksti", a list item, not "23. Teksti", and
// "<del>## </del>Neni 5" is a paragraph. A line deleted whole keeps its
// markers.
func keptMarkers(src string, spans []Span) (string, []Span) {
	var drop []span // byte ranges of src to leave out, in order
	k := 0          // the first span that may reach the line
	for ls := 0; ls < len(src); {
		le := strings.IndexByte(src[ls:], '\n') + 1
		if le == 0 {
			le = len(src) - ls
		}
		le += ls
		for k < len(spans) && spans[k].End <= ls {
			k++
		}
		drop = lineMarkers(src, spans[k:], ls, le, drop)
		ls = le
	}
	if len(drop) == 0 {
		return src, spans
	}
	return cut(src, spans, drop)
}

// span is a byte range.
type span struct{ start, end int }

// lineMarkers appends to drop the deleted marker bytes of the line
// src[ls:le], whose spans start at spans[0].
func lineMarkers(src string, spans []Span, ls, le int, drop []span) []span {
	if !deletesIn(spans, le) {
		return drop
	}
	deleted, kept := false, false
	var view []byte // the line as it was: every byte but the inserted
	var at []int    // where each byte of view is in src
	k := 0
	for i := ls; i < le; i++ {
		for k < len(spans) && spans[k].End <= i {
			k++
		}
		mark := MarkNone
		if k < len(spans) && spans[k].Start <= i {
			mark = spans[k].Mark
		}
		if src[i] != '\n' {
			deleted = deleted || mark == MarkDelete
			kept = kept || mark != MarkDelete
		}
		if mark != MarkInsert {
			view, at = append(view, src[i]), append(at, i)
		}
	}
	if !deleted || !kept {
		return drop
	}
	pe := blockPrefix(strings.TrimSuffix(string(view), "\n"))
	k = 0
	for j := 0; j < pe && j < len(at); j++ {
		i := at[j]
		for k < len(spans) && spans[k].End <= i {
			k++
		}
		if k < len(spans) && spans[k].Start <= i && spans[k].Mark == MarkDelete {
			if n := len(drop); n > 0 && drop[n-1].end == i {
				drop[n-1].end++
			} else {
				drop = append(drop, span{i, i + 1})
			}
		}
	}
	return drop
}

// cut removes the ranges drop from src and moves spans to match.
func cut(src string, spans []Span, drop []span) (string, []Span) {
	var b strings.Builder
	b.Grow(len(src))
	at := 0
	for _, d := range drop {
		b.WriteString(src[at:d.start])
		at = d.end
	}
	b.WriteString(src[at:])
	// shift maps an offset of src to the new text: less every dropped
	// byte before it. Offsets are visited in order, so one pass suffices.
	k, gone := 0, 0
	shift := func(i int) int {
		for k < len(drop) && drop[k].end <= i {
			gone += drop[k].end - drop[k].start
			k++
		}
		if k < len(drop) && drop[k].start < i {
			return drop[k].start - gone
		}
		return i - gone
	}
	out := make([]Span, len(spans))
	for n, s := range spans {
		s.Start, s.End = shift(s.Start), shift(s.End)
		out[n] = s
	}
	return b.String(), out
}

// deletesIn reports whether a deletion among spans starts before end.
func deletesIn(spans []Span, end int) bool {
	for _, s := range spans {
		if s.Start >= end {
			return false
		}
		if s.Mark == MarkDelete {
			return true
		}
	}
	return false
}
