package meili

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	ms "github.com/meilisearch/meilisearch-go"

	"policydesk/search"
)

// Synonyms and grouping on Meilisearch: the synonym groups go into the
// index's synonyms setting (folded, as the searched attributes are), and
// grouped results use the distinct attribute document_id, with a second
// request whose document_id facet counts each document's matches.

var _ search.SynonymSetter = (*Index)(nil)

// SetSynonyms replaces the index's synonyms setting with s; indexes made
// later by Rebuild get it too.
func (ix *Index) SetSynonyms(ctx context.Context, s *search.Synonyms) error {
	m := s.Map()
	ix.mu.Lock()
	ix.synonyms = m
	ix.mu.Unlock()
	info, err := ix.client.Index(ix.name).UpdateSynonyms(ctx, &m)
	if err != nil {
		return ix.fail("update synonyms", err)
	}
	return ix.await(ctx, info)
}

// currentSynonyms is the setting last given to SetSynonyms; nil before.
func (ix *Index) currentSynonyms() map[string][]string {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.synonyms
}

// countPerDocument asks how many entries matching req (the page's query
// and filter) each of the hits' documents holds.
func (ix *Index) countPerDocument(ctx context.Context, req *ms.SearchRequest, hits []search.Hit) (map[int64]int, error) {
	if len(hits) == 0 {
		return nil, nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = strconv.FormatInt(h.DocumentID, 10)
	}
	filter := aDocumentID + " IN [" + strings.Join(ids, ", ") + "]"
	if f, ok := req.Filter.(string); ok && f != "" {
		filter = f + " AND " + filter
	}
	none := int64(0) // no hits, only the facet (limit 0 would be left out of the request)
	count := &ms.SearchRequest{Query: req.Query, HitsPerPage: &none, Page: 1, Filter: filter,
		Facets: []string{aDocumentID}, MatchingStrategy: req.MatchingStrategy}
	resp, err := ix.client.Index(ix.name).Search(ctx, count.Query, count)
	if err != nil {
		return nil, ix.fail("count per document", err)
	}
	var dist map[string]map[string]int
	if err := json.Unmarshal(resp.FacetDistribution, &dist); err != nil {
		return nil, fmt.Errorf("meilisearch facets: %w", err)
	}
	out := map[int64]int{}
	for id, n := range dist[aDocumentID] {
		if d, err := strconv.ParseInt(id, 10, 64); err == nil {
			out[d] = n
		}
	}
	return out, nil
}
