package docx

// The redline as Word tracked changes. Both versions are flattened into
// flows whose items know the Markdown bytes they come from; the redline's
// ops say of every byte of the earlier version whether it was kept or
// deleted, and of the later whether it was kept or inserted, and put all
// of them in one order (equal, deleted, inserted, as the ops run). The
// document is the later version's items, inserted ones as w:ins, with the
// earlier version's deleted items (w:del) merged in by that order. Kept
// items of the earlier version are left out: their twins in the later one
// stand for them. A paragraph mark is an item too, standing for the
// newline after its paragraph, so whole paragraphs and articles inserted
// or deleted carry a tracked paragraph mark, and "Accept all" gives
// exactly the later version's text, "Reject all" the earlier's.
//
// A moved article is deleted where it stood and inserted where it stands.
// Footnote texts and table structure are not tracked: a table's cells
// become paragraphs, and the footnotes of both versions are listed.

import (
	"context"
	"sort"

	"policydesk/review/redline"
)

// opSpan is one op's bytes: at a (or -1) in the earlier version, at b (or
// -1) in the later, n bytes long, at m in the common order.
type opSpan struct {
	a, b, n, m int
	deleted    bool // a's bytes are deleted (a delete op, or a moved article's old place)
}

// Redline writes the redline rl of versions a and b as a .docx with
// tracked changes, each with meta.Author and meta.Modified: the later
// version's author and date.
func Redline(ctx context.Context, p Parser, a, b string, rl *redline.Redline, meta Meta) ([]byte, error) {
	fa, err := parseFlow(ctx, p, a)
	if err != nil {
		return nil, err
	}
	fb, err := parseFlow(ctx, p, b)
	if err != nil {
		return nil, err
	}
	spans := opSpans(rl)
	items := mergeFlows(fa, fb, spans)
	notes := append(fb.notes, fa.notes...)
	x := newXMLWriter(meta.Author, meta.Modified)
	return writeDocument(x, items, notes, meta, false)
}

// opSpans lists the ops of rl with their places, in the common order. A
// moved article's earlier text is deleted after the article that preceded
// it in a (or first), and its later text inserted where it stands.
func opSpans(rl *redline.Redline) []opSpan {
	host := make(map[int][]int) // article index → moved articles whose old place follows it
	for k, art := range rl.Articles {
		if art.Status != redline.StatusMoved {
			continue
		}
		h, best := -1, -1
		for j, o := range rl.Articles {
			if o.Status != redline.StatusMoved && o.FromIndex >= 0 && o.FromIndex < art.FromIndex && o.FromIndex > best {
				h, best = j, o.FromIndex
			}
		}
		host[h] = append(host[h], k)
	}
	var spans []opSpan
	m := 0
	emit := func(art *redline.Article, keepA, keepB bool) {
		a, b := art.FromStart, art.ToStart
		for _, op := range art.Ops {
			n := len(op.Text)
			s := opSpan{a: -1, b: -1, n: n, m: m}
			inA, inB := op.Op != redline.OpInsert, op.Op != redline.OpDelete
			if inA && keepA {
				s.a, s.deleted = a, op.Op == redline.OpDelete || !keepB
			}
			if inB && keepB {
				s.b = b
			}
			if inA {
				a += n
			}
			if inB {
				b += n
			}
			if s.a >= 0 || s.b >= 0 {
				spans = append(spans, s)
				m += n
			}
		}
	}
	moved := func(h int) {
		for _, k := range host[h] {
			emit(&rl.Articles[k], true, false)
		}
	}
	moved(-1)
	for k := range rl.Articles {
		art := &rl.Articles[k]
		emit(art, art.Status != redline.StatusMoved, true)
		moved(k)
	}
	return spans
}

// side finds the op span holding byte x of one version.
type side struct {
	spans []opSpan // those with bytes in this version, by their place in it
	at    func(s opSpan) int
	end   int // the common order's end
}

func newSide(spans []opSpan, earlier bool, end int) *side {
	s := &side{end: end, at: func(o opSpan) int { return o.b }}
	if earlier {
		s.at = func(o opSpan) int { return o.a }
	}
	for _, o := range spans {
		if s.at(o) >= 0 {
			s.spans = append(s.spans, o)
		}
	}
	sort.SliceStable(s.spans, func(i, j int) bool { return s.at(s.spans[i]) < s.at(s.spans[j]) })
	return s
}

// find returns the index of the span holding byte x, or -1 when none does
// (x at the end of the text).
func (s *side) find(x int) int {
	i := sort.Search(len(s.spans), func(i int) bool { return s.at(s.spans[i])+s.spans[i].n > x })
	if i < len(s.spans) && s.at(s.spans[i]) <= x {
		return i
	}
	return -1
}

// placed is an item with its place in the common order.
type placed struct {
	item
	m int
}

// cut calls f with each item, text items that are the source bytes as
// they are cut where the ops change, with the op span holding the piece's
// first byte at pos (nil when none does).
func (s *side) cut(items []item, f func(it item, sp *opSpan, pos int)) {
	for _, it := range items {
		if !it.exact || it.end <= it.start {
			pos := max(it.start, 0)
			if i := s.find(pos); i >= 0 {
				f(it, &s.spans[i], pos)
			} else {
				f(it, nil, pos)
			}
			continue
		}
		for pos := it.start; pos < it.end; {
			i := s.find(pos)
			if i < 0 {
				piece := it
				piece.text = it.text[pos-it.start:]
				f(piece, nil, pos)
				break
			}
			sp := &s.spans[i]
			stop := min(it.end, s.at(*sp)+sp.n)
			piece := it
			piece.text = it.text[pos-it.start : stop-it.start]
			piece.start, piece.end = pos, stop
			f(piece, sp, pos)
			pos = stop
		}
	}
}

// place gives one version's items their place and mark: from the earlier
// version only the deleted ones, from the later all, inserted ones marked
// so. Footnote references of the earlier version move past the later's
// notes; table structure is left out (cells become paragraphs).
func (s *side) place(items []item, earlier bool, notes int, out []placed) []placed {
	s.cut(items, func(it item, sp *opSpan, pos int) {
		switch it.kind {
		case itemTable, itemRow, itemCell, itemTableEnd:
			return
		case itemNote:
			it.note += int32(notes)
		}
		m := s.end
		switch {
		case sp == nil && earlier:
			return
		case sp == nil:
		case earlier && !sp.deleted:
			return
		case earlier:
			it.mark, m = markDelete, sp.m+pos-s.at(*sp)
		default:
			if sp.a < 0 {
				it.mark = markInsert
			}
			m = sp.m + pos - s.at(*sp)
		}
		out = append(out, placed{it, m})
	})
	return out
}

// mergeFlows merges the earlier version's deleted items into the later
// version's, by their place in the common order, deletions first.
func mergeFlows(fa, fb *flow, spans []opSpan) []item {
	end := 0
	if n := len(spans); n > 0 {
		end = spans[n-1].m + spans[n-1].n
	}
	del := newSide(spans, true, end).place(fa.items, true, len(fb.notes), nil)
	all := newSide(spans, false, end).place(fb.items, false, 0, del)
	sort.SliceStable(all, func(i, j int) bool { return all[i].m < all[j].m })
	items := make([]item, len(all))
	for i, p := range all {
		items[i] = p.item
	}
	return items
}
