package outline

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"policydesk/drafts/textkit"
)

// Shingles returns the sorted distinct hashes of the pairs of adjacent
// lowercased words of the given parts, read as one text (the first word
// counts alone too). Word pairs rather than single words measure
// similarity: articles written in one register share most of their
// vocabulary (generated ones up to 0.9 word-set Jaccard) but few word
// pairs (under 0.4), while an edited article keeps most of its pairs.
// Hashes keep the sets small and make Jaccard a linear merge.
func Shingles(parts ...string) []uint64 {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	sh := shingler{set: make([]uint64, 0, n/6+1)}
	for _, s := range parts {
		mark, prev := len(sh.set), sh.prev
		if !sh.add(s, true) {
			// "ë" typed decomposed is the same word: start the part again
			// in NFC.
			sh.set, sh.prev = sh.set[:mark], prev
			sh.add(norm.NFC.String(s), false)
		}
	}
	slices.Sort(sh.set)
	return slices.Compact(sh.set) // non-nil even when empty: Lazy reads nil as "not yet made"
}

// shingler hashes words (FNV-1a of their lowercased runes) and emits each
// with the one before it.
type shingler struct {
	set  []uint64
	prev uint64 // the previous word's hash
}

// add adds the word pairs of s. When checkNFC, it stops and returns false
// at the first rune that is not nfcFast if s is not in NFC after all (a
// check that costs nothing on drafts, which hardly ever hold such runes).
func (sh *shingler) add(s string, checkNFC bool) bool {
	const offset, prime = 14695981039346656037, 1099511628211
	set, prev := sh.set, sh.prev
	emit := func(h uint64) {
		set = append(set, (prev*prime)^h)
		prev = h
	}
	h, inWord := uint64(offset), false
	for i := 0; i < len(s); {
		// ASCII fast path: most of an Albanian draft is ASCII.
		if c := s[i]; c < utf8.RuneSelf {
			i++
			if 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' {
				h, inWord = (h^uint64(c|0x20))*prime, true
				continue
			}
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size
			if checkNFC && (int(r) >= len(nfcFast) || !nfcFast[r]) {
				if !norm.NFC.IsNormalString(s) {
					sh.set, sh.prev = set, prev
					return false
				}
				checkNFC = false
			}
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
	sh.set, sh.prev = set, prev
	return true
}

// nfcFast marks the runes below U+0530 that are in NFC alone and never
// combine with the rune before them: the Latin, Greek and Cyrillic letters
// and signs, not the combining marks. A text of ASCII and such runes is in
// NFC, which shingler.add tells as it goes, for a fraction of norm's cost;
// drafts are such texts.
var nfcFast = func() (fast [0x530]bool) {
	for r := range fast {
		s := string(rune(r))
		p := norm.NFC.PropertiesString(s)
		fast[r] = p.BoundaryBefore() && p.CCC() == 0 && norm.NFC.IsNormalString(s)
	}
	return fast
}()

// Jaccard is the similarity |a∩b| / |a∪b| of two sorted sets of distinct
// hashes; 0 when either is empty.
func Jaccard(a, b []uint64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// Similar returns the Jaccard index of x and y and whether it is at least
// min. Sets whose sizes alone rule that out (the index is at most the ratio
// of the sizes) cost nothing; any other comparison is first charged to
// spend, 1+|x|+|y| steps, and one spend refuses counts as dissimilar. A nil
// spend is free.
func Similar(x, y []uint64, min float64, spend func(steps int) bool) (float64, bool) {
	if small, large := float64(len(x)), float64(len(y)); small > large && small*min > large ||
		small < large && large*min > small {
		return 0, false
	}
	if spend != nil && !spend(1+len(x)+len(y)) {
		return 0, false
	}
	s := Jaccard(x, y)
	return s, s >= min
}

// Lazy returns set(i) for i in [0,n), computing each at most once: most
// articles are paired before their sets are needed.
func Lazy(n int, set func(i int) []uint64) func(i int) []uint64 {
	sets := make([][]uint64, n)
	return func(i int) []uint64 {
		if sets[i] == nil {
			sets[i] = set(i)
		}
		return sets[i]
	}
}
