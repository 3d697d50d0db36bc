package redline

import (
	"hash/maphash"
	"slices"
	"strings"

	"policydesk/drafts/outline"
	"policydesk/drafts/textdiff"
)

// alignment pairs segments of a (index i) with segments of b (index j).
type alignment struct {
	*outline.Alignment
	moved []bool // moved[j]: b's j is paired out of order
}

// sameLines is the share of identical lines that makes an article at (or
// within two of) its expected position the same article outright; line
// sets are far cheaper than word pairs.
const sameLines = 0.5

// fullCompare is how many comparisons (|unmatched a| × |unmatched b|) are
// made to look for similar articles beyond the window when few are left.
const fullCompare = 4096

// align pairs the preambles, then articles by ID, by identical text apart
// from the number, by the lines of the article at the expected position,
// and by similar text (see outline.Alignment.Align). Every comparison of
// two sets is charged to bud; one it cannot pay for counts as dissimilar
// (the two stay a deletion and an insertion) and is recorded as a cut.
func align(a, b string, sa, sb []segment, bud *textdiff.Budget) *alignment {
	al := &alignment{Alignment: outline.NewAlignment(len(sa), len(sb))}
	if len(sa) > 0 && len(sb) > 0 && sa[0].pre && sb[0].pre {
		al.Pair(0, 0)
	}
	spend := func(steps int) bool {
		if bud.Spend(steps) {
			return true
		}
		if bud.Err() == nil {
			bud.Cut()
		}
		return false
	}
	text := func(body string, segs []segment) func(int) (outline.Key, bool) {
		return func(k int) (outline.Key, bool) { return segs[k].keyParts(body), true }
	}
	shingles := func(body string, segs []segment) func(int) []uint64 {
		return outline.Lazy(len(segs), func(k int) []uint64 {
			p := segs[k].keyParts(body)
			return outline.Shingles(p[0], p[1])
		})
	}
	seed := maphash.MakeSeed()
	lines := func(body string, segs []segment) func(int) []uint64 {
		return outline.Lazy(len(segs), func(k int) []uint64 { return lineSet(seed, segs[k].keyParts(body)) })
	}
	linesA, linesB := lines(a, sa), lines(b, sb)
	setA, setB := shingles(a, sa), shingles(b, sb)
	// Division headings pair only with division headings, first: by title,
	// then by number, then by similar text.
	al.Align(outline.Rules{
		InA:        func(i int) bool { return sa[i].div },
		InB:        func(j int) bool { return sb[j].div },
		Keys:       []outline.Keys{byDivision(sa, sb, divisionTitle), byDivision(sa, sb, divisionNumber)},
		SetA:       setA,
		SetB:       setB,
		Exhaustive: fullCompare,
		Spend:      spend,
	})
	al.Align(outline.Rules{
		InA:  func(i int) bool { return !sa[i].pre && !sa[i].div },
		InB:  func(j int) bool { return !sb[j].pre && !sb[j].div },
		Keys: []outline.Keys{byID(sa, sb), {A: text(a, sa), B: text(b, sb)}},
		Near: []int{0, 1, -1, 2, -2},
		Same: func(i, j int) bool {
			_, ok := outline.Similar(linesB(j), linesA(i), sameLines, spend)
			return ok
		},
		SetA:       setA,
		SetB:       setB,
		Exhaustive: fullCompare,
		Spend:      spend,
	})
	al.moved = al.Moved(func(j int) bool { return !sb[j].pre })
	return al
}

// byID pairs articles by their stored identity. Should a's outline repeat
// an ID, only its first article carries it.
func byID(sa, sb []segment) outline.Keys {
	first := make(map[string]int, len(sa))
	for i, s := range sa {
		if _, dup := first[s.id]; s.id != "" && !dup {
			first[s.id] = i
		}
	}
	return outline.Keys{
		A: func(i int) (outline.Key, bool) { return outline.Key{sa[i].id}, sa[i].id != "" && first[sa[i].id] == i },
		B: func(j int) (outline.Key, bool) { return outline.Key{sb[j].id}, sb[j].id != "" },
	}
}

// byDivision pairs division headings by a key of theirs; one without the
// key is left to the later steps.
func byDivision(sa, sb []segment, key func(segment) (outline.Key, bool)) outline.Keys {
	return outline.Keys{
		A: func(i int) (outline.Key, bool) { return key(sa[i]) },
		B: func(j int) (outline.Key, bool) { return key(sb[j]) },
	}
}

// divisionTitle is a heading's title, ignoring case and spacing:
// "KAPITULLI III – Dispozitat kalimtare" is the same chapter as
// "KAPITULLI IV – DISPOZITAT KALIMTARE".
func divisionTitle(s segment) (outline.Key, bool) {
	t := strings.Join(strings.Fields(strings.ToLower(s.title)), " ")
	return outline.Key{t}, t != ""
}

// divisionNumber is the heading's word and number, "kapitulli III", for a
// chapter whose title changed.
func divisionNumber(s segment) (outline.Key, bool) {
	word, _, _ := strings.Cut(s.heading, " ")
	return outline.Key{strings.ToLower(word), strings.ToUpper(s.num)}, true
}

// lineSet returns the sorted distinct hashes of the non-blank lines of the
// parts (the text before and after the heading number).
func lineSet(seed maphash.Seed, parts [2]string) []uint64 {
	set := []uint64{} // non-nil even when empty: outline.Lazy reads nil as "not yet made"
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
