package bleve

import (
	"context"
	"fmt"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// counts is what the bitmaps tell: entries matching the query, how many
// match with 0, 1, 2... typos in all (buckets), and per "facet=value"
// keyword the matching entries that carry it.
type counts struct {
	total   uint64
	buckets []uint64
	facets  map[string]uint64
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
		state, err := p.evaluateSegment(ss, facetTerms, &c, &st)
		if err != nil {
			return c, nil, st, err
		}
		if state != nil {
			segs = append(segs, state)
		}
	}
	return c, segs, st, nil
}

// evaluateSegment adds one segment's matches to c and its readable
// entries and document frequencies to st; it returns what ranking needs
// of the segment, nil when nothing in it matches.
func (p *plan) evaluateSegment(ss *scorch.SegmentSnapshot, facetTerms []string, c *counts, st *stats) (*segState, error) {
	seg := &segmentPostings{seg: ss.Segment(), deleted: ss.Deleted(), dicts: map[string]segment.TermDictionary{},
		lists: map[fieldTerm]segment.PostingsList{}}
	readable, err := p.readable(seg, ss)
	if err != nil {
		return nil, err
	}
	readableCount := readable.GetCardinality()
	st.docs += readableCount
	cand := readable.Clone()
	for _, f := range p.filters {
		b, err := seg.or(f)
		if err != nil {
			return nil, err
		}
		cand.And(b)
	}
	buckets, err := p.typoBuckets(seg, cand)
	if err != nil {
		return nil, err
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
	// Some live entries are hidden from the caller when fewer are
	// readable: a term's count must then be taken on the readable ones.
	if err := p.scoringLists(seg, state, readable, readableCount != ss.Count(), st); err != nil {
		return nil, err
	}
	n := cand.GetCardinality()
	if n == 0 {
		return nil, nil
	}
	c.total += n
	for t, b := range buckets {
		for len(c.buckets) <= t {
			c.buckets = append(c.buckets, 0)
		}
		c.buckets[t] += b.GetCardinality()
	}
	for _, t := range facetTerms {
		b, err := seg.bitmap(fieldTerm{fFacets, t})
		if err != nil {
			return nil, err
		}
		if n := cand.AndCardinality(b); n > 0 {
			c.facets[t] += n
		}
	}
	return state, nil
}

// readable returns the live entries of the segment that the caller may read.
func (p *plan) readable(seg *segmentPostings, ss *scorch.SegmentSnapshot) (*roaring.Bitmap, error) {
	readable := roaring.New()
	readable.AddRange(0, ss.Segment().Count())
	if del := ss.Deleted(); del != nil {
		readable.AndNot(del)
	}
	if p.access != nil {
		b, err := seg.or(p.access)
		if err != nil {
			return nil, err
		}
		readable.And(b)
	}
	return readable, nil
}

// typoBuckets splits the candidates cand by the typos they match the
// words with: buckets[t] holds the entries whose words match with t typos
// in all, each word counting its closest match: as typed or completed
// (0), one typo (1), two (2). A nil bucket holds nothing.
func (p *plan) typoBuckets(seg *segmentPostings, cand *roaring.Bitmap) ([]*roaring.Bitmap, error) {
	buckets := []*roaring.Bitmap{cand}
	for _, w := range p.words {
		var byTypos [3]*roaring.Bitmap
		for t := range byTypos {
			byTypos[t] = roaring.New()
		}
		if err := seg.orTerms(byTypos[0], w.exact); err != nil {
			return nil, err
		}
		for i, ft := range w.others {
			if err := seg.orInto(byTypos[w.typos[i]], ft); err != nil {
				return nil, err
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
	return buckets, nil
}

// scoringLists keeps in state the postings lists of the scoring terms the
// segment holds and adds their readable entries to st's document
// frequencies; when hidden is set, some live entries are not readable.
func (p *plan) scoringLists(seg *segmentPostings, state *segState, readable *roaring.Bitmap, hidden bool, st *stats) error {
	var scratch *roaring.Bitmap
	for i, t := range p.scoring {
		pl, err := seg.list(t.fieldTerm)
		if err != nil {
			return err
		}
		n := pl.Count()
		if n > 0 && hidden {
			if scratch == nil {
				scratch = roaring.New()
			}
			scratch.Clear()
			if err := orPostings(scratch, pl); err != nil {
				return fmt.Errorf("postings %s:%s: %w", t.field, t.term, err)
			}
			n = scratch.AndCardinality(readable)
		}
		if n > 0 {
			st.df[i] += n
			state.scoring[i] = pl
		}
	}
	return nil
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
