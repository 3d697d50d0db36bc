package search

import (
	"context"
	"strconv"
)

// A chosen facet still shows its other values: the counts of a facet
// narrowed to one value are those of the query without that facet, so
// that the user sees what choosing another value would give. One more
// search (of one hit) per chosen facet.

// otherValues replaces, in res, the counts of each facet q narrows by with
// those of q without it.
func (s *Service) otherValues(ctx context.Context, q Query, res *Result) error {
	if res.Relaxed != nil {
		q.Q = res.Relaxed.Query
	}
	q.Limit, q.Offset = 1, 0 // grouped or not as q: the counts are of documents or of entries alike
	for _, f := range Facets {
		wider := q
		switch f {
		case FacetKind:
			wider.Kind = ""
		case FacetStatus:
			wider.Status = ""
		case FacetLanguage:
			wider.Language = ""
		case FacetYear:
			wider.Year = 0
		}
		if q.chosen(f) == "" {
			continue
		}
		r, err := s.Index.Search(ctx, wider)
		if err != nil {
			return err
		}
		res.Facets[f] = r.Facets[f]
	}
	return nil
}

// chosen is the value q narrows facet f to, "" for none.
func (q Query) chosen(f string) string {
	switch f {
	case FacetKind:
		return q.Kind
	case FacetStatus:
		return q.Status
	case FacetLanguage:
		return q.Language
	case FacetYear:
		if q.Year != 0 {
			return strconv.Itoa(q.Year)
		}
	}
	return ""
}
