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
	groups := make(map[uint64]*docGroup, 256)
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
	keys map[segment.Segment][]uint64, match func(lang string) search.WordMatcher, limit, offset int, out *search.Result) error {
	groups, err := p.topDocuments(ctx, segs, st, c.buckets, keys)
	if err != nil {
		return err
	}
	out.Total = len(groups)
	facets, err := documentFacets(segs, groups, facetTerms)
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
// facets show beside its count of documents. A document's entries share
// its facet values, so its best entry stands for it.
func documentFacets(segs []*segState, groups []docGroup, facetTerms []string) (map[string]uint64, error) {
	bests := make([]*roaring.Bitmap, len(segs))
	for _, g := range groups {
		if bests[g.best.seg] == nil {
			bests[g.best.seg] = roaring.New()
		}
		bests[g.best.seg].Add(uint32(g.best.num))
	}
	out := make(map[string]uint64, len(facetTerms))
	for si, s := range segs {
		if bests[si] == nil {
			continue
		}
		sp := &segmentPostings{seg: s.ss.Segment(), deleted: s.ss.Deleted(), dicts: map[string]segment.TermDictionary{},
			lists: map[fieldTerm]segment.PostingsList{}}
		for _, t := range facetTerms {
			b, err := sp.bitmap(fieldTerm{fFacets, t})
			if err != nil {
				return nil, err
			}
			out[t] += bests[si].AndCardinality(b)
		}
	}
	return out, nil
}
