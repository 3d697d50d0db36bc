package drafts

import (
	"cmp"
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"policydesk/drafts/textdiff"
	"policydesk/drafts/textkit"
)

// Conflict markers written by Merge3 around a chunk that both sides changed
// differently (git's "diff3" conflict style). Each marker is on a line of its
// own; the base section is always present, even when it is empty (a pure
// insertion by both sides).
const (
	mergeMarkerMine = "<<<<<<< your version"
	mergeMarkerBase = "||||||| base"
	mergeMarkerSep  = "======="
	mergeMarkerHead = ">>>>>>> saved version"
)

// Merge3 merges two edits of the same document: mine (the version being saved)
// and head (the version saved by someone else since), both derived from base.
// It is a line-based diff3, like `git merge-file --diff3`:
//
//   - All three texts are first normalised: CRLF becomes LF, and the result
//     always uses LF line endings. Whether the text ends with a newline is
//     merged as a separate yes/no property (a side that changed it wins), so
//     adding or removing the final newline never conflicts with line edits.
//
//   - The base is split into stable chunks (unchanged on both sides) and
//     changed chunks. Changes of the two sides that overlap or touch (are on
//     adjacent lines, or are insertions at the same place) form one chunk. A
//     chunk changed by one side takes that side; a chunk changed identically
//     by both takes it once.
//
//   - A chunk changed differently by both sides is first tried word by word,
//     only in the safe case: each side replaced its lines one-for-one (no
//     line inserted or deleted inside the chunk), each changed line keeps at
//     least half of the base line's words, and within each line the two
//     sides changed different words, separated by at least one unchanged
//     token such as a space. Then both sides' changes are combined.
//
//   - Otherwise the chunk is a conflict, clean is false, and the chunk is
//     written with markers in git's diff3 style (the base section is always
//     present, empty for an insertion by both sides):
//
//     <<<<<<< your version
//     ...mine lines...
//     ||||||| base
//     ...base lines...
//     =======
//     ...head lines...
//     >>>>>>> saved version
//
// Every line of both sides is kept inside the markers, so nothing is lost. A
// merged text that ends in a conflict always ends with a newline. Marker-like
// lines already in the inputs are not escaped.
//
// A clean merge (clean == true) contains no markers. Merge3(b, m, b),
// Merge3(b, b, h) and Merge3(b, x, x) return m, h and x (after CRLF
// normalisation) with clean == true.
//
// The diffs are Myers diffs (textdiff) with a work budget counted in steps,
// MergeBudget for each side, so the result never depends on timing and any
// input up to the body limit merges in well under a second. Where a side's
// budget runs out, the region it was diffing counts as rewritten by that
// side: it is taken from that side when the other left it alone, and
// otherwise becomes one conflict holding both sides, so nothing is lost.
func Merge3(base, mine, head string) (merged string, clean bool) {
	merged, clean, _ = Merge3Context(context.Background(), base, mine, head)
	return merged, clean
}

// MergeBudget is the work, in textdiff steps, that each side's diffs may do
// in one merge: some 70 ms on one core. Real edits need far less, since
// lines found on one side only are set aside before the diff (a 60,000-word
// document edited in three places takes 4,000 steps).
const MergeBudget = 20_000_000

// Merge3Context is Merge3 that gives up, returning ctx's error, once ctx
// ends: a client that left does not keep a merge running.
func Merge3Context(ctx context.Context, base, mine, head string) (merged string, clean bool, err error) {
	base = mergeNormalize(base)
	mine = mergeNormalize(mine)
	head = mergeNormalize(head)
	switch {
	case mine == head:
		return mine, true, nil
	case base == mine:
		return head, true, nil
	case base == head:
		return mine, true, nil
	}
	m := merger{textdiff.NewBudget(ctx, MergeBudget), textdiff.NewBudget(ctx, MergeBudget)}
	merged, clean = m.texts(base, mine, head)
	if err := cmp.Or(m.mine.Err(), m.head.Err()); err != nil {
		return "", false, err
	}
	return merged, clean, nil
}

// merger holds one budget per side, so that the merge of (base, mine, head)
// and of (base, head, mine) spend alike and agree.
type merger struct{ mine, head *textdiff.Budget }

// mergeTexts is Merge3 without the shortcuts for identical inputs.
func mergeTexts(base, mine, head string) (string, bool) {
	m := merger{textdiff.NewBudget(nil, MergeBudget), textdiff.NewBudget(nil, MergeBudget)}
	return m.texts(base, mine, head)
}

// mergeNormalize converts CRLF line endings to LF.
func mergeNormalize(s string) string {
	if strings.Contains(s, "\r\n") {
		return strings.ReplaceAll(s, "\r\n", "\n")
	}
	return s
}

// mergeSplit splits s into lines without their "\n" terminators and reports
// whether s ends with a newline. "" has no lines.
func mergeSplit(s string) (lines []string, finalNL bool) {
	if s == "" {
		return nil, false
	}
	lines = strings.Split(s, "\n")
	if lines[len(lines)-1] == "" {
		return lines[:len(lines)-1], true
	}
	return lines, false
}

func (mg merger) texts(base, mine, head string) (string, bool) {
	bl, bNL := mergeSplit(base)
	ml, mNL := mergeSplit(mine)
	hl, hNL := mergeSplit(head)
	out, clean, endsInConflict := mg.lines(bl, ml, hl)
	finalNL := hNL
	if mNL != bNL {
		finalNL = mNL
	}
	if endsInConflict {
		finalNL = true
	}
	if len(out) == 0 {
		return "", clean
	}
	var sb strings.Builder
	n := len(out)
	for _, l := range out {
		n += len(l)
	}
	sb.Grow(n)
	for i, l := range out {
		if i > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(l)
	}
	if finalNL {
		sb.WriteByte('\n')
	}
	return sb.String(), clean
}

// lines runs diff3 on lines and returns the merged lines.
func (mg merger) lines(bl, ml, hl []string) (out []string, clean, endsInConflict bool) {
	ids := make(map[string]int, len(bl)+len(bl)/4)
	bi := mergeIntern(ids, bl)
	mi := mergeIntern(ids, ml)
	hi := mergeIntern(ids, hl)
	hm := diff3Diff(bi, mi, mg.mine)
	hh := diff3Diff(bi, hi, mg.head)
	out = make([]string, 0, max(len(ml), len(hl))+8)
	clean = true
	for _, r := range diff3Regions(len(bi), hm, hh) {
		endsInConflict = false
		switch {
		case !r.mineChanged() && !r.headChanged():
			out = append(out, bl[r.b0:r.b1]...)
		case !r.mineChanged() || diff3Equal(bi[r.b0:r.b1], mi[r.m0:r.m1]):
			out = append(out, hl[r.h0:r.h1]...)
		case !r.headChanged() || diff3Equal(bi[r.b0:r.b1], hi[r.h0:r.h1]):
			out = append(out, ml[r.m0:r.m1]...)
		case diff3Equal(mi[r.m0:r.m1], hi[r.h0:r.h1]):
			out = append(out, ml[r.m0:r.m1]...)
		default:
			if words, ok := mg.wordChunk(bl[r.b0:r.b1], ml[r.m0:r.m1], hl[r.h0:r.h1], hm[r.mi0:r.mi1], hh[r.hi0:r.hi1]); ok {
				out = append(out, words...)
				continue
			}
			clean = false
			endsInConflict = true
			out = append(out, mergeMarkerMine)
			out = append(out, ml[r.m0:r.m1]...)
			out = append(out, mergeMarkerBase)
			out = append(out, bl[r.b0:r.b1]...)
			out = append(out, mergeMarkerSep)
			out = append(out, hl[r.h0:r.h1]...)
			out = append(out, mergeMarkerHead)
		}
	}
	return out, clean, endsInConflict
}

// wordChunk tries to resolve a chunk changed differently by both sides
// word by word. It succeeds only when both sides replaced lines one-for-one
// and every line merges without overlap at token level.
func (mg merger) wordChunk(bl, ml, hl []string, hm, hh []diff3Hunk) ([]string, bool) {
	if len(bl) == 0 || len(ml) != len(bl) || len(hl) != len(bl) {
		return nil, false
	}
	for _, hs := range [2][]diff3Hunk{hm, hh} {
		for _, h := range hs {
			if h.b1-h.b0 != h.o1-h.o0 {
				return nil, false
			}
		}
	}
	out := make([]string, len(bl))
	for i := range bl {
		switch {
		case ml[i] == hl[i] || hl[i] == bl[i]:
			out[i] = ml[i]
		case ml[i] == bl[i]:
			out[i] = hl[i]
		default:
			s, ok := mg.wordLine(bl[i], ml[i], hl[i])
			if !ok {
				return nil, false
			}
			out[i] = s
		}
	}
	return out, true
}

// wordLine runs diff3 on the tokens of one line changed by both sides.
func (mg merger) wordLine(b, m, h string) (string, bool) {
	bt, mt, ht := mergeTokens(b), mergeTokens(m), mergeTokens(h)
	ids := make(map[string]int, len(bt)+8)
	bi, mi, hi := mergeIntern(ids, bt), mergeIntern(ids, mt), mergeIntern(ids, ht)
	hm := diff3Diff(bi, mi, mg.mine)
	hh := diff3Diff(bi, hi, mg.head)
	if !mergeSimilar(bt, hm) || !mergeSimilar(bt, hh) {
		return "", false
	}
	var sb strings.Builder
	sb.Grow(len(m) + len(h))
	for _, r := range diff3Regions(len(bi), hm, hh) {
		var toks []string
		switch {
		case !r.mineChanged() && !r.headChanged():
			toks = bt[r.b0:r.b1]
		case !r.mineChanged():
			toks = ht[r.h0:r.h1]
		case !r.headChanged() || diff3Equal(mi[r.m0:r.m1], hi[r.h0:r.h1]):
			toks = mt[r.m0:r.m1]
		default:
			return "", false
		}
		for _, t := range toks {
			sb.WriteString(t)
		}
	}
	return sb.String(), true
}

// mergeSimilar reports whether a side's token diff keeps at least half of the
// base line's words (non-space tokens), i.e. the line was edited rather than
// replaced by a different one.
func mergeSimilar(bt []string, hunks []diff3Hunk) bool {
	words, changed := 0, 0
	for _, t := range bt {
		if !mergeIsSpace(t) {
			words++
		}
	}
	for _, h := range hunks {
		for _, t := range bt[h.b0:h.b1] {
			if !mergeIsSpace(t) {
				changed++
			}
		}
	}
	return 2*(words-changed) >= words
}

func mergeIsSpace(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return unicode.IsSpace(r)
}

// mergeTokens splits a line into words (letters, digits and combining marks),
// runs of white space, and single other characters (punctuation).
func mergeTokens(s string) []string {
	toks := make([]string, 0, len(s)/3+1)
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		j := i + w
		var class func(rune) bool
		switch {
		case textkit.IsWordRune(r):
			class = textkit.IsWordRune
		case unicode.IsSpace(r):
			class = unicode.IsSpace
		}
		if class != nil {
			for j < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				if !class(r2) {
					break
				}
				j += w2
			}
		}
		toks = append(toks, s[i:j])
		i = j
	}
	return toks
}

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
