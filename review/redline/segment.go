package redline

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"policydesk/drafts/outline"
	"policydesk/drafts/textkit"
)

// segment is one aligned unit: the preamble, one article, or one division
// heading (chapter, part or section) with whatever text follows it up to
// the next article. Segments of a text cover every byte exactly once.
type segment struct {
	start, end       int
	pre, div         bool
	id, num, heading string
	title            string // a division's title, which it is aligned by
	numStart, numEnd int    // the number inside the heading line, -1 when not found
}

// keyParts is the segment text with the heading's number cut out, so a
// renumbered article compares equal to its earlier self.
func (s segment) keyParts(body string) [2]string {
	if s.numStart < 0 {
		return [2]string{body[s.start:s.end], ""}
	}
	return [2]string{body[s.start:s.numStart], body[s.numEnd:s.end]}
}

// segments splits body by its outline and its divisions. An outline whose
// offsets do not fit body (stale or foreign) is replaced by a fresh parse,
// since the redline must cover every byte.
func segments(body string, out []outline.Article) []segment {
	if out == nil || !validOutline(body, out) {
		out = outline.Parse(body)
	}
	divs := outline.Divisions(body)
	segs := make([]segment, 0, len(out)+len(divs)+1)
	// Merge the articles and divisions by start; a division at an
	// article's start (a stale stored outline) gives way to the article.
	for i, k := 0, 0; i < len(out) || k < len(divs); {
		if k < len(divs) && (i == len(out) || divs[k].Start < out[i].Start) {
			d := divs[k]
			segs = append(segs, segment{start: d.Start, div: true, num: d.Num, heading: d.Heading, title: d.Title})
			k++
			continue
		}
		if k < len(divs) && divs[k].Start == out[i].Start {
			k++
		}
		a := out[i]
		segs = append(segs, segment{start: a.Start, id: a.ID, num: a.Num, heading: a.Heading})
		i++
	}
	if first := len(body); len(segs) == 0 || segs[0].start > 0 {
		if len(segs) > 0 {
			first = segs[0].start
		}
		if first > 0 {
			segs = slices.Insert(segs, 0, segment{start: 0, pre: true, heading: PreambleHeading})
		}
	}
	for k := range segs {
		s := &segs[k]
		s.end = len(body)
		if k+1 < len(segs) {
			s.end = segs[k+1].start
		}
		s.numStart, s.numEnd = -1, -1
		if s.pre {
			continue
		}
		line := body[s.start:s.end]
		if n := strings.IndexByte(line, '\n'); n >= 0 {
			line = line[:n]
		}
		if n := indexNumber(line, s.num); n >= 0 {
			s.numStart, s.numEnd = s.start+n, s.start+n+len(s.num)
		}
	}
	return segs
}

// indexNumber finds num in the heading line as a whole token (not the "1"
// of "12").
func indexNumber(line, num string) int {
	if num == "" {
		return -1
	}
	for off := 0; ; {
		k := strings.Index(line[off:], num)
		if k < 0 {
			return -1
		}
		k += off
		before, _ := utf8.DecodeLastRuneInString(line[:k])
		after, _ := utf8.DecodeRuneInString(line[k+len(num):])
		if (k == 0 || !textkit.IsWordRune(before)) && (k+len(num) == len(line) || !unicode.IsDigit(after)) {
			return k
		}
		off = k + 1
	}
}

func validOutline(body string, out []outline.Article) bool {
	prev := -1
	for _, a := range out {
		if a.Start <= prev || a.Start >= len(body) {
			return false
		}
		prev = a.Start
	}
	return true
}
