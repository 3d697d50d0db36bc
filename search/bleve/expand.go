package bleve

import (
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum/levenshtein"
	lru "github.com/hashicorp/golang-lru/v2"

	"policydesk/search"
)

// A query word matches more index terms than its folded variants: the
// words within its typo allowance, found by walking each segment's
// dictionary with a Levenshtein automaton, and, for the last word of a
// search as you type, the words it begins (their indexed prefix, or the
// dictionary's words under it when it is longer than the prefixes kept).

// expandVariant calls other with the terms of the index that the folded
// variant v of a query word matches besides itself; prefix is set for the
// last word.
func expandVariant(snap *scorch.IndexSnapshot, v string, prefix bool, other func(field, term string, typos int)) error {
	n := utf8.RuneCountInString(v)
	if typos := search.Typos(n); typos > 0 && n <= maxTypoRunes {
		vr := []rune(v)
		err := typoTerms(snap, fAll, v, typos, func(term string) {
			other(fAll, term, max(1, editDistance([]rune(term), vr)))
		})
		if err != nil {
			return err
		}
	}
	switch {
	case !prefix || n < minPrefixRunes:
	case n <= maxPrefixIndexed:
		other(fPrefixes, v, 0)
	default:
		fd, err := snap.FieldDictPrefix(fAll, []byte(v))
		if err != nil {
			return err
		}
		return eachTerm(fd, func(term string) { other(fAll, term, 0) })
	}
	return nil
}

// editDistance is the Levenshtein distance of a and b, as the typo
// automata count it.
func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// typoTerms calls f with the terms of field within typos edits of term, at
// most maxExpansions, walking each segment's dictionary with the term's
// Levenshtein automaton.
func typoTerms(snap *scorch.IndexSnapshot, field, term string, typos int, f func(string)) error {
	dfa, err := typoAutomaton(term, typos)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, ss := range snap.Segments() {
		d, err := ss.Segment().Dictionary(field)
		if err != nil {
			return fmt.Errorf("dictionary %s: %w", field, err)
		}
		var it segment.DictionaryIterator
		if oc, ok := d.(omitCounter); ok {
			it = oc.AutomatonIteratorOmitCount(dfa, nil, nil)
		} else {
			it = d.AutomatonIterator(dfa, nil, nil)
		}
		for {
			e, err := it.Next()
			if err != nil {
				return err
			}
			if e == nil {
				break
			}
			if !seen[e.Term] {
				if len(seen) == maxExpansions {
					return nil
				}
				seen[e.Term] = true
				f(e.Term)
			}
		}
	}
	return nil
}

// omitCounter is implemented by zap dictionaries: an iterator that does
// not read each term's postings to count them.
type omitCounter interface {
	AutomatonIteratorOmitCount(a segment.Automaton, start, end []byte) segment.DictionaryIterator
}

// maxTypoRunes is the longest query word that tolerates typos: the typo
// automaton grows with the word (some 32 KiB and 0.1 ms a letter for two
// typos), and no Albanian, Serbian or English word is longer; a longer
// string of letters (a code, a pasted run) matches exactly or as a prefix.
const maxTypoRunes = 24

// automata caches the two-typo automata of query words of up to
// maxCachedRunes letters: building one takes about 0.4 ms, and the same
// words come back query after query, since every keystroke of
// search-as-you-type repeats the words before the last. One-typo automata
// take a sixth of the time and are not kept. At most 32 × 450 KiB.
const maxCachedRunes = 14

var automata = func() *lru.Cache[automatonKey, *levenshtein.DFA] {
	c, err := lru.New[automatonKey, *levenshtein.DFA](32)
	if err != nil {
		panic(err)
	}
	return c
}()

type automatonKey struct {
	term  string
	typos int
}

// levBuilders build the automata for one and two typos; each is costly to
// make and safe to share.
var levBuilders = sync.OnceValues(func() ([3]*levenshtein.LevenshteinAutomatonBuilder, error) {
	var b [3]*levenshtein.LevenshteinAutomatonBuilder
	for typos := 1; typos <= 2; typos++ {
		lb, err := levenshtein.NewLevenshteinAutomatonBuilder(uint8(typos), false)
		if err != nil {
			return b, fmt.Errorf("typo automaton builder: %w", err)
		}
		b[typos] = lb
	}
	return b, nil
})

func typoAutomaton(term string, typos int) (*levenshtein.DFA, error) {
	key := automatonKey{term, typos}
	if dfa, ok := automata.Get(key); ok {
		return dfa, nil
	}
	if typos < 1 || typos > 2 {
		return nil, fmt.Errorf("typo automaton: %d typos", typos)
	}
	b, err := levBuilders()
	if err != nil {
		return nil, err
	}
	dfa, err := b[typos].BuildDfa(term, uint8(typos))
	if err != nil {
		return nil, fmt.Errorf("typo automaton for %q: %w", term, err)
	}
	if typos == 2 && utf8.RuneCountInString(term) <= maxCachedRunes {
		automata.Add(key, dfa)
	}
	return dfa, nil
}

// eachTerm calls f with the dictionary's terms, at most maxExpansions.
func eachTerm(fd index.FieldDict, f func(string)) error {
	defer fd.Close()
	for range maxExpansions {
		e, err := fd.Next()
		if err != nil || e == nil {
			return err
		}
		f(e.Term)
	}
	return nil
}
