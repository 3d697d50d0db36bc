// Package textdiff finds a shortest edit script between two sequences with
// Myers' O(ND) algorithm in linear space, within a work budget counted in
// steps. It is the one diff core of the service: the three-way merge diffs
// lines and words with it, the redline lines and words before go-diff's
// semantic cleanup.
//
// The budget is what makes any input affordable: a version with its lines
// reversed costs Myers N² steps. Where the budget runs out inside a region,
// that region comes out as one hunk (all of a's part replaced by all of
// b's), which still transforms a into b exactly, and the budget records
// that it cut something. Steps, not a clock, so the same inputs always give
// the same script: redlines are cached by content and comments are anchored
// through them.
package textdiff

import "context"

// Hunk says that a[A0:A1] is replaced by b[B0:B1]. A Diff's hunks are in
// order and separated by at least one equal element.
type Hunk struct{ A0, A1, B0, B1 int }

// Budget is an allowance of work shared by the diffs (and any other work
// charged to it) of one computation, spent in a fixed order. A step is one
// diagonal of the edit graph visited or one pair of elements compared. It
// also carries the computation's context: once that ends, every Spend
// fails and Err says why. A Budget is not safe for concurrent use.
type Budget struct {
	ctx        context.Context
	left       int64
	untilCheck int64
	err        error
	cuts       int
}

// checkEvery is how many steps pass between two looks at the context: a few
// microseconds of work.
const checkEvery = 1 << 14

// NewBudget allows steps steps of work until ctx ends. A nil ctx never ends.
func NewBudget(ctx context.Context, steps int64) *Budget {
	return &Budget{ctx: ctx, left: steps, untilCheck: checkEvery}
}

// Unlimited is a budget that never runs out, for tests and small inputs
// whose cost is known.
func Unlimited() *Budget { return NewBudget(nil, 1<<62) }

// Spend charges n steps. It returns false, charging nothing, when fewer than
// n steps are left or the context has ended; a later, smaller Spend may
// still succeed.
func (b *Budget) Spend(n int) bool {
	if b.err != nil {
		return false
	}
	if b.untilCheck -= int64(n); b.untilCheck <= 0 {
		b.untilCheck = checkEvery
		if b.ctx != nil {
			if err := b.ctx.Err(); err != nil {
				b.err = err
				return false
			}
		}
	}
	if int64(n) > b.left {
		return false
	}
	b.left -= int64(n)
	return true
}

// Left is the number of steps still allowed.
func (b *Budget) Left() int64 { return b.left }

// Err is the context's error once Spend has seen it end, else nil. A
// computation that sees it abandons its result.
func (b *Budget) Err() error { return b.err }

// Cut records that some work was cut short for lack of budget.
func (b *Budget) Cut() { b.cuts++ }

// Cuts counts the pieces of work cut short so far; a caller compares it
// before and after a piece of work to know whether that piece was cut.
func (b *Budget) Cuts() int { return b.cuts }

// Diff returns the hunks of a shortest edit script from a to b, or of a
// longer one where the budget ran out (see the package comment). The
// script's choice among equally short ones follows diff-match-patch's
// DiffMain without its timeout: common prefix and suffix first, then the
// shorter sequence found whole inside the longer, then the middle snake.
func Diff[T comparable](a, b []T, bud *Budget) []Hunk {
	d := differ[T]{a: a, b: b, bud: bud}
	d.diff(0, len(a), 0, len(b))
	return d.hunks
}

type differ[T comparable] struct {
	a, b  []T
	bud   *Budget
	hunks []Hunk
	v     []int // the bisect's two V arrays, reused across calls
	fail  []int // the failure function of the containment search
}

// add appends a hunk, merging it with the previous one when they touch.
func (d *differ[T]) add(a0, a1, b0, b1 int) {
	if a0 == a1 && b0 == b1 {
		return
	}
	if n := len(d.hunks); n > 0 && d.hunks[n-1].A1 == a0 && d.hunks[n-1].B1 == b0 {
		d.hunks[n-1].A1, d.hunks[n-1].B1 = a1, b1
		return
	}
	d.hunks = append(d.hunks, Hunk{a0, a1, b0, b1})
}

// replace gives up on a region: all of it becomes one hunk.
func (d *differ[T]) replace(a0, a1, b0, b1 int) {
	if d.bud.Err() == nil {
		d.bud.Cut()
	}
	d.add(a0, a1, b0, b1)
}

func (d *differ[T]) diff(a0, a1, b0, b1 int) {
	p0, q0 := a0, b0
	for a0 < a1 && b0 < b1 && d.a[a0] == d.b[b0] {
		a0++
		b0++
	}
	for a0 < a1 && b0 < b1 && d.a[a1-1] == d.b[b1-1] {
		a1--
		b1--
	}
	// Trimming compares each element once per level of recursion; it is
	// charged like any other comparison.
	if !d.bud.Spend(1 + (a0 - p0) + (b0 - q0)) {
		d.replace(a0, a1, b0, b1)
		return
	}
	n, m := a1-a0, b1-b0
	if n == 0 || m == 0 {
		d.add(a0, a1, b0, b1)
		return
	}
	// The shorter sequence inside the longer one: a minimal script that
	// diff-match-patch also prefers, found in linear time.
	if n > m {
		if k, ok := d.index(d.a[a0:a1], d.b[b0:b1]); !ok {
			d.replace(a0, a1, b0, b1)
			return
		} else if k >= 0 {
			d.add(a0, a0+k, b0, b0)
			d.add(a0+k+m, a1, b1, b1)
			return
		}
	} else {
		if k, ok := d.index(d.b[b0:b1], d.a[a0:a1]); !ok {
			d.replace(a0, a1, b0, b1)
			return
		} else if k >= 0 {
			d.add(a0, a0, b0, b0+k)
			d.add(a1, a1, b0+k+n, b1)
			return
		}
	}
	if n == 1 || m == 1 {
		d.add(a0, a1, b0, b1) // one element not found in the other: nothing in common
		return
	}
	x, y, found, ok := d.bisect(a0, a1, b0, b1)
	switch {
	case !ok:
		d.replace(a0, a1, b0, b1)
	case !found:
		d.add(a0, a1, b0, b1)
	default:
		d.diff(a0, x, b0, y)
		d.diff(x, a1, y, b1)
	}
}

// index finds pat in text (Knuth-Morris-Pratt, linear): its offset, or -1.
// ok is false when the budget cannot pay for the search.
func (d *differ[T]) index(text, pat []T) (int, bool) {
	if !d.bud.Spend(2*len(text) + 2*len(pat)) {
		return -1, false
	}
	if cap(d.fail) < len(pat) {
		d.fail = make([]int, len(pat))
	}
	fail := d.fail[:len(pat)]
	fail[0] = 0
	for i, k := 1, 0; i < len(pat); i++ {
		for k > 0 && pat[i] != pat[k] {
			k = fail[k-1]
		}
		if pat[i] == pat[k] {
			k++
		}
		fail[i] = k
	}
	for i, k := 0, 0; i < len(text); i++ {
		for k > 0 && text[i] != pat[k] {
			k = fail[k-1]
		}
		if text[i] == pat[k] {
			k++
		}
		if k == len(pat) {
			return i - k + 1, true
		}
	}
	return -1, true
}

// bisect finds the middle snake of a shortest edit script of the region and
// returns a point (x, y) on it in absolute coordinates, as diff-match-patch's
// diff_bisect does (Myers 1986, section 4b). found is false when the two
// parts have nothing in common; ok is false when the budget ran out first.
func (d *differ[T]) bisect(a0, a1, b0, b1 int) (x, y int, found, ok bool) {
	a, b := d.a[a0:a1], d.b[b0:b1]
	n, m := len(a), len(b)
	maxD := (n + m + 1) / 2
	vLen := 2*maxD + 2
	if !d.bud.Spend(vLen) {
		return 0, 0, false, false
	}
	if cap(d.v) < 2*vLen {
		d.v = make([]int, 2*vLen)
	}
	s := bisection[T]{a: a, b: b, bud: d.bud, v1: d.v[:vLen], v2: d.v[vLen : 2*vLen], vOff: maxD, delta: n - m}
	s.front = s.delta%2 != 0
	for i := range s.v1 {
		s.v1[i], s.v2[i] = -1, -1
	}
	s.v1[s.vOff+1], s.v2[s.vOff+1] = 0, 0
	for dd := 0; dd < maxD; dd++ {
		for _, rev := range [2]bool{false, true} {
			x, y, met, ok := s.round(dd, rev)
			if !ok {
				return 0, 0, false, false
			}
			if met {
				d.bud.Spend(s.steps) // the work is done; whatever is left pays for it
				return a0 + x, b0 + y, true, true
			}
		}
	}
	d.bud.Spend(s.steps)
	return 0, 0, false, true
}

// bisection is the state of one bisect: for each diagonal k, the furthest
// x the forward paths (v1, from the start) and the reverse paths (v2, from
// the end, in reversed coordinates) have reached, the diagonals each
// direction has run off the region at either end, and the steps done but
// not yet paid.
type bisection[T comparable] struct {
	a, b                           []T
	bud                            *Budget
	v1, v2                         []int
	vOff                           int  // index of diagonal 0 in v1 and v2
	delta                          int  // len(a) - len(b)
	front                          bool // delta is odd: the forward paths look for the reverse ones
	k1start, k1end, k2start, k2end int
	steps                          int
}

// round extends every path of one direction (rev: the reverse one) by one
// more edit dd and follows its snake. When the paths of the two
// directions overlap it returns met and the point on the forward path;
// ok is false when the budget ran out. steps is paid every checkEvery
// steps, so that neither a long round of diagonals nor the context goes
// unchecked for long; the work beyond the budget is then at most
// checkEvery steps and one snake.
func (s *bisection[T]) round(dd int, rev bool) (x, y int, met, ok bool) {
	a, b, n, m := s.a, s.b, len(s.a), len(s.b)
	v, other, start, end := s.v1, s.v2, &s.k1start, &s.k1end
	if rev {
		v, other, start, end = s.v2, s.v1, &s.k2start, &s.k2end
	}
	meets := s.front != rev
	for k := -dd + *start; k <= dd-*end; k += 2 {
		kOff := s.vOff + k
		if k == -dd || (k != dd && v[kOff-1] < v[kOff+1]) {
			x = v[kOff+1]
		} else {
			x = v[kOff-1] + 1
		}
		y = x - k
		from := x
		if rev {
			for x < n && y < m && a[n-x-1] == b[m-y-1] {
				x++
				y++
			}
		} else {
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
		}
		if s.steps += 1 + x - from; s.steps >= checkEvery {
			if !s.bud.Spend(s.steps) {
				return 0, 0, false, false
			}
			s.steps = 0
		}
		v[kOff] = x
		switch {
		case x > n:
			*end += 2
		case y > m:
			*start += 2
		case meets:
			// The other direction's path on the same diagonal, if it has
			// come this far, overlaps this one.
			oOff := s.vOff + s.delta - k
			if oOff >= 0 && oOff < len(other) && other[oOff] != -1 && x >= n-other[oOff] {
				if rev {
					x, k = other[oOff], s.delta-k
				}
				return x, x - k, true, true
			}
		}
	}
	return 0, 0, false, true
}
