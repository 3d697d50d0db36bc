package merge3

import "policydesk/drafts/textdiff"

// mergeIntern maps each string to a small integer shared through ids.
func mergeIntern(ids map[string]int, xs []string) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		id, ok := ids[x]
		if !ok {
			id = len(ids)
			ids[x] = id
		}
		out[i] = id
	}
	return out
}

func diff3Equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// diff3Hunk says that base[b0:b1] was replaced by other[o0:o1].
type diff3Hunk struct{ b0, b1, o0, o1 int }

// diff3Region is a chunk of the base: base[b0:b1] corresponds to
// mine[m0:m1] and head[h0:h1]. hm[mi0:mi1] and hh[hi0:hi1] are the hunks of
// each side inside it; a region with no hunks is stable.
type diff3Region struct {
	b0, b1, m0, m1, h0, h1 int
	mi0, mi1, hi0, hi1     int
}

func (r diff3Region) mineChanged() bool { return r.mi1 > r.mi0 }
func (r diff3Region) headChanged() bool { return r.hi1 > r.hi0 }

// diff3Regions walks the base, grouping hunks of both sides that overlap or
// touch into one changed region, with stable regions in between.
func diff3Regions(nb int, hm, hh []diff3Hunk) []diff3Region {
	out := make([]diff3Region, 0, 2*(len(hm)+len(hh))+1)
	i, j, pos, dm, dh := 0, 0, 0, 0, 0
	for i < len(hm) || j < len(hh) {
		mi0, hi0 := i, j
		var gs, ge int
		if j >= len(hh) || (i < len(hm) && hm[i].b0 <= hh[j].b0) {
			gs, ge = hm[i].b0, hm[i].b1
			i++
		} else {
			gs, ge = hh[j].b0, hh[j].b1
			j++
		}
		for {
			if i < len(hm) && hm[i].b0 <= ge {
				ge = max(ge, hm[i].b1)
				i++
				continue
			}
			if j < len(hh) && hh[j].b0 <= ge {
				ge = max(ge, hh[j].b1)
				j++
				continue
			}
			break
		}
		if gs > pos {
			out = append(out, diff3Region{b0: pos, b1: gs, m0: pos + dm, m1: gs + dm, h0: pos + dh, h1: gs + dh,
				mi0: mi0, mi1: mi0, hi0: hi0, hi1: hi0})
		}
		r := diff3Region{b0: gs, b1: ge, mi0: mi0, mi1: i, hi0: hi0, hi1: j}
		r.m0, r.m1, dm = diff3Side(hm[mi0:i], gs, ge, dm)
		r.h0, r.h1, dh = diff3Side(hh[hi0:j], gs, ge, dh)
		out = append(out, r)
		pos = ge
	}
	if pos < nb {
		out = append(out, diff3Region{b0: pos, b1: nb, m0: pos + dm, m1: nb + dm, h0: pos + dh, h1: nb + dh,
			mi0: i, mi1: i, hi0: j, hi1: j})
	}
	return out
}

// diff3Side maps base[gs:ge] to the side's range given the side's hunks
// inside it and the line offset before it; it returns the offset after it.
func diff3Side(hs []diff3Hunk, gs, ge, delta int) (o0, o1, newDelta int) {
	if len(hs) == 0 {
		return gs + delta, ge + delta, delta
	}
	f, l := hs[0], hs[len(hs)-1]
	return f.o0 - (f.b0 - gs), l.o1 + (ge - l.b1), l.o1 - l.b1
}

// diff3Diff returns the hunks of a minimal diff from a to b, or of a longer
// one where bud ran out (textdiff.Diff). The elements that occur only in one
// of a and b cannot be in a common subsequence, so they are set aside first:
// the diff stays minimal while a total rewrite costs linear time.
func diff3Diff(a, b []int, bud *textdiff.Budget) []diff3Hunk {
	maxID := -1
	for _, x := range a {
		maxID = max(maxID, x)
	}
	for _, x := range b {
		maxID = max(maxID, x)
	}
	inA := make([]bool, maxID+1)
	inB := make([]bool, maxID+1)
	for _, x := range a {
		inA[x] = true
	}
	for _, x := range b {
		inB[x] = true
	}
	ca := make([]bool, len(a))
	cb := make([]bool, len(b))
	fa, ia := diff3Keep(a, inB, ca)
	fb, ib := diff3Keep(b, inA, cb)
	for _, h := range textdiff.Diff(fa, fb, bud) {
		for k := h.A0; k < h.A1; k++ {
			ca[ia[k]] = true
		}
		for k := h.B0; k < h.B1; k++ {
			cb[ib[k]] = true
		}
	}
	var hunks []diff3Hunk
	i, j, n, m := 0, 0, len(a), len(b)
	for {
		for i < n && j < m && !ca[i] && !cb[j] {
			i++
			j++
		}
		if i >= n && j >= m {
			break
		}
		si, sj := i, j
		for i < n && ca[i] {
			i++
		}
		for j < m && cb[j] {
			j++
		}
		if i == si && j == sj { // cannot happen; keeps the diff correct anyway
			i, j = n, m
		}
		hunks = append(hunks, diff3Hunk{si, i, sj, j})
	}
	return hunks
}

// diff3Keep returns the elements of xs present in other with their indexes,
// marking the others as changed.
func diff3Keep(xs []int, other []bool, changed []bool) (kept, index []int) {
	kept = make([]int, 0, len(xs))
	index = make([]int, 0, len(xs))
	for i, x := range xs {
		if other[x] {
			kept = append(kept, x)
			index = append(index, i)
		} else {
			changed[i] = true
		}
	}
	return kept, index
}
