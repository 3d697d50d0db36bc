package redline

import (
	"strings"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"

	"policydesk/drafts/textdiff"
)

// span is a byte range of one of the two texts.
type span struct{ start, end int }

func (s span) contains(t token) bool { return t.start >= s.start && t.end <= s.end }

// differ diffs aligned pairs. Lines and tokens are mapped to runes so go-diff
// compares whole lines or words; the maps live for one Compute so a
// document's vocabulary is interned once.
type differ struct {
	a, b   string
	dmp    *diffmatchpatch.DiffMatchPatch // for its semantic cleanup
	bud    *textdiff.Budget
	lines  runeMap
	words  runeMap
	ta, tb []token
	ra, rb []rune
	la, lb []int // line starts (absolute), plus the end
	skipA  span  // the heading number: renumbering is not a word change
	skipB  span
	ops    opBuilder
	ins    int
	del    int
}

func newDiffer(a, b string, bud *textdiff.Budget) *differ {
	return &differ{a: a, b: b, dmp: diffmatchpatch.New(), bud: bud, lines: newRuneMap(), words: newRuneMap()}
}

// runeMap interns strings as runes, skipping the surrogate range so the
// runes survive go-diff's string conversions.
type runeMap struct {
	ids  map[string]rune
	next rune
}

func newRuneMap() runeMap { return runeMap{ids: make(map[string]rune), next: 1} }

const lastRune = utf8.MaxRune

func (m *runeMap) get(s string) rune {
	if r, ok := m.ids[s]; ok {
		return r
	}
	r := m.next
	m.next++
	if m.next == 0xD800 {
		m.next = 0xE000
	}
	m.ids[s] = r
	return r
}

// room reports whether n more distinct strings fit; callers reset the map
// between independent diffs when it does not.
func (m *runeMap) room(n int) bool { return int(lastRune-m.next) > n }

// pair diffs a[as] against b[bs] and returns the ops with word counts.
func (d *differ) pair(as, bs, skipA, skipB span) (ops []Op, ins, del int) {
	d.ops.reset(d.a, d.b)
	d.ins, d.del = 0, 0
	d.skipA, d.skipB = skipA, skipB
	sa, sb := d.a[as.start:as.end], d.b[bs.start:bs.end]
	switch {
	case sa == sb:
		d.ops.equal(as.start, as.end, bs.start, bs.end)
	case sa == "":
		d.insertText(bs.start, bs.end)
	case sb == "":
		d.deleteText(as.start, as.end)
	default:
		d.lineDiff(as, bs)
	}
	return d.ops.finish(), d.ins, d.del
}

func lineStarts(s string, base int, dst []int) []int {
	dst = append(dst[:0], base)
	for i := 0; i < len(s); {
		k := strings.IndexByte(s[i:], '\n')
		if k < 0 {
			break
		}
		i += k + 1
		if i < len(s) {
			dst = append(dst, base+i)
		}
	}
	return append(dst, base+len(s))
}

// lineDiff aligns whole lines first and word-diffs only the changed runs of
// lines, which keeps the word diff's quadratic worst case local.
func (d *differ) lineDiff(as, bs span) {
	d.la = lineStarts(d.a[as.start:as.end], as.start, d.la)
	d.lb = lineStarts(d.b[bs.start:bs.end], bs.start, d.lb)
	na, nb := len(d.la)-1, len(d.lb)-1
	lineA := func(k int) string { return d.a[d.la[k]:d.la[k+1]] }
	lineB := func(k int) string { return d.b[d.lb[k]:d.lb[k+1]] }
	// Common leading and trailing lines are compared directly; only the
	// lines between are interned and diffed.
	pre := 0
	for pre < na && pre < nb && lineA(pre) == lineB(pre) {
		pre++
	}
	suf := 0
	for suf < na-pre && suf < nb-pre && lineA(na-1-suf) == lineB(nb-1-suf) {
		suf++
	}
	d.ops.equal(d.la[0], d.la[pre], d.lb[0], d.lb[pre])
	if !d.lines.room(na + nb) {
		d.lines = newRuneMap()
	}
	d.ra, d.rb = d.ra[:0], d.rb[:0]
	for k := pre; k < na-suf; k++ {
		d.ra = append(d.ra, d.lines.get(lineA(k)))
	}
	for k := pre; k < nb-suf; k++ {
		d.rb = append(d.rb, d.lines.get(lineB(k)))
	}
	d.middle(pre)
	d.ops.equal(d.la[na-suf], d.la[na], d.lb[nb-suf], d.lb[nb])
}

// middle diffs the interned lines d.ra and d.rb, which start at line pre.
func (d *differ) middle(pre int) {
	i, j := pre, pre // next line of a and b
	ea, eb := pre+len(d.ra), pre+len(d.rb)
	// The word diffs of the regions reuse d.ra and d.rb.
	for _, h := range textdiff.Diff(d.ra, d.rb, d.bud) {
		i0, j0 := pre+h.A0, pre+h.B0
		d.ops.equal(d.la[i], d.la[i0], d.lb[j], d.lb[j0])
		i, j = pre+h.A1, pre+h.B1
		d.region(i0, i, j0, j)
	}
	d.ops.equal(d.la[i], d.la[ea], d.lb[j], d.lb[eb])
}

// region word-diffs lines [i0,i1) of a against [j0,j1) of b.
func (d *differ) region(i0, i1, j0, j1 int) {
	as, ae := d.la[i0], d.la[i1]
	bs, be := d.lb[j0], d.lb[j1]
	switch {
	case as == ae && bs == be:
	case as == ae:
		d.insertText(bs, be)
	case bs == be:
		d.deleteText(as, ae)
	default:
		d.wordDiff(span{as, ae}, span{bs, be})
	}
}

func (d *differ) insertText(bs, be int) {
	d.tb = tokenize(d.b[bs:be], bs, d.tb[:0])
	for _, t := range d.tb {
		d.countIns(t)
	}
	d.ops.insert(bs, be)
}

func (d *differ) deleteText(as, ae int) {
	d.ta = tokenize(d.a[as:ae], as, d.ta[:0])
	for _, t := range d.ta {
		d.countDel(t)
	}
	d.ops.delete(as, ae)
}

func (d *differ) countIns(t token) {
	if t.kind == tkWord && !d.skipB.contains(t) {
		d.ins++
	}
}

func (d *differ) countDel(t token) {
	if t.kind == tkWord && !d.skipA.contains(t) {
		d.del++
	}
}

func (d *differ) wordDiff(as, bs span) {
	d.ta = tokenize(d.a[as.start:as.end], as.start, d.ta[:0])
	d.tb = tokenize(d.b[bs.start:bs.end], bs.start, d.tb[:0])
	if !d.words.room(len(d.ta) + len(d.tb)) {
		d.words = newRuneMap()
	}
	d.ra, d.rb = d.ra[:0], d.rb[:0]
	for _, t := range d.ta {
		d.ra = append(d.ra, d.words.get(tokenKey(d.a, t)))
	}
	for _, t := range d.tb {
		d.rb = append(d.rb, d.words.get(tokenKey(d.b, t)))
	}
	cuts := d.bud.Cuts()
	diffs := toDiffs(d.ra, d.rb, textdiff.Diff(d.ra, d.rb, d.bud))
	if d.bud.Cuts() == cuts {
		// A script cut short is left as it is: it is flagged already, and
		// its long hunks are where the cleanup is slowest.
		diffs = d.cleanup(diffs)
	}
	i, j := 0, 0
	for _, df := range diffs {
		n := utf8.RuneCountInString(df.Text)
		if n == 0 {
			continue // the cleanup can leave empty diffs behind
		}
		switch df.Type {
		case diffmatchpatch.DiffEqual:
			for k := 0; k < n; k++ {
				d.equalTokens(d.ta[i+k], d.tb[j+k])
			}
			i, j = i+n, j+n
		case diffmatchpatch.DiffDelete:
			for _, t := range d.ta[i : i+n] {
				d.countDel(t)
			}
			d.ops.delete(d.ta[i].start, d.ta[i+n-1].end)
			i += n
		case diffmatchpatch.DiffInsert:
			for _, t := range d.tb[j : j+n] {
				d.countIns(t)
			}
			d.ops.insert(d.tb[j].start, d.tb[j+n-1].end)
			j += n
		}
	}
}

// toDiffs turns hunks of the interned token runes into go-diff's form, the
// input of its semantic cleanup.
func toDiffs(ra, rb []rune, hunks []textdiff.Hunk) []diffmatchpatch.Diff {
	diffs := make([]diffmatchpatch.Diff, 0, 3*len(hunks)+1)
	i := 0
	for _, h := range hunks {
		if h.A0 > i {
			diffs = append(diffs, diffmatchpatch.Diff{Type: diffmatchpatch.DiffEqual, Text: string(ra[i:h.A0])})
		}
		if h.A1 > h.A0 {
			diffs = append(diffs, diffmatchpatch.Diff{Type: diffmatchpatch.DiffDelete, Text: string(ra[h.A0:h.A1])})
		}
		if h.B1 > h.B0 {
			diffs = append(diffs, diffmatchpatch.Diff{Type: diffmatchpatch.DiffInsert, Text: string(rb[h.B0:h.B1])})
		}
		i = h.A1
	}
	if i < len(ra) {
		diffs = append(diffs, diffmatchpatch.Diff{Type: diffmatchpatch.DiffEqual, Text: string(ra[i:])})
	}
	return diffs
}

// Semantic cleanup costs. go-diff's DiffCleanupSemantic is quadratic in
// the number of diffs and in their length on some inputs (equalities
// eliminated one by one, each shifting the slice; edits shifted rune by
// rune across long runs of one word), so it runs on pieces of at most
// cleanupPiece units (diffs plus bytes), cut before an equality, and each
// piece is charged its square over cleanupPerStep before it runs. A piece
// the budget cannot pay for keeps its exact but unpolished diff.
const (
	cleanupPiece   = 1 << 13
	cleanupPerStep = 4
)

// cleanup runs go-diff's semantic cleanup piece by piece.
func (d *differ) cleanup(diffs []diffmatchpatch.Diff) []diffmatchpatch.Diff {
	out := diffs[:0:0]
	start, size := 0, 0
	flush := func(end int) {
		piece := diffs[start:end:end] // the cleanup appends: not over the next piece
		if len(piece) > 1 {
			if d.bud.Spend(size * size / cleanupPerStep) {
				piece = d.dmp.DiffCleanupSemantic(piece)
			} else if d.bud.Err() == nil {
				d.bud.Cut()
			}
		}
		out = append(out, piece...)
		start, size = end, 0
	}
	for k, df := range diffs {
		if df.Type == diffmatchpatch.DiffEqual && k > start && size+1+len(df.Text) > cleanupPiece {
			flush(k)
		}
		size += 1 + len(df.Text)
	}
	flush(len(diffs))
	return out
}

// equalTokens emits a pair of NFC-equal tokens: equal when the bytes match,
// otherwise delete+insert so both texts are rebuilt byte for byte.
func (d *differ) equalTokens(ta, tb token) {
	if d.a[ta.start:ta.end] == d.b[tb.start:tb.end] {
		d.ops.equal(ta.start, ta.end, tb.start, tb.end)
		return
	}
	d.countDel(ta)
	d.countIns(tb)
	d.ops.delete(ta.start, ta.end)
	d.ops.insert(tb.start, tb.end)
}

// opBuilder collects ops as spans, merging neighbours of the same kind.
// Between two equal ops all deletions are one contiguous span of a and all
// insertions one of b, so a change is always emitted as delete then insert.
type opBuilder struct {
	a, b     string
	ops      []Op
	eqA, eqB span // pending equal run, in a and b
	del, ins span // pending change
}

func (o *opBuilder) reset(a, b string) {
	*o = opBuilder{a: a, b: b, eqA: span{-1, -1}, del: span{-1, -1}, ins: span{-1, -1}}
}

func (o *opBuilder) equal(as, ae, bs, be int) {
	if as == ae {
		return
	}
	o.flushChange()
	if o.eqA.end == as && o.eqB.end == bs {
		o.eqA.end, o.eqB.end = ae, be
		return
	}
	o.flushEqual()
	o.eqA, o.eqB = span{as, ae}, span{bs, be}
}

func (o *opBuilder) delete(as, ae int) { o.change(&o.del, as, ae) }

func (o *opBuilder) insert(bs, be int) { o.change(&o.ins, bs, be) }

// change extends the pending deletion or insertion by [s, e), or starts it.
func (o *opBuilder) change(pending *span, s, e int) {
	if s == e {
		return
	}
	o.flushEqual()
	if pending.start < 0 {
		*pending = span{s, e}
	} else {
		pending.end = e
	}
}

func (o *opBuilder) flushEqual() {
	if o.eqA.start >= 0 {
		o.ops = append(o.ops, Op{Op: OpEqual, Text: o.a[o.eqA.start:o.eqA.end]})
		o.eqA = span{-1, -1}
	}
}

func (o *opBuilder) flushChange() {
	if o.del.start >= 0 {
		o.ops = append(o.ops, Op{Op: OpDelete, Text: o.a[o.del.start:o.del.end]})
		o.del = span{-1, -1}
	}
	if o.ins.start >= 0 {
		o.ops = append(o.ops, Op{Op: OpInsert, Text: o.b[o.ins.start:o.ins.end]})
		o.ins = span{-1, -1}
	}
}

func (o *opBuilder) finish() []Op {
	o.flushChange()
	o.flushEqual()
	ops := o.ops
	o.ops = nil
	return ops
}
