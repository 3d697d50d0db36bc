package markdown

// Marked rendering: Markdown rendered with byte ranges of its source shown
// as inserted, deleted or commented on, for the redline. The ranges are
// carried through goldmark as sentinels, two private-use characters that
// name the range's state and that no text keeps (see sentinelSource), and
// turned into elements after rendering (marked_html.go), so the redline
// is rendered by the same guarded parser, under the same URL guard and
// limits, as the document itself.

import (
	"context"
	"errors"
	"html/template"
	"strings"
	"unicode/utf8"

	"policydesk"
)

// Mark is how a Span shows.
type Mark uint8

// Marks.
const (
	MarkNone   Mark = iota // only an anchor: comments, no change
	MarkInsert             // <ins>
	MarkDelete             // <del>
)

// Span marks src[Start:End] (byte offsets on character boundaries).
// Spans are in order and do not overlap.
type Span struct {
	Start, End int
	Mark       Mark
	// Change groups the spans of one change (a deletion and the insertion
	// replacing it, perhaps cut by anchors): the first element shown of a
	// change gets the next id of ChangeIDs. 0 for spans of no change.
	Change int
	// Comments are the space-separated ids of the comments anchored on
	// these words, shown as <mark class="anchor" data-comments="...">
	// inside the insertion (never inside a deletion).
	Comments string
}

// ChangeIDs numbers changes across several renderings (the articles of a
// page): each change shown gets the id Prefix+N, N counting from 1 in the
// order they are shown.
type ChangeIDs struct {
	Prefix string
	N      int
	last   int // the Change of the last id given
}

// Next returns the id for change, or "" when the change has one already
// (its previous element got it) or is 0.
func (c *ChangeIDs) Next(change int) string {
	if c == nil || change == 0 || change == c.last {
		return ""
	}
	c.last = change
	c.N++
	return c.Prefix + itoa(c.N)
}

// Sentinels: a boundary where the state changes to state k is written as
// the two characters sentHi+k>>15, sentLo+k&0x7fff, from Unicode's private
// use planes 15 and 16, which the source is cleared of first.
const (
	sentLo    = 0xF0000
	sentHi    = 0x100000
	sentBits  = 15
	maxStates = (0x10FFFD - sentHi) << sentBits
)

func isSentinel(r rune) bool { return r >= sentLo }

// RenderMarked renders src as Render does, with spans marked. The limits,
// timeout and slots of Render apply to src with its sentinels (at most 8
// bytes a span longer). It returns EInvalid for spans out of order, out of
// src or not on character boundaries, ETooComplex and EUnavailable as
// Render does. The output is as safe as Render's: the same parser, URL
// guard and escaping, and every element it adds is one of its own (see
// marker).
//
// Renderings are cached by content, numbered for where they are shown.
func (r *Renderer) RenderMarked(ctx context.Context, src string, spans []Span, ids *ChangeIDs) (template.HTML, error) {
	if err := checkSpans(src, spans); err != nil {
		return "", err
	}
	key := markedKey(src, spans, ids)
	if c, ok := r.marked.Get(key); ok {
		return c.number(ids)
	}
	c, err := r.renderMarked(ctx, src, spans, ids)
	if err != nil && policydesk.ErrorCode(err) != policydesk.ETooComplex {
		return "", err
	}
	r.marked.Add(key, c, c.size())
	return c.number(ids)
}

func (r *Renderer) renderMarked(ctx context.Context, src string, spans []Span, ids *ChangeIDs) (markedRendering, error) {
	src, spans = keptMarkers(src, spans)
	states, bounds := boundaries(src, spans)
	out, err := r.render(ctx, sentinelSource(src, bounds))
	var e *policydesk.Error
	if errors.As(err, &e) && e.Code == policydesk.ETooComplex {
		return markedRendering{refusal: e}, err
	} else if err != nil {
		return markedRendering{}, err
	}
	return markHTML(string(out), states, ids != nil, continued(spans, ids))
}

func checkSpans(src string, spans []Span) error {
	at := 0
	for _, s := range spans {
		if s.Start < at || s.End < s.Start || s.End > len(src) {
			return policydesk.Errorf(policydesk.EInvalid, "The marked ranges are out of order or outside the text.")
		}
		if !boundary(src, s.Start) || !boundary(src, s.End) {
			return policydesk.Errorf(policydesk.EInvalid, "A marked range does not start or end between two characters.")
		}
		at = s.End
	}
	if 2*len(spans)+1 >= maxStates {
		return policydesk.Errorf(policydesk.ETooComplex, "The text has too many marked ranges to display.")
	}
	return nil
}

func boundary(s string, i int) bool { return i == len(s) || utf8.RuneStart(s[i]) }

// state is what text between two boundaries is marked as; states[0] is
// unmarked.
type state struct {
	mark     Mark
	change   int
	comments string
}

// bound says that from byte at of the source on, text is in states[k].
type bound struct{ at, k int }

// boundaries lists the states of spans and where each begins, moved out of
// the block markers at line starts (see settle).
func boundaries(src string, spans []Span) ([]state, []bound) {
	states := []state{{}}
	var bs []bound
	for k, s := range spans {
		if s.Start == s.End || s.Mark == MarkNone && s.Comments == "" {
			continue
		}
		states = append(states, state{s.Mark, s.Change, s.Comments})
		bs = append(bs, bound{s.Start, len(states) - 1})
		if k+1 == len(spans) || spans[k+1].Start > s.End {
			bs = append(bs, bound{s.End, 0})
		}
	}
	return states, settle(src, bs)
}

// sentinelSource writes src with a sentinel at every boundary. Characters
// of the sentinel planes already in src become U+FFFD, and a numeric
// character reference to one ("&#1048576;") loses its power by an escaped
// '&', so no text can forge a boundary.
func sentinelSource(src string, bs []bound) string {
	var b strings.Builder
	b.Grow(len(src) + 8*len(bs))
	at := 0
	for _, bd := range bs {
		writeClean(&b, src[at:bd.at])
		b.WriteRune(rune(sentHi + bd.k>>sentBits))
		b.WriteRune(rune(sentLo + bd.k&(1<<sentBits-1)))
		at = bd.at
	}
	writeClean(&b, src[at:])
	return b.String()
}

func writeClean(b *strings.Builder, s string) {
	for len(s) > 0 {
		i := strings.IndexFunc(s, func(r rune) bool { return r == '&' || isSentinel(r) })
		if i < 0 {
			b.WriteString(s)
			return
		}
		b.WriteString(s[:i])
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r != '&':
			b.WriteRune(utf8.RuneError)
		case forgedReference(s[i:]):
			b.WriteString("&amp;")
		default:
			b.WriteByte('&')
		}
		s = s[i+size:]
	}
}

// forgedReference reports whether s starts with a numeric character
// reference to a character of the sentinel planes.
func forgedReference(s string) bool {
	if !strings.HasPrefix(s, "&#") {
		return false
	}
	s, base := s[2:], 10
	if len(s) > 0 && (s[0] == 'x' || s[0] == 'X') {
		s, base = s[1:], 16
	}
	v, n := 0, 0
	for ; n < len(s) && n < 8; n++ {
		d := digitValue(s[n])
		if d < 0 || d >= base {
			break
		}
		v = v*base + d
	}
	return n > 0 && n < len(s) && s[n] == ';' && v >= sentLo
}

func digitValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c|0x20 >= 'a' && c|0x20 <= 'f':
		return int(c|0x20-'a') + 10
	}
	return -1
}

func itoa(n int) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(buf[i:])
		}
	}
}
