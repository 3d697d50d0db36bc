package outline

import (
	"cmp"
	"slices"
)

// Alignment pairs the items of an earlier list a (indexed i) with those of
// a later list b (indexed j), each item at most once. Both of its uses align
// articles: identity across versions (AssignIDs) and the redline's
// segments.
type Alignment struct {
	AOf []int // AOf[j] is the a item paired with b's item j, or -1
	BOf []int // BOf[i] is the b item paired with a's item i, or -1
}

// NewAlignment returns an alignment of na a items and nb b items with
// nothing paired yet.
func NewAlignment(na, nb int) *Alignment {
	return &Alignment{AOf: unpaired(nb), BOf: unpaired(na)}
}

func unpaired(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = -1
	}
	return s
}

// Pair pairs a's item i with b's item j.
func (al *Alignment) Pair(i, j int) { al.BOf[i], al.AOf[j] = j, i }

// Key is what a Keys step compares, whole. It has two parts so that the
// text on either side of a heading's number need not be copied into one.
type Key [2]string

// Keys pairs items whose keys are equal; an item for which A or B answers
// false has no key and is left to the later steps.
type Keys struct{ A, B func(int) (Key, bool) }

// Similarity limits, the same for both uses: a pair is similar when the
// Jaccard index of their shingle sets is at least MinJaccard. Candidates
// are looked for among the unpaired a items within Window of the position
// the neighbouring pairs imply, which keeps the cost linear in long texts.
const (
	MinJaccard = 0.5
	Window     = 16
)

// Rules are what a use of the alignment chooses; see Align.
type Rules struct {
	// InA and InB say which items take part in any step; nil means all.
	InA, InB func(int) bool
	// Keys are the exact steps, tried in order.
	Keys []Keys
	// Near are the offsets from a b item's expected position at which Same
	// may pair it outright, tried in order.
	Near []int
	Same func(i, j int) bool
	// SetA and SetB are the items' shingle sets (see Shingles and Lazy).
	SetA, SetB func(int) []uint64
	// Exhaustive is how many comparisons (unpaired a × unpaired b) may be
	// made to look beyond the window when few items are left; 0: never.
	Exhaustive int
	// Spend is charged for every comparison of two sets (see Similar);
	// nil: comparisons are free.
	Spend func(steps int) bool
}

// Align pairs the items still unpaired, in three steps, each taking only
// what the ones before left:
//
//  1. each of r.Keys in turn pairs items with equal keys, in document
//     order when a key repeats;
//  2. each b item in order is paired with the first unpaired a item at
//     one of the r.Near offsets from its Expected position for which
//     r.Same holds (the usual case: an edited article still sits where its
//     neighbours put it);
//  3. the rest are paired best first by the Jaccard index of their sets,
//     at least MinJaccard, among the a items within Window of the expected
//     position; when at most r.Exhaustive comparisons are left (at once,
//     or after the windowed pass), among all of them. Ties go to the pair
//     nearer its expected position, then to document order, so one good
//     match is not stolen by an earlier, weaker one.
func (al *Alignment) Align(r Rules) {
	in := func(f func(int) bool, k int) bool { return f == nil || f(k) }
	for _, k := range r.Keys {
		al.byKey(k, func(i int) bool { return in(r.InA, i) }, func(j int) bool { return in(r.InB, j) })
	}
	al.near(r, in)
	al.bySimilarity(r, in)
}

// byKey pairs unpaired items with equal keys, in document order.
func (al *Alignment) byKey(k Keys, inA, inB func(int) bool) {
	queues := make(map[Key][]int)
	for i, j := range al.BOf {
		if j < 0 && inA(i) {
			if key, ok := k.A(i); ok {
				queues[key] = append(queues[key], i)
			}
		}
	}
	if len(queues) == 0 {
		return
	}
	for j, i := range al.AOf {
		if i >= 0 || !inB(j) {
			continue
		}
		key, ok := k.B(j)
		if q := queues[key]; ok && len(q) > 0 {
			al.Pair(q[0], j)
			queues[key] = q[1:]
		}
	}
}

// Expected is the a index where b's item j would be if nothing moved: one
// past the partner of the nearest paired b item before it, plus the
// distance to it.
func (al *Alignment) Expected(j int) int {
	for k := j - 1; k >= 0; k-- {
		if i := al.AOf[k]; i >= 0 {
			return i + (j - k)
		}
	}
	return j
}

func (al *Alignment) near(r Rules, in func(func(int) bool, int) bool) {
	if len(r.Near) == 0 {
		return
	}
	for j := range al.AOf {
		if al.AOf[j] >= 0 || !in(r.InB, j) {
			continue
		}
		center := al.Expected(j)
		for _, d := range r.Near {
			i := center + d
			if i < 0 || i >= len(al.BOf) || al.BOf[i] >= 0 || !in(r.InA, i) {
				continue
			}
			if r.Same(i, j) {
				al.Pair(i, j)
				break
			}
		}
	}
}

type candidate struct {
	i, j  int
	score float64
	dist  int // from the expected position
}

func (al *Alignment) bySimilarity(r Rules, in func(func(int) bool, int) bool) {
	for pass := 0; pass < 2; pass++ {
		var freeA, freeB []int
		for i, j := range al.BOf {
			if j < 0 && in(r.InA, i) {
				freeA = append(freeA, i)
			}
		}
		for j, i := range al.AOf {
			if i < 0 && in(r.InB, j) {
				freeB = append(freeB, j)
			}
		}
		if len(freeA) == 0 || len(freeB) == 0 {
			return
		}
		exhaustive := len(freeA)*len(freeB) <= r.Exhaustive
		if pass == 1 && !exhaustive {
			return
		}
		al.pairBest(al.candidates(r, freeA, freeB, exhaustive))
		if exhaustive {
			return
		}
	}
}

// candidates scores, for each unpaired b item in order, the unpaired a
// items within Window of its expected position (all of them when
// exhaustive), in order, keeping the similar ones.
func (al *Alignment) candidates(r Rules, freeA, freeB []int, exhaustive bool) []candidate {
	var cands []candidate
	for _, j := range freeB {
		center := al.Expected(j)
		near := freeA
		if !exhaustive { // freeA is sorted: only the window around center
			lo, _ := slices.BinarySearch(freeA, center-Window)
			hi, _ := slices.BinarySearch(freeA, center+Window+1)
			near = freeA[lo:hi]
		}
		for _, i := range near {
			if s, ok := Similar(r.SetB(j), r.SetA(i), MinJaccard, r.Spend); ok {
				cands = append(cands, candidate{i, j, s, abs(i - center)})
			}
		}
	}
	return cands
}

// pairBest takes candidates best first. They were made in (j, i) order, so
// ordering ties by those is the stable sort's order at an unstable sort's
// cost (a stable sort of three million pairs took most of a 5 MiB save).
func (al *Alignment) pairBest(cands []candidate) {
	slices.SortFunc(cands, func(x, y candidate) int {
		return cmp.Or(cmp.Compare(y.score, x.score), cmp.Compare(x.dist, y.dist), cmp.Compare(x.j, y.j), cmp.Compare(x.i, y.i))
	})
	for _, c := range cands {
		if al.BOf[c.i] < 0 && al.AOf[c.j] < 0 {
			al.Pair(c.i, c.j)
		}
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// Moved returns, for each b item, whether it was paired out of order: the
// paired b items taking part (inB; nil: all) whose a positions lie outside
// one longest increasing subsequence of them, taken in b's order. The
// others kept their relative order, so only these moved.
func (al *Alignment) Moved(inB func(int) bool) []bool {
	var js, seq []int
	for j, i := range al.AOf {
		if i >= 0 && (inB == nil || inB(j)) {
			js = append(js, j)
			seq = append(seq, i)
		}
	}
	moved := make([]bool, len(al.AOf))
	in := lis(seq)
	for k, j := range js {
		moved[j] = !in[k]
	}
	return moved
}

// lis marks the members of one longest strictly increasing subsequence.
func lis(seq []int) []bool {
	tails := []int{} // index into seq of the smallest tail of each length
	prev := make([]int, len(seq))
	for k, v := range seq {
		n, _ := slices.BinarySearchFunc(tails, v, func(t, v int) int { return cmp.Compare(seq[t], v) })
		if n > 0 {
			prev[k] = tails[n-1]
		} else {
			prev[k] = -1
		}
		if n == len(tails) {
			tails = append(tails, k)
		} else {
			tails[n] = k
		}
	}
	in := make([]bool, len(seq))
	if len(tails) > 0 {
		for k := tails[len(tails)-1]; k >= 0; k = prev[k] {
			in[k] = true
		}
	}
	return in
}
