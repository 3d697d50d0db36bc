package merge3

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"policydesk/drafts/textkit"
)

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
