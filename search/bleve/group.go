package bleve

import (
	"context"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"policydesk/search"
)

// Results grouped by document: every matching entry is ranked, the best of
// each document stands for it and the others are counted. The document of
// an entry is the high half of its order key (orderKeys).

// docGroup is a document's best matching entry and how many match in all.
type docGroup struct {
	best    ranked
	entries int
}

// topDocuments ranks the matching entries of every bucket and returns one
// group per document, best first.
func (p *plan) topDocuments(ctx context.Context, segs []*segState, st stats, buckets []uint64,
	keys map[segment.Segment][]uint64) ([]docGroup, error) {
	groups := map[uint64]*docGroup{}
	push := func(r ranked) {
		doc := r.key >> 32
		g := groups[doc]
		if g == nil {
			groups[doc] = &docGroup{best: r, entries: 1}
			return
		}
		g.entries++
		if r.before(g.best) {
			g.best = r
		}
	}
	if err := p.rankAll(ctx, segs, st, max(0, len(buckets)-1), keys, push); err != nil {
		return nil, err
	}
	out := make([]docGroup, 0, len(groups))
	for _, g := range groups {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b docGroup) int {
		if a.best.before(b.best) {
			return -1
		}
		return 1
	})
	return out, nil
}

// searchGrouped fills out with the page of documents; out.Total becomes
// the number of matching documents.
func (ix *Index) searchGrouped(ctx context.Context, p *plan, segs []*segState, st stats, c counts, facetTerms []string,
	keys map[segment.Segment][]uint64, match search.WordMatcher, limit, offset int, out *search.Result) error {
	groups, err := p.topDocuments(ctx, segs, st, c.buckets, keys)
	if err != nil {
		return err
	}
	out.Total = len(groups)
	facets, err := documentFacets(segs, facetTerms, keys)
	if err != nil {
		return err
	}
	for _, counts := range out.Facets {
		clear(counts)
	}
	setFacets(out, facets)
	if offset >= len(groups) {
		return nil
	}
	for _, g := range groups[offset:min(offset+limit, len(groups))] {
		h, err := load(segs, g.best, match)
		if err != nil {
			return err
		}
		h.More = g.entries - 1
		out.Hits = append(out.Hits, h)
	}
	return nil
}

// documentFacets counts, for each "facet=value" keyword, the documents
// (not entries) among the matches that carry it: what a grouped result's
// facets show beside its count of documents.
func documentFacets(segs []*segState, facetTerms []string, keys map[segment.Segment][]uint64) (map[string]uint64, error) {
	docs := make(map[string]map[uint64]struct{}, len(facetTerms))
	for _, s := range segs {
		cand := roaring.New()
		for _, b := range s.buckets {
			cand.Or(b)
		}
		sp := &segmentPostings{seg: s.ss.Segment(), deleted: s.ss.Deleted(), dicts: map[string]segment.TermDictionary{},
			lists: map[fieldTerm]segment.PostingsList{}}
		key := keys[s.ss.Segment()]
		for _, t := range facetTerms {
			b, err := sp.bitmap(fieldTerm{fFacets, t})
			if err != nil {
				return nil, err
			}
			b.And(cand)
			for it := b.Iterator(); it.HasNext(); {
				if docs[t] == nil {
					docs[t] = map[uint64]struct{}{}
				}
				docs[t][key[it.Next()]>>32] = struct{}{}
			}
		}
	}
	out := make(map[string]uint64, len(docs))
	for t, d := range docs {
		out[t] = uint64(len(d))
	}
	return out, nil
}
