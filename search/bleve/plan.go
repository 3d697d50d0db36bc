package bleve

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"policydesk/search"
	"policydesk/search/stem"
)

// A query is answered in two steps on one snapshot of the index. First the
// plan resolves every query word to the index terms it matches (its folded
// variants, their spellings within the typo allowance, the words its
// indexed prefix begins) and evaluate counts the matching entries from the
// segments' postings bitmaps: the total, the entries of each typo bucket
// and the facet counts, without visiting a single hit. Then top (rank.go)
// scores the buckets the requested page reaches, reading each scoring
// term's postings once. Bleve's own searchers cost 15-30 ms for a common
// word over 20,000 entries: its facets read every hit's doc values (about
// 0.4 µs a hit) and its searcher tree scored every typo and prefix
// alternative hit by hit.

// fieldTerm is one term of one field.
type fieldTerm struct{ field, term string }

// word is a query word resolved to index terms: exact holds its folded
// variants as typed; others the words within its typo allowance and, for
// the last word, the words it begins.
type word struct {
	exact, others []fieldTerm
	// typos counts the typos of each of others: 0 for a completion of the
	// last word, 1 for another form of the word (its stem, in a stems
	// field), else its edit distance (1 or 2); boosts weigh them in
	// scores: 1 for a completion, another form or one typo, 1/2 for two.
	typos  []uint8
	boosts []float64
	// alts are a synonym's other terms (synonyms.go), each matched as
	// an entry holding all of its terms.
	alts [][]fieldTerm
}

// plan is a query resolved against one snapshot.
type plan struct {
	words []word
	// filters must all match; each is a disjunction of terms.
	filters [][]fieldTerm
	// access is the disjunction of terms that says what the caller may
	// read (visibility:internal OR owner:<user> OR readers:<user>); nil
	// for everything. none means nothing may match.
	access []fieldTerm
	none   bool
	// scoring are the terms whose occurrences add to an entry's score.
	scoring []scoreTerm
	// words and prefixes that snippets mark: the terms of all the words
	// match whole, the indexed prefixes match a word's beginning.
	markWords    map[string]bool
	markPrefixes []string
	markStems    []langStem
}

// langStem is a stem of a query word in one language.
type langStem struct{ lang, stem string }

// markIn returns mark for a text in language lang: the other forms of
// the query words it marks are that language's.
func (p *plan) markIn(lang string) search.WordMatcher {
	return func(folded []byte) bool { return p.mark(lang, folded) }
}

// mark reports whether a folded text word is one the query matched.
func (p *plan) mark(lang string, folded []byte) bool {
	if p.markWords[string(folded)] {
		return true
	}
	for _, pre := range p.markPrefixes {
		if len(folded) >= len(pre) && string(folded[:len(pre)]) == pre {
			return true
		}
	}
	for _, s := range p.markStems {
		if s.lang != lang {
			continue
		}
		// A stem keeps the first two letters of its word: only such
		// words are worth stemming.
		if len(folded) >= 2 && folded[0] == s.stem[0] && folded[1] == s.stem[1] &&
			stem.Stem(s.lang, string(folded)) == s.stem {
			return true
		}
	}
	return false
}

// scoreTerm is a scoring term, its weight and its typos (0 for the words
// as typed and the completions of the last one).
type scoreTerm struct {
	fieldTerm
	boost float64
	typos uint8
}

// newPlan resolves q on snap.
func newPlan(snap *scorch.IndexSnapshot, q search.Query, terms []search.Term) (*plan, error) {
	p := &plan{markWords: map[string]bool{}}
	p.restrict(q)
	seenWords := map[string]bool{}
	folded := firstVariants(terms)
	spans := q.Synonyms.Match(folded)
	for i := 0; i < len(terms); i++ {
		t := terms[i]
		sp, isSyn := spanAt(spans, i)
		key := t.Variants[0]
		if isSyn {
			key = spanKey(folded[sp.Start:sp.End])
			i = sp.End - 1
		}
		// A word typed twice adds nothing: the earlier one is never the
		// prefix (only the last word is), so it matches no more.
		if seenWords[key] {
			continue
		}
		seenWords[key] = true
		if len(p.words) == maxQueryWords {
			break
		}
		var w word
		var err error
		if isSyn {
			w, err = synonymWord(snap, terms[sp.Start:sp.End], sp.Alts)
		} else {
			w, err = resolveWord(snap, t)
		}
		if err != nil {
			return nil, err
		}
		p.addWord(w)
	}
	return p, nil
}

// maxQueryWords is the number of distinct query words considered, as in
// Meilisearch: a pasted paragraph costs no more than ten words.
const maxQueryWords = 10

// restrict sets the plan's filters (kind, status, language, year) and
// the terms that say what the caller may read.
func (p *plan) restrict(q search.Query) {
	for field, v := range map[string]string{fKind: q.Kind, fStatus: q.Status, fLanguage: q.Language} {
		if v != "" {
			p.filters = append(p.filters, []fieldTerm{{field, v}})
		}
	}
	if q.Year != 0 {
		p.filters = append(p.filters, []fieldTerm{{fYear, strconv.Itoa(q.Year)}})
	}
	if q.Document != 0 {
		p.filters = append(p.filters, []fieldTerm{{fDocumentID, strconv.FormatInt(q.Document, 10)}})
	}
	if q.All {
		return
	}
	p.access = []fieldTerm{}
	if q.Internal {
		p.access = append(p.access, fieldTerm{fVisibility, "internal"})
	}
	if q.UserID != 0 {
		user := strconv.FormatInt(q.UserID, 10)
		p.access = append(p.access, fieldTerm{fReaders, user})
		if q.Owner {
			p.access = append(p.access, fieldTerm{fOwner, user})
		}
	}
	p.none = len(p.access) == 0
}

// resolveWord resolves the query word t to the index terms it matches:
// its folded variants, and what each expands to (expand.go).
func resolveWord(snap *scorch.IndexSnapshot, t search.Term) (word, error) {
	var w word
	seen := map[fieldTerm]bool{}
	for _, v := range t.Variants {
		if ft := (fieldTerm{fAll, v}); !seen[ft] {
			seen[ft] = true
			w.exact = append(w.exact, ft)
		}
	}
	other := func(field, term string, typos int) {
		if ft := (fieldTerm{field, term}); !seen[ft] {
			seen[ft] = true
			w.others = append(w.others, ft)
			w.typos = append(w.typos, uint8(typos))
			w.boosts = append(w.boosts, 1/float64(max(1, typos)))
		}
	}
	// Another form of the word counts as a typo: the forms as typed rank
	// first, and the others are scored only when a page reaches them.
	for _, v := range t.Variants {
		for _, lang := range stem.Languages {
			other(stemField(lang), stem.Stem(lang, v), stemTypos)
		}
	}
	for _, v := range t.Variants {
		if err := expandVariant(snap, v, t.Prefix, other); err != nil {
			return word{}, fmt.Errorf("expand %q: %w", v, err)
		}
	}
	w.sortOthers()
	return w, nil
}

// addWord adds w to the plan: its terms score, and snippets mark them.
func (p *plan) addWord(w word) {
	p.words = append(p.words, w)
	for _, ft := range w.exact {
		p.markWords[ft.term] = true
		p.scoring = append(p.scoring, scoreTerm{ft, exactBoost, 0},
			scoreTerm{fieldTerm{fTitle, ft.term}, titleBoost, 0})
	}
	for i, ft := range w.others {
		if lang, ok := strings.CutPrefix(ft.field, stemField("")); ok {
			if len(ft.term) >= 2 {
				p.markStems = append(p.markStems, langStem{lang, ft.term})
			}
		} else if ft.field == fPrefixes {
			p.markPrefixes = append(p.markPrefixes, ft.term)
		} else {
			p.markWords[ft.term] = true
		}
		p.scoring = append(p.scoring, scoreTerm{ft, w.boosts[i], w.typos[i]})
	}
	p.addAlts(w)
}

// sortOthers puts the word's expansions in term order. Their order is the
// order in which their weights are summed into a score, and float sums
// depend on it: found in segment order, a term that a new segment (or a
// document the caller cannot read) holds first would move the others and
// change scores in their last bits, and so the order of near-equal results.
func (w *word) sortOthers() {
	idx := make([]int, len(w.others))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := cmp.Compare(w.others[a].field, w.others[b].field); c != 0 {
			return c
		}
		return cmp.Compare(w.others[a].term, w.others[b].term)
	})
	others, typos, boosts := make([]fieldTerm, len(idx)), make([]uint8, len(idx)), make([]float64, len(idx))
	for i, j := range idx {
		others[i], typos[i], boosts[i] = w.others[j], w.typos[j], w.boosts[j]
	}
	w.others, w.typos, w.boosts = others, typos, boosts
}
