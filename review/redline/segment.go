package redline

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"policydesk/drafts"
	"policydesk/drafts/textdiff"
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
func segments(body string, out []drafts.Article) []segment {
	if out == nil || !validOutline(body, out) {
		out = drafts.ParseOutline(body)
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

func validOutline(body string, out []drafts.Article) bool {
	prev := -1
	for _, a := range out {
		if a.Start <= prev || a.Start >= len(body) {
			return false
		}
		prev = a.Start
	}
	return true
}

// alignment pairs segments of a (index i) with segments of b (index j).
type alignment struct {
	aOf, bOf []int // aOf[j] is the a segment paired with b's j, or -1; bOf[i] likewise
	moved    []bool
}

func align(a, b string, sa, sb []segment, bud *textdiff.Budget) *alignment {
	al := &alignment{aOf: fill(len(sb)), bOf: fill(len(sa)), moved: make([]bool, len(sb))}
	if len(sa) > 0 && len(sb) > 0 && sa[0].pre && sb[0].pre {
		al.pair(0, 0)
	}
	al.byID(sa, sb)
	al.byText(a, b, sa, sb)
	al.bySimilarity(a, b, sa, sb, bud)
	al.markMoved(sa, sb)
	return al
}

func fill(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = -1
	}
	return s
}

func (al *alignment) pair(i, j int) { al.bOf[i], al.aOf[j] = j, i }

func (al *alignment) byID(sa, sb []segment) {
	ids := make(map[string]int, len(sa))
	for i, s := range sa {
		if s.id != "" && !s.pre {
			if _, dup := ids[s.id]; !dup {
				ids[s.id] = i
			}
		}
	}
	if len(ids) == 0 {
		return
	}
	for j, s := range sb {
		if i, ok := ids[s.id]; ok && s.id != "" && !s.pre && al.bOf[i] < 0 {
			al.pair(i, j)
		}
	}
}

// byText pairs articles whose text is identical apart from the number, in
// document order when a text repeats.
func (al *alignment) byText(a, b string, sa, sb []segment) {
	texts := make(map[[2]string][]int)
	for i, s := range sa {
		if al.bOf[i] < 0 && !s.pre {
			k := s.keyParts(a)
			texts[k] = append(texts[k], i)
		}
	}
	for j, s := range sb {
		if al.aOf[j] >= 0 || s.pre {
			continue
		}
		k := s.keyParts(b)
		if q := texts[k]; len(q) > 0 {
			al.pair(q[0], j)
			texts[k] = q[1:]
		}
	}
}

// Similarity limits: a pair is similar when the Jaccard index of their
// word-pair sets is at least minJaccard. Candidates are first looked for near the position the
// neighbouring matches imply (linear cost on long texts), then among all
// remaining articles when few are left.
const (
	minJaccard  = 0.5
	sameLines   = 0.5 // share of identical lines to take a nearby article outright
	simWindow   = 16
	fullCompare = 4096 // |unmatched a| × |unmatched b| searched exhaustively
)

type candidate struct {
	i, j  int
	score float64
	dist  int
}

// similar reports whether two sets are at least min alike, charging the
// comparison to bud; a comparison it cannot pay for counts as dissimilar
// (the two stay a deletion and an insertion) and is recorded as a cut.
// Sets whose sizes alone rule it out (the Jaccard index is at most the
// ratio of the sizes) cost nothing.
func similar(bud *textdiff.Budget, x, y []uint64, min float64) (float64, bool) {
	if small, large := float64(len(x)), float64(len(y)); small > large && small*min > large ||
		small < large && large*min > small {
		return 0, false
	}
	if !bud.Spend(1 + len(x) + len(y)) {
		if bud.Err() == nil {
			bud.Cut()
		}
		return 0, false
	}
	s := drafts.Jaccard(x, y)
	return s, s >= min
}

func (al *alignment) bySimilarity(a, b string, sa, sb []segment, bud *textdiff.Budget) {
	setsA, setsB := make([][]uint64, len(sa)), make([][]uint64, len(sb))
	setA := func(i int) []uint64 {
		if setsA[i] == nil {
			k := sa[i].keyParts(a)
			setsA[i] = shingleSet(k[0], k[1])
		}
		return setsA[i]
	}
	setB := func(j int) []uint64 {
		if setsB[j] == nil {
			k := sb[j].keyParts(b)
			setsB[j] = shingleSet(k[0], k[1])
		}
		return setsB[j]
	}
	// The usual case: an edited article still sits where its neighbours
	// put it (give or take an inserted or deleted one) and most of its
	// lines are untouched. Line sets are far cheaper than word pairs.
	seed := maphash.MakeSeed()
	linesA, linesB := make([][]uint64, len(sa)), make([][]uint64, len(sb))
	for j, s := range sb {
		if al.aOf[j] >= 0 || s.pre {
			continue
		}
		center := al.expected(j, len(sa))
		for _, d := range [...]int{0, 1, -1, 2, -2} {
			i := center + d
			if i < 0 || i >= len(sa) || al.bOf[i] >= 0 || sa[i].pre {
				continue
			}
			if linesA[i] == nil {
				linesA[i] = lineSet(seed, sa[i].keyParts(a))
			}
			if linesB[j] == nil {
				linesB[j] = lineSet(seed, sb[j].keyParts(b))
			}
			if _, ok := similar(bud, linesB[j], linesA[i], sameLines); ok {
				al.pair(i, j)
				break
			}
		}
	}
	for pass := 0; pass < 2; pass++ {
		var freeA, freeB []int
		for i, s := range sa {
			if al.bOf[i] < 0 && !s.pre {
				freeA = append(freeA, i)
			}
		}
		for j, s := range sb {
			if al.aOf[j] < 0 && !s.pre {
				freeB = append(freeB, j)
			}
		}
		if len(freeA) == 0 || len(freeB) == 0 {
			return
		}
		exhaustive := len(freeA)*len(freeB) <= fullCompare
		if pass == 1 && !exhaustive {
			return
		}
		var cands []candidate
		for _, j := range freeB {
			center := al.expected(j, len(sa))
			near := freeA
			if !exhaustive { // freeA is sorted: only the window around center
				lo, _ := slices.BinarySearch(freeA, center-simWindow)
				hi, _ := slices.BinarySearch(freeA, center+simWindow+1)
				near = freeA[lo:hi]
			}
			for _, i := range near {
				if s, ok := similar(bud, setB(j), setA(i), minJaccard); ok {
					cands = append(cands, candidate{i, j, s, abs(i - center)})
				}
			}
		}
		// Candidates were appended in (j, i) order: ordering ties by those
		// is the stable sort's order at an unstable sort's cost.
		slices.SortFunc(cands, func(x, y candidate) int {
			return cmp.Or(cmp.Compare(y.score, x.score), cmp.Compare(x.dist, y.dist), cmp.Compare(x.j, y.j), cmp.Compare(x.i, y.i))
		})
		for _, c := range cands {
			if al.bOf[c.i] < 0 && al.aOf[c.j] < 0 {
				al.pair(c.i, c.j)
			}
		}
		if exhaustive {
			return
		}
	}
}

// expected is the a index where b's j would be if nothing moved: one past
// the partner of the nearest matched b segment before it.
func (al *alignment) expected(j, na int) int {
	for k := j - 1; k >= 0; k-- {
		if i := al.aOf[k]; i >= 0 {
			return i + (j - k)
		}
	}
	return j
}

// markMoved flags matched articles outside a longest increasing subsequence
// of a-positions taken in b order: the others kept their relative order, so
// only these moved.
func (al *alignment) markMoved(sa, sb []segment) {
	var js, seq []int
	for j, i := range al.aOf {
		if i >= 0 && !sb[j].pre {
			js = append(js, j)
			seq = append(seq, i)
		}
	}
	in := lis(seq)
	for k, j := range js {
		if !in[k] {
			al.moved[j] = true
		}
	}
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

// shingleSet returns the sorted distinct hashes of the pairs of adjacent
// lowercased words of the given parts. Word pairs rather than single words
// measure similarity: articles written in one register share most of their
// vocabulary (generated ones up to 0.9 word-set Jaccard) but few word pairs
// (under 0.4), while an edited article keeps most of its pairs.
func shingleSet(parts ...string) []uint64 {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	set := make([]uint64, 0, n/6+1)
	const offset, prime = 14695981039346656037, 1099511628211
	var prev uint64
	emit := func(h uint64) {
		set = append(set, (prev*prime)^h)
		prev = h
	}
	for _, s := range parts {
		if !norm.NFC.IsNormalString(s) {
			s = norm.NFC.String(s) // "ë" typed decomposed is the same word
		}
		h, inWord := uint64(offset), false
		for i := 0; i < len(s); {
			if c := s[i]; c < utf8.RuneSelf {
				i++
				if isASCIIWordByte(c) {
					h, inWord = (h^uint64(c|0x20))*prime, true
					continue
				}
			} else {
				r, size := utf8.DecodeRuneInString(s[i:])
				i += size
				if textkit.IsWordRune(r) {
					h, inWord = (h^uint64(unicode.ToLower(r)))*prime, true
					continue
				}
			}
			if inWord {
				emit(h)
			}
			h, inWord = offset, false
		}
		if inWord {
			emit(h)
		}
	}
	slices.Sort(set)
	return slices.Compact(set)
}

// lineSet returns the sorted distinct hashes of the non-blank lines of the
// parts (the text before and after the heading number).
func lineSet(seed maphash.Seed, parts [2]string) []uint64 {
	var set []uint64
	for _, s := range parts {
		for len(s) > 0 {
			line := s
			if k := strings.IndexByte(s, '\n'); k >= 0 {
				line, s = s[:k], s[k+1:]
			} else {
				s = ""
			}
			if strings.TrimSpace(line) != "" {
				set = append(set, maphash.String(seed, line))
			}
		}
	}
	slices.Sort(set)
	return slices.Compact(set)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
