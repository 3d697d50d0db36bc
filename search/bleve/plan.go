package bleve

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum/levenshtein"
	lru "github.com/hashicorp/golang-lru/v2"

	"policydesk/search"
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
	// last word, else its edit distance (1 or 2); boosts weigh them in
	// scores: 1 for a completion or one typo, 1/2 for two.
	typos  []uint8
	boosts []float64
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
}

// mark reports whether a folded text word is one the query matched.
func (p *plan) mark(folded []byte) bool {
	if p.markWords[string(folded)] {
		return true
	}
	for _, pre := range p.markPrefixes {
		if len(folded) >= len(pre) && string(folded[:len(pre)]) == pre {
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

// counts is what the bitmaps tell: entries matching the query, how many
// match with 0, 1, 2... typos in all (buckets), and per "facet=value"
// keyword the matching entries that carry it.
type counts struct {
	total   uint64
	buckets []uint64
	facets  map[string]uint64
}

// newPlan resolves q on snap.
func newPlan(snap *scorch.IndexSnapshot, q search.Query, terms []search.Term) (*plan, error) {
	p := &plan{markWords: map[string]bool{}}
	for field, v := range map[string]string{fKind: q.Kind, fStatus: q.Status, fLanguage: q.Language} {
		if v != "" {
			p.filters = append(p.filters, []fieldTerm{{field, v}})
		}
	}
	if q.Year != 0 {
		p.filters = append(p.filters, []fieldTerm{{fYear, strconv.Itoa(q.Year)}})
	}
	if !q.All {
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
	seenWords := map[string]bool{}
	for _, t := range terms {
		// A word typed twice adds nothing: the earlier one is never the
		// prefix (only the last word is), so it matches no more.
		if seenWords[t.Variants[0]] {
			continue
		}
		seenWords[t.Variants[0]] = true
		if len(p.words) == maxQueryWords {
			break
		}
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
		for _, v := range t.Variants {
			n := utf8.RuneCountInString(v)
			if typos := search.Typos(n); typos > 0 && n <= maxTypoRunes {
				vr := []rune(v)
				err := typoTerms(snap, fAll, v, typos, func(term string) {
					other(fAll, term, max(1, editDistance([]rune(term), vr)))
				})
				if err != nil {
					return nil, fmt.Errorf("expand %q: %w", v, err)
				}
			}
			switch {
			case !t.Prefix || n < minPrefixRunes:
			case n <= maxPrefixIndexed:
				other(fPrefixes, v, 0)
			default:
				fd, err := snap.FieldDictPrefix(fAll, []byte(v))
				if err != nil {
					return nil, fmt.Errorf("expand %q: %w", v, err)
				}
				if err := eachTerm(fd, func(term string) { other(fAll, term, 0) }); err != nil {
					return nil, fmt.Errorf("expand %q: %w", v, err)
				}
			}
		}
		w.sortOthers()
		p.words = append(p.words, w)
		for _, ft := range w.exact {
			p.markWords[ft.term] = true
			p.scoring = append(p.scoring, scoreTerm{ft, exactBoost, 0},
				scoreTerm{fieldTerm{fTitle, ft.term}, titleBoost, 0})
		}
		for i, ft := range w.others {
			if ft.field == fPrefixes {
				p.markPrefixes = append(p.markPrefixes, ft.term)
			} else {
				p.markWords[ft.term] = true
			}
			p.scoring = append(p.scoring, scoreTerm{ft, w.boosts[i], w.typos[i]})
		}
	}
	return p, nil
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

// maxQueryWords is the number of distinct query words considered, as in
// Meilisearch: a pasted paragraph costs no more than ten words.
const maxQueryWords = 10

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

// segState is one segment's part of a query: the entries that match, by
// their number of typos, and the postings lists of the scoring terms.
type segState struct {
	ss           *scorch.SegmentSnapshot
	buckets      []*roaring.Bitmap      // [t]: the entries matching with t typos
	scoring      []segment.PostingsList // parallel to plan.scoring; nil where absent
	segmentCount uint64
}

// stats are snapshot-wide figures for scoring: the live entries the
// caller may read and, per scoring term, those of them holding it. Counting
// only what the caller reads keeps hidden entries out of the scores: a word
// added to or removed from a document the caller cannot read changes
// nothing in their ranking.
type stats struct {
	docs uint64
	df   []uint64
}

// evaluate counts the plan's matches segment by segment from postings
// bitmaps and keeps, for the segments with matches, what ranking needs.
// facetTerms are the "facet=value" keywords to count.
func (p *plan) evaluate(ctx context.Context, snap *scorch.IndexSnapshot, facetTerms []string) (counts, []*segState, stats, error) {
	c := counts{facets: make(map[string]uint64, len(facetTerms))}
	st := stats{df: make([]uint64, len(p.scoring))}
	var segs []*segState
	for _, ss := range snap.Segments() {
		if err := ctx.Err(); err != nil {
			return c, nil, st, err
		}
		if p.none {
			continue
		}
		seg := &segmentPostings{seg: ss.Segment(), deleted: ss.Deleted(), dicts: map[string]segment.TermDictionary{},
			lists: map[fieldTerm]segment.PostingsList{}}
		// readable: the live entries the caller may read.
		readable := roaring.New()
		readable.AddRange(0, ss.Segment().Count())
		if del := ss.Deleted(); del != nil {
			readable.AndNot(del)
		}
		if p.access != nil {
			b, err := seg.or(p.access)
			if err != nil {
				return c, nil, st, err
			}
			readable.And(b)
		}
		readableCount := readable.GetCardinality()
		st.docs += readableCount
		// hidden: some live entries are not readable, so a term's count
		// must be taken on the readable ones.
		hidden := readableCount != ss.Count()
		cand := readable.Clone()
		for _, f := range p.filters {
			b, err := seg.or(f)
			if err != nil {
				return c, nil, st, err
			}
			cand.And(b)
		}
		// buckets[t] holds the entries whose words match with t typos in
		// all, each word counting its closest match: as typed or
		// completed (0), one typo (1), two (2).
		buckets := []*roaring.Bitmap{cand}
		for _, w := range p.words {
			var byTypos [3]*roaring.Bitmap
			for t := range byTypos {
				byTypos[t] = roaring.New()
			}
			if err := seg.orTerms(byTypos[0], w.exact); err != nil {
				return c, nil, st, err
			}
			for i, ft := range w.others {
				if err := seg.orInto(byTypos[w.typos[i]], ft); err != nil {
					return c, nil, st, err
				}
			}
			byTypos[1].AndNot(byTypos[0])
			byTypos[2].AndNot(byTypos[0])
			byTypos[2].AndNot(byTypos[1])
			next := make([]*roaring.Bitmap, len(buckets)+2)
			matched := false
			for t, b := range buckets {
				for d, words := range byTypos {
					if b == nil || words.IsEmpty() {
						continue
					}
					x := roaring.And(b, words)
					if x.IsEmpty() {
						continue
					}
					matched = true
					if next[t+d] == nil {
						next[t+d] = x
					} else {
						next[t+d].Or(x)
					}
				}
			}
			buckets = next
			if !matched {
				break // no entry of this segment has every word
			}
		}
		cand = roaring.New()
		for t, b := range buckets {
			if b == nil {
				buckets[t] = roaring.New()
				continue
			}
			cand.Or(b)
		}
		state := &segState{ss: ss, buckets: buckets, segmentCount: ss.Segment().Count(),
			scoring: make([]segment.PostingsList, len(p.scoring))}
		var scratch *roaring.Bitmap
		for i, t := range p.scoring {
			pl, err := seg.list(t.fieldTerm)
			if err != nil {
				return c, nil, st, err
			}
			n := pl.Count()
			if n > 0 && hidden {
				if scratch == nil {
					scratch = roaring.New()
				}
				scratch.Clear()
				if err := orPostings(scratch, pl); err != nil {
					return c, nil, st, fmt.Errorf("postings %s:%s: %w", t.field, t.term, err)
				}
				n = scratch.AndCardinality(readable)
			}
			if n > 0 {
				st.df[i] += n
				state.scoring[i] = pl
			}
		}
		n := cand.GetCardinality()
		if n == 0 {
			continue
		}
		c.total += n
		for t, b := range buckets {
			for len(c.buckets) <= t {
				c.buckets = append(c.buckets, 0)
			}
			c.buckets[t] += b.GetCardinality()
		}
		segs = append(segs, state)
		for _, t := range facetTerms {
			b, err := seg.bitmap(fieldTerm{fFacets, t})
			if err != nil {
				return c, nil, st, err
			}
			if n := cand.AndCardinality(b); n > 0 {
				c.facets[t] += n
			}
		}
	}
	return c, segs, st, nil
}

// segmentPostings reads postings lists from one segment, each once.
// Lists leave out the deleted entries (in their counts and iteration, not
// in OrInto), so that document frequencies, and so scores, do not change
// when the merger purges deleted entries.
type segmentPostings struct {
	seg     segment.Segment
	deleted *roaring.Bitmap
	dicts   map[string]segment.TermDictionary
	lists   map[fieldTerm]segment.PostingsList
}

// bitmapper is implemented by zap postings lists: the postings as a bitmap
// without iterating them.
type bitmapper interface{ OrInto(*roaring.Bitmap) }

func (s *segmentPostings) list(ft fieldTerm) (segment.PostingsList, error) {
	if pl, ok := s.lists[ft]; ok {
		return pl, nil
	}
	d, ok := s.dicts[ft.field]
	if !ok {
		var err error
		if d, err = s.seg.Dictionary(ft.field); err != nil {
			return nil, fmt.Errorf("dictionary %s: %w", ft.field, err)
		}
		s.dicts[ft.field] = d
	}
	pl, err := d.PostingsList([]byte(ft.term), s.deleted, nil)
	if err != nil {
		return nil, fmt.Errorf("postings %s:%s: %w", ft.field, ft.term, err)
	}
	s.lists[ft] = pl
	return pl, nil
}

func (s *segmentPostings) bitmap(ft fieldTerm) (*roaring.Bitmap, error) {
	b := roaring.New()
	return b, s.orInto(b, ft)
}

func (s *segmentPostings) or(terms []fieldTerm) (*roaring.Bitmap, error) {
	b := roaring.New()
	return b, s.orTerms(b, terms)
}

func (s *segmentPostings) orTerms(b *roaring.Bitmap, terms []fieldTerm) error {
	for _, ft := range terms {
		if err := s.orInto(b, ft); err != nil {
			return err
		}
	}
	return nil
}

func (s *segmentPostings) orInto(b *roaring.Bitmap, ft fieldTerm) error {
	pl, err := s.list(ft)
	if err != nil {
		return err
	}
	if err := orPostings(b, pl); err != nil {
		return fmt.Errorf("postings %s:%s: %w", ft.field, ft.term, err)
	}
	return nil
}

// orPostings adds the entries of pl to b.
func orPostings(b *roaring.Bitmap, pl segment.PostingsList) error {
	if bm, ok := pl.(bitmapper); ok {
		bm.OrInto(b)
		return nil
	}
	it := pl.Iterator(false, false, false, nil)
	for {
		p, err := it.Next()
		if err != nil {
			return err
		}
		if p == nil {
			return nil
		}
		b.Add(uint32(p.Number()))
	}
}

// facetTerms lists the "facet=value" keywords of the snapshot.
func facetTerms(snap *scorch.IndexSnapshot) ([]string, error) {
	fd, err := snap.FieldDict(fFacets)
	if err != nil {
		return nil, fmt.Errorf("facet values: %w", err)
	}
	var out []string
	err = eachTerm(fd, func(t string) { out = append(out, t) })
	return out, err
}
