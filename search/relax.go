package search

import (
	"context"
	"strings"
)

// Never nothing when something is close: when no entry has all the words
// of a query, the last words are left out one at a time, as Meilisearch's
// "last" matching strategy does, until something matches; the result then
// says which words were left out. A phrase of a synonym group counts as
// one word. At most the first maxRelaxWords words are tried, so a query
// costs at most that many searches.

const maxRelaxWords = 10

// relax answers q, which matched nothing (res), with the longest query
// made of its first words that matches something; res when none does.
func (s *Service) relax(ctx context.Context, q Query, res *Result) (*Result, error) {
	words := Words(q.Q)
	ends := unitEnds(words, q.Synonyms)
	if len(ends) > maxRelaxWords {
		ends = ends[:maxRelaxWords]
	}
	for n := len(ends) - 1; n >= 1; n-- {
		shorter := q
		shorter.Q = strings.Join(words[:ends[n-1]], " ")
		r, err := s.Index.Search(ctx, shorter)
		if err != nil {
			return nil, err
		}
		if r.Total > 0 {
			r.Relaxed = &Relaxed{Dropped: words[ends[n-1]:], Query: shorter.Q}
			return r, nil
		}
	}
	return res, nil
}

// unitEnds returns where each unit of the query's words ends: a word, or
// the words of a synonym group's phrase together.
func unitEnds(words []string, syn *Synonyms) []int {
	folded := make([]string, len(words))
	for i, w := range words {
		folded[i] = Fold(w)
	}
	spans := syn.Match(folded)
	var ends []int
	for i := 0; i < len(words); {
		end := i + 1
		for _, sp := range spans {
			if sp.Start == i {
				end = sp.End
			}
		}
		ends = append(ends, end)
		i = end
	}
	return ends
}
