package bleve

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"policydesk/search"
)

// Boosts: a word as typed weighs twice a completion or a one-typo spelling
// of it (four times a two-typo one), and a word of the title adds to the
// score of the entry.
const (
	exactBoost = 2.0
	titleBoost = 3.0
	// stemTypos is what another form of a word (the same stem) counts
	// for in ranking: as much as a typo.
	stemTypos = 1
	// minPrefixRunes is the shortest last word matched as a prefix: a one-
	// or two-letter prefix expands to a large share of the dictionary (and
	// finds nearly everything anyway), so shorter words match exactly.
	minPrefixRunes = 3
	// maxExpansions bounds the words one query word expands to through
	// its typo allowance or as a long prefix.
	maxExpansions = 500
)

// Search runs q on one snapshot of the index. The plan resolves the words
// to index terms and counts the total and the facets from postings
// bitmaps, after the access filter, so that counts never include what the
// caller may not read; then the matches are ranked and the page's entries
// read.
//
// Ranking, as Meilisearch's typo rule: entries fall into buckets by the
// typos of their closest matches summed over the words (a word as typed,
// after folding, or a completion of the last word counts none), fewer
// first; within a bucket, TF-IDF with words of the title weighing more;
// then the newest document (see plan.top and orderKeys).
func (ix *Index) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	limit, offset := q.Page()
	snap, release, err := ix.snapshot()
	if err != nil {
		return nil, err
	}
	defer release()
	p, err := newPlan(snap, q, search.Terms(q.Q))
	if err != nil {
		return nil, ix.fail("search", err)
	}
	ft, err := facetTerms(snap)
	if err != nil {
		return nil, ix.fail("search", err)
	}
	c, segs, st, err := p.evaluate(ctx, snap, ft)
	if err != nil {
		return nil, ix.fail("search", err)
	}
	out := &search.Result{Total: int(c.total), Hits: []search.Hit{},
		Facets: make(map[string]map[string]int, len(search.Facets))}
	for _, f := range search.Facets {
		out.Facets[f] = map[string]int{}
	}
	setFacets(out, c.facets)
	if offset >= int(c.total) && (!q.Group || c.total == 0) {
		return out, nil
	}
	var match func(lang string) search.WordMatcher
	if len(p.words) > 0 {
		match = p.markIn
	}
	keys, err := ix.order.keys(snap)
	if err != nil {
		return nil, ix.fail("search", err)
	}
	if q.Group {
		if err := ix.searchGrouped(ctx, p, segs, st, c, ft, keys, match, limit, offset, out); err != nil {
			return nil, ix.fail("search", err)
		}
		return out, nil
	}
	top, err := p.top(ctx, segs, st, min(offset+limit, int(c.total)), c.buckets, keys)
	if err != nil {
		return nil, ix.fail("search", err)
	}
	for _, r := range top[offset:] {
		h, err := load(segs, r, match)
		if err != nil {
			return nil, ix.fail("search", err)
		}
		out.Hits = append(out.Hits, h)
	}
	return out, nil
}

// snapshot returns the index's current snapshot and its release, which
// must be called; Close waits for it.
func (ix *Index) snapshot() (*scorch.IndexSnapshot, func(), error) {
	ix.mu.RLock()
	if ix.closed {
		ix.mu.RUnlock()
		return nil, nil, ix.fail("search", bleve.ErrorIndexClosed)
	}
	fail := func(err error) (*scorch.IndexSnapshot, func(), error) {
		ix.mu.RUnlock()
		return nil, nil, ix.fail("search", err)
	}
	adv, err := ix.idx.Advanced()
	if err != nil {
		return fail(err)
	}
	r, err := adv.Reader()
	if err != nil {
		return fail(err)
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok || snap == nil { // a closed scorch index hands out a nil snapshot
		if !ok && r != nil {
			r.Close()
		}
		return fail(fmt.Errorf("unexpected index reader %T", r))
	}
	return snap, func() { r.Close(); ix.mu.RUnlock() }, nil
}

// setFacets puts the "facet=value" counts into the result's facets.
func setFacets(out *search.Result, counts map[string]uint64) {
	for t, n := range counts {
		name, value, ok := strings.Cut(t, "=")
		if facet := out.Facets[name]; ok && facet != nil && n > 0 {
			facet[value] = int(n)
		}
	}
}

func hit(id string, f map[string]interface{}, marker func(lang string) search.WordMatcher) search.Hit {
	str := func(name string) string { s, _ := f[name].(string); return s }
	num := func(name string) int64 { n, _ := strconv.ParseInt(str(name), 10, 64); return n }
	year, _ := strconv.Atoi(str(fYear))
	var match search.WordMatcher
	if marker != nil {
		match = marker(str(fLanguage))
	}
	return search.Hit{
		ID: id, Type: str(fType), DocumentID: num(fDocumentID),
		Title: str(fTitle), Kind: str(fKind), Status: str(fStatus), Language: str(fLanguage), Year: year,
		ArticleID: str(fArticleID), ArticleNum: str(fArticleNum), Heading: str(fHeading),
		CommentID: num(fCommentID), AttachmentID: num(fAttachmentID),
		Snippet: search.BestSnippetMatching(match, search.SnippetRunes, str(fText), str(fHeading), str(fTitle)),
	}
}
