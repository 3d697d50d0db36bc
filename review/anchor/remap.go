package anchor

import (
	"cmp"
	"slices"

	"policydesk/review/redline"
)

// Remap maps [start,end) of version a into version b through r, the
// redline a → b. intact is true when every byte of the span lies in equal
// ops that are contiguous in b (the quoted words did not change, and none
// were inserted between them); the mapped span then holds the same text.
// Otherwise the span is the best guess — each end mapped to the nearest
// surviving point — and intact is false: the comment is outdated. ok is
// false when the span lies wholly in deleted articles or outside a.
func Remap(r *redline.Redline, start, end int) (ns, ne int, intact, ok bool) {
	return NewMapper(r).Map(start, end)
}

// Mapper maps many spans through one redline; build it once per redline.
// It only reads the redline, which may be shared.
type Mapper struct {
	arts []*redline.Article // articles with an a side, in a's order
	size int                // length of a
}

// NewMapper indexes r's articles by their position in a.
func NewMapper(r *redline.Redline) *Mapper {
	m := &Mapper{}
	for k := range r.Articles {
		if art := &r.Articles[k]; art.FromStart >= 0 {
			m.arts = append(m.arts, art)
			m.size = max(m.size, art.FromEnd)
		}
	}
	slices.SortFunc(m.arts, func(x, y *redline.Article) int { return cmp.Compare(x.FromStart, y.FromStart) })
	return m
}

// Map is Remap with the index built.
func (m *Mapper) Map(start, end int) (ns, ne int, intact, ok bool) {
	if start < 0 || end < start || end > m.size {
		return 0, 0, false, false
	}
	if start == end {
		p, exact, found := m.point(start)
		return p, p, exact, found
	}
	w := walk{start: start, end: end, intact: true, ns: -1}
	for _, art := range m.arts[m.first(start+1):] {
		if art.FromStart >= end {
			break
		}
		if art.FromEnd <= start {
			continue
		}
		if art.ToStart < 0 {
			w.intact = false // part of the span was deleted with its article
			continue
		}
		w.article(art)
	}
	if w.ns < 0 {
		return 0, 0, false, false
	}
	return w.ns, max(w.ne, w.ns), w.intact, true
}

// walk follows one span through the ops of the articles it touches.
type walk struct {
	start, end int
	ns, ne     int // mapped ends; ns < 0 until the first surviving byte
	lastB      int // b offset after the last equal byte seen, -1 before any
	intact     bool
	seenEqual  bool
}

func (w *walk) article(art *redline.Article) {
	aPos, bPos := art.FromStart, art.ToStart
	for _, op := range art.Ops {
		n := len(op.Text)
		switch op.Op {
		case redline.OpInsert:
			if aPos > w.start && aPos < w.end {
				w.intact = false // words inserted inside the quote
			}
			bPos += n
			continue
		case redline.OpEqual:
			if lo, hi := max(aPos, w.start), min(aPos+n, w.end); lo < hi {
				bs, be := bPos+(lo-aPos), bPos+(hi-aPos)
				if w.seenEqual && bs != w.lastB {
					w.intact = false // the pieces are no longer adjacent in b
				}
				if w.ns < 0 {
					w.ns = bs
				}
				w.ne, w.lastB, w.seenEqual = be, be, true
			}
			bPos += n
		case redline.OpDelete:
			if lo, hi := max(aPos, w.start), min(aPos+n, w.end); lo < hi {
				w.intact = false
				if w.ns < 0 {
					w.ns = bPos
				}
				w.ne = bPos
			}
		}
		aPos += n
	}
}

// first is the index of the first article (in a's order) that ends at or
// after p: the articles cover a without overlapping, so their ends ascend.
func (m *Mapper) first(p int) int {
	k, _ := slices.BinarySearchFunc(m.arts, p, func(art *redline.Article, p int) int { return cmp.Compare(art.FromEnd, p) })
	return k
}

// point maps an empty span (a caret position).
func (m *Mapper) point(p int) (int, bool, bool) {
	for _, art := range m.arts[m.first(p):] {
		if p < art.FromStart {
			break
		}
		if p > art.FromEnd || art.ToStart < 0 {
			continue
		}
		aPos, bPos := art.FromStart, art.ToStart
		for _, op := range art.Ops {
			n := len(op.Text)
			switch op.Op {
			case redline.OpInsert:
				bPos += n
			case redline.OpEqual:
				if p >= aPos && p <= aPos+n {
					return bPos + (p - aPos), true, true
				}
				aPos, bPos = aPos+n, bPos+n
			case redline.OpDelete:
				if p >= aPos && p < aPos+n {
					return bPos, false, true
				}
				aPos += n
			}
		}
		return bPos, true, true
	}
	return 0, false, false
}
