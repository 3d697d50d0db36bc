package merge3

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"policydesk/drafts/textdiff"
)

// Conflict markers written by Merge around a chunk that both sides changed
// differently (git's "diff3" conflict style). Each marker is on a line of its
// own; the base section is always present, even when it is empty (a pure
// insertion by both sides).
const (
	mergeMarkerMine = "<<<<<<< your version"
	mergeMarkerBase = "||||||| base"
	mergeMarkerSep  = "======="
	mergeMarkerHead = ">>>>>>> saved version"
)

// Merge merges two edits of the same document: mine (the version being saved)
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
// A clean merge (clean == true) contains no markers. Merge(b, m, b),
// Merge(b, b, h) and Merge(b, x, x) return m, h and x (after CRLF
// normalisation) with clean == true.
//
// The diffs are Myers diffs (textdiff) with a work budget counted in steps,
// Budget for each side, so the result never depends on timing and any
// input up to the body limit merges in well under a second. Where a side's
// budget runs out, the region it was diffing counts as rewritten by that
// side: it is taken from that side when the other left it alone, and
// otherwise becomes one conflict holding both sides, so nothing is lost.
func Merge(base, mine, head string) (merged string, clean bool) {
	merged, clean, _ = MergeContext(context.Background(), base, mine, head)
	return merged, clean
}

// Budget is the work, in textdiff steps, that each side's diffs may do
// in one merge: some 70 ms on one core. Real edits need far less, since
// lines found on one side only are set aside before the diff (a 60,000-word
// document edited in three places takes 4,000 steps).
const Budget = 20_000_000

// MergeContext is Merge that gives up, returning ctx's error, once ctx
// ends: a client that left does not keep a merge running.
func MergeContext(ctx context.Context, base, mine, head string) (merged string, clean bool, err error) {
	m, err := SplitContext(ctx, base, mine, head)
	if err != nil {
		return "", false, err
	}
	return m.Text(), m.Clean(), nil
}

// SplitContext is MergeContext that returns the merge in parts, so that
// each conflict can be settled on its own (Merged.Settle); its Text is
// what MergeContext returns.
func SplitContext(ctx context.Context, base, mine, head string) (*Merged, error) {
	base = mergeNormalize(base)
	mine = mergeNormalize(mine)
	head = mergeNormalize(head)
	switch {
	case mine == head:
		return whole(mine), nil
	case base == mine:
		return whole(head), nil
	case base == head:
		return whole(mine), nil
	}
	m := merger{textdiff.NewBudget(ctx, Budget), textdiff.NewBudget(ctx, Budget)}
	merged := m.split(base, mine, head)
	if err := cmp.Or(m.mine.Err(), m.head.Err()); err != nil {
		return nil, err
	}
	return merged, nil
}

// merger holds one budget per side, so that the merge of (base, mine, head)
// and of (base, head, mine) spend alike and agree.
type merger struct{ mine, head *textdiff.Budget }

// mergeTexts is Merge without the shortcuts for identical inputs.
func mergeTexts(base, mine, head string) (string, bool) {
	m := merger{textdiff.NewBudget(nil, Budget), textdiff.NewBudget(nil, Budget)}
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
	m := mg.split(base, mine, head)
	return m.Text(), m.Clean()
}

// split runs diff3 on the lines of three normalised texts.
func (mg merger) split(base, mine, head string) *Merged {
	bl, bNL := mergeSplit(base)
	ml, mNL := mergeSplit(mine)
	hl, hNL := mergeSplit(head)
	finalNL := hNL
	if mNL != bNL {
		finalNL = mNL
	}
	return &Merged{Parts: mg.lines(bl, ml, hl), FinalNewline: finalNL}
}

// lines runs diff3 on lines and returns the merge's parts.
func (mg merger) lines(bl, ml, hl []string) []Part {
	ids := make(map[string]int, len(bl)+len(bl)/4)
	bi := mergeIntern(ids, bl)
	mi := mergeIntern(ids, ml)
	hi := mergeIntern(ids, hl)
	hm := diff3Diff(bi, mi, mg.mine)
	hh := diff3Diff(bi, hi, mg.head)
	var parts []Part
	agreed := func(ls ...string) {
		if n := len(parts); n > 0 && !parts[n-1].Conflict {
			parts[n-1].Lines = append(parts[n-1].Lines, ls...)
			return
		}
		parts = append(parts, Part{Lines: slices.Clone(ls)})
	}
	for _, r := range diff3Regions(len(bi), hm, hh) {
		switch {
		case !r.mineChanged() && !r.headChanged():
			agreed(bl[r.b0:r.b1]...)
		case !r.mineChanged() || diff3Equal(bi[r.b0:r.b1], mi[r.m0:r.m1]):
			agreed(hl[r.h0:r.h1]...)
		case !r.headChanged() || diff3Equal(bi[r.b0:r.b1], hi[r.h0:r.h1]):
			agreed(ml[r.m0:r.m1]...)
		case diff3Equal(mi[r.m0:r.m1], hi[r.h0:r.h1]):
			agreed(ml[r.m0:r.m1]...)
		default:
			if words, ok := mg.wordChunk(bl[r.b0:r.b1], ml[r.m0:r.m1], hl[r.h0:r.h1], hm[r.mi0:r.mi1], hh[r.hi0:r.hi1]); ok {
				agreed(words...)
				continue
			}
			parts = append(parts, Part{Conflict: true, Mine: ml[r.m0:r.m1], Base: bl[r.b0:r.b1], Head: hl[r.h0:r.h1]})
		}
	}
	return parts
}
