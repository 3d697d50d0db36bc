package search

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"policydesk/search/stem"
)

// A snippet marks the words of a text that match the query: a text word
// matches a query term when their folded forms are equal, when it starts
// with the last term (search as you type), or when it is within the term's
// typo allowance (Damerau–Levenshtein, see Typos).

// WordMatcher reports whether a text word, folded (see FoldVariants),
// matches the query; the slice is valid only during the call. An engine
// that has resolved the query words to its index terms matches with those,
// so that the marks agree with its hits.
type WordMatcher func(folded []byte) bool

// matcher tells which text words match a query's terms, reusing its
// buffers from word to word: a snippet tests every word of the text.
type matcher struct {
	terms   []matchTerm
	stems   []langStem
	word    []rune
	scratch []int
}

type matchTerm struct {
	s      string
	r      []rune
	typos  int
	prefix bool
}

// langStem is a stem of a query word in one language.
type langStem struct{ lang, stem string }

// newMatcher matches the terms; lang, when one of stem.Languages, limits
// the other forms it marks to those of that language.
func newMatcher(terms []Term, lang string) *matcher {
	langs := stem.Languages
	if slices.Contains(langs, lang) {
		langs = []string{lang}
	}
	m := &matcher{}
	for _, t := range terms {
		for _, v := range t.Variants {
			for _, lang := range langs {
				if s := stem.Stem(lang, v); len(s) >= 2 && !slices.Contains(m.stems, langStem{lang, s}) {
					m.stems = append(m.stems, langStem{lang, s})
				}
			}
			r := []rune(v)
			m.terms = append(m.terms, matchTerm{s: v, r: r, typos: Typos(len(r)), prefix: t.Prefix})
		}
	}
	return m
}

// matchesWord reports whether match accepts one of the word's folded forms
// (see FoldVariants), folding into buf, which it returns for reuse.
func matchesWord(buf []byte, word []rune, match WordMatcher) ([]byte, bool) {
	for _, dj := range [...]string{"dj", "d"} {
		buf = buf[:0]
		marks, hasDj := false, false
		for _, r := range word {
			var m bool
			buf, m = appendFoldRune(buf, r, dj)
			marks = marks || m
			hasDj = hasDj || isDj(unicode.ToLower(r))
		}
		folded := buf
		if marks {
			folded = []byte(dropMarks(string(buf)))
		}
		if match(folded) {
			return buf, true
		}
		if !hasDj {
			break
		}
	}
	return buf, false
}

// matchesFolded reports whether the folded word matches one of the terms.
func (m *matcher) matchesFolded(w []byte) bool {
	n := -1
	var wr []rune
	for i := range m.terms {
		t := &m.terms[i]
		if string(w) == t.s || (t.prefix && len(w) >= len(t.s) && string(w[:len(t.s)]) == t.s) {
			return true
		}
		if t.typos == 0 {
			continue
		}
		if n < 0 {
			n = utf8.RuneCount(w)
		}
		if abs(n-len(t.r)) > t.typos {
			continue
		}
		if wr == nil {
			m.word = m.word[:0]
			for rest := w; len(rest) > 0; {
				r, size := utf8.DecodeRune(rest)
				m.word = append(m.word, r)
				rest = rest[size:]
			}
			wr = m.word
		}
		if need := 3 * (len(t.r) + 1); cap(m.scratch) < need {
			m.scratch = make([]int, need)
		}
		if distanceAtMost(wr, t.r, t.typos, m.scratch) {
			return true
		}
	}
	return m.matchesStem(w)
}

// matchesStem reports whether the folded word is another form of a query
// word: the same stem in one of the languages. A stem keeps the first two
// letters of its word, so only such words are stemmed.
func (m *matcher) matchesStem(w []byte) bool {
	for _, s := range m.stems {
		if len(w) >= 2 && w[0] == s.stem[0] && w[1] == s.stem[1] && stem.Stem(s.lang, string(w)) == s.stem {
			return true
		}
	}
	return false
}

// distanceAtMost reports whether the optimal-string-alignment
// Damerau–Levenshtein distance between a and b is at most k. scratch, if it
// holds 3*(len(b)+1) ints, saves the allocations.
func distanceAtMost(a, b []rune, k int, scratch []int) bool {
	if abs(len(a)-len(b)) > k {
		return false
	}
	w := len(b) + 1
	if cap(scratch) < 3*w {
		scratch = make([]int, 3*w)
	}
	scratch = scratch[:3*w]
	prev2, prev, cur := scratch[:w], scratch[w:2*w], scratch[2*w:]
	for j := range prev2 {
		prev2[j] = 0
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			rowMin = min(rowMin, d)
		}
		if rowMin > k {
			return false
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)] <= k
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
