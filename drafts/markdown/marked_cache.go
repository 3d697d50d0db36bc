package markdown

import (
	"crypto/sha256"
	"encoding/binary"
	"html"
	"html/template"
	"strings"

	"policydesk"
)

// markedRendering is a marked rendering as the cache keeps it: the HTML
// cut where the number of each change id goes, so that one rendering can
// be numbered for any place on a page, or the refusal of a text beyond
// the limits.
type markedRendering struct {
	parts   []string // the HTML around the ids' numbers: one more than ids
	last    int      // the Change of the last id given, or the one continued
	refusal *policydesk.Error
}

func (c markedRendering) size() int {
	n := 64
	for _, p := range c.parts {
		n += len(p) + 16
	}
	return n
}

// number writes the HTML with the ids numbered on from ids.
func (c markedRendering) number(ids *ChangeIDs) (template.HTML, error) {
	if c.refusal != nil {
		return "", c.refusal
	}
	if len(c.parts) == 1 {
		return template.HTML(c.parts[0]), nil
	}
	prefix := html.EscapeString(ids.Prefix)
	var b strings.Builder
	b.Grow(c.size())
	for k, p := range c.parts {
		if k > 0 {
			ids.N++
			b.WriteString(prefix + itoa(ids.N))
		}
		b.WriteString(p)
	}
	ids.last = c.last
	return template.HTML(b.String()), nil
}

// continued is the change the spans' first change continues: ids.last when
// a span belongs to it (its first element then gets no id), else 0.
func continued(spans []Span, ids *ChangeIDs) int {
	if ids == nil || ids.last == 0 {
		return 0
	}
	for _, s := range spans {
		if s.Change == ids.last {
			return ids.last
		}
	}
	return 0
}

// markedKey names a marked rendering by everything it depends on: the
// text, the spans, whether ids are given, and the change continued.
func markedKey(src string, spans []Span, ids *ChangeIDs) [32]byte {
	h := sha256.New()
	var buf [8]byte
	num := func(v int) {
		binary.LittleEndian.PutUint64(buf[:], uint64(v))
		h.Write(buf[:])
	}
	num(len(src))
	h.Write([]byte(src)) // hashed once per rendering, next to goldmark's copies
	num(len(spans))
	for _, s := range spans {
		num(s.Start)
		num(s.End)
		num(int(s.Mark))
		num(s.Change)
		num(len(s.Comments))
		h.Write([]byte(s.Comments))
	}
	withIDs := 0
	if ids != nil {
		withIDs = 1
	}
	num(withIDs)
	num(continued(spans, ids))
	var key [32]byte
	h.Sum(key[:0])
	return key
}
