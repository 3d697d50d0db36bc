package bleve

import (
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"policydesk/search"
)

// Synonyms natively: a query word (or phrase) that is a term of a synonym
// group becomes one plan word whose matches are its own and, without
// typos, those of every other term of the group: a one-word term as that
// index term, a phrase as an entry holding all of its words.

// synonymWord resolves the query words terms, equal to a group's term, with
// the group's other terms alts.
func synonymWord(snap *scorch.IndexSnapshot, terms []search.Term, alts [][]string) (word, error) {
	var w word
	if len(terms) == 1 {
		var err error
		if w, err = resolveWord(snap, terms[0]); err != nil {
			return word{}, err
		}
	} else {
		typed := make([]string, len(terms))
		for i, t := range terms {
			typed[i] = t.Variants[0]
		}
		alts = append([][]string{typed}, alts...)
	}
	for _, a := range alts {
		conj := make([]fieldTerm, len(a))
		for i, term := range a {
			conj[i] = fieldTerm{fAll, term}
		}
		w.alts = append(w.alts, conj)
	}
	return w, nil
}

// spanAt returns the synonym span that starts at query word i, if any.
func spanAt(spans []search.Span, i int) (search.Span, bool) {
	for _, sp := range spans {
		if sp.Start == i {
			return sp, true
		}
	}
	return search.Span{}, false
}

// firstVariants are the folded query words, as synonyms match them.
func firstVariants(terms []search.Term) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = t.Variants[0]
	}
	return out
}

// spanKey identifies a synonym span among the plan's words.
func spanKey(words []string) string { return "\x00" + strings.Join(words, " ") }

// orAlts adds to b the entries holding every term of one of alts.
func (s *segmentPostings) orAlts(b *roaring.Bitmap, alts [][]fieldTerm) error {
	for _, conj := range alts {
		var all *roaring.Bitmap
		for _, ft := range conj {
			x, err := s.bitmap(ft)
			if err != nil {
				return err
			}
			if all == nil {
				all = x
			} else {
				all.And(x)
			}
			if all.IsEmpty() {
				break
			}
		}
		if all != nil {
			b.Or(all)
		}
	}
	return nil
}

// addAlts makes the terms of w's synonyms score, and snippets mark them:
// the words of a phrase only when longer than two letters, so that its
// little words (of, i, o) are not marked all over a text.
func (p *plan) addAlts(w word) {
	for _, conj := range w.alts {
		for _, ft := range conj {
			if len(conj) == 1 || len([]rune(ft.term)) > 2 {
				p.markWords[ft.term] = true
			}
			p.scoring = append(p.scoring, scoreTerm{ft, exactBoost, 0})
		}
	}
}
