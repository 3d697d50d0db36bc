package redline

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"policydesk/drafts/outline"
	"policydesk/drafts/textkit"
)

// segment is one aligned unit: the preamble or one article. Segments of a
// text cover every byte exactly once.
type segment struct {
	start, end       int
	pre              bool
	id, num, heading string
	numStart, numEnd int // the number inside the heading line, -1 when not found
}

// keyParts is the segment text with the heading's number cut out, so a
// renumbered article compares equal to its earlier self.
func (s segment) keyParts(body string) [2]string {
	if s.numStart < 0 {
		return [2]string{body[s.start:s.end], ""}
	}
	return [2]string{body[s.start:s.numStart], body[s.numEnd:s.end]}
}

// segments splits body by its outline. An outline whose offsets do not fit
// body (stale or foreign) is replaced by a fresh parse, since the redline
// must cover every byte.
func segments(body string, out []outline.Article) []segment {
	if out == nil || !validOutline(body, out) {
		out = outline.Parse(body)
	}
	segs := make([]segment, 0, len(out)+1)
	if len(out) == 0 || out[0].Start > 0 {
		end := len(body)
		if len(out) > 0 {
			end = out[0].Start
		}
		if end > 0 {
			segs = append(segs, segment{start: 0, end: end, pre: true, heading: "Preamble", numStart: -1, numEnd: -1})
		}
	}
	for i, a := range out {
		end := len(body)
		if i+1 < len(out) {
			end = out[i+1].Start
		}
		s := segment{start: a.Start, end: end, id: a.ID, num: a.Num, heading: a.Heading, numStart: -1, numEnd: -1}
		line := body[a.Start:end]
		if k := strings.IndexByte(line, '\n'); k >= 0 {
			line = line[:k]
		}
		if k := indexNumber(line, a.Num); k >= 0 {
			s.numStart, s.numEnd = a.Start+k, a.Start+k+len(a.Num)
		}
		segs = append(segs, s)
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
