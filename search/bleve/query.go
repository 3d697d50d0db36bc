package bleve

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"policydesk/search"
)

// Boosts: an exact word beats a fuzzy or prefix one, and a word of the
// title adds to the score of the entry.
const (
	exactBoost = 2.0
	titleBoost = 3.0
	// minPrefixRunes is the shortest last word matched as a prefix: a one-
	// or two-letter prefix expands to a large share of the dictionary (and
	// finds nearly everything anyway), so shorter words match exactly.
	minPrefixRunes = 3
	// facetSize bounds the distinct "facet=value" keywords counted, over
	// all facets together.
	facetSize = 1000
)

// Search runs q. Facets are computed on the same query, after the access
// filter, so their counts never include what the caller may not read.
func (ix *Index) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	limit, offset := q.Page()
	req := bleve.NewSearchRequestOptions(buildQuery(q), limit, offset, false)
	req.Fields = storedFields
	req.AddFacet(fFacets, bleve.NewFacetRequest(fFacets, facetSize))
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, ix.fail("search", err)
	}
	out := &search.Result{Total: int(res.Total), Hits: make([]search.Hit, 0, len(res.Hits)),
		Facets: make(map[string]map[string]int, len(search.Facets))}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, hit(h.ID, h.Fields, q.Q))
	}
	for _, f := range search.Facets {
		out.Facets[f] = map[string]int{}
	}
	if fr := res.Facets[fFacets]; fr != nil {
		for _, t := range fr.Terms.Terms() {
			name, value, ok := strings.Cut(t.Term, "=")
			if counts := out.Facets[name]; ok && counts != nil {
				counts[value] = t.Count
			}
		}
	}
	return out, nil
}

func buildQuery(q search.Query) query.Query {
	var must query.Query = bleve.NewMatchAllQuery()
	if terms := search.Terms(q.Q); len(terms) > 0 {
		all := make([]query.Query, 0, len(terms))
		var title []query.Query
		for _, t := range terms {
			all = append(all, termQuery(t))
			for _, v := range t.Variants {
				tq := bleve.NewTermQuery(v)
				tq.SetField(fTitle)
				tq.SetBoost(titleBoost)
				title = append(title, tq)
			}
		}
		// Every word must match somewhere; words of the title only add
		// to the score.
		must = query.NewBooleanQuery(all, title, nil)
	}
	var filters []query.Query
	for field, v := range map[string]string{fKind: q.Kind, fStatus: q.Status, fLanguage: q.Language} {
		if v != "" {
			filters = append(filters, keywordQuery(field, v))
		}
	}
	if q.Year != 0 {
		filters = append(filters, keywordQuery(fYear, strconv.Itoa(q.Year)))
	}
	if !q.All {
		filters = append(filters, access(q))
	}
	if len(filters) == 0 {
		return must
	}
	// Filters join the conjunction: their term searchers skip ahead, which
	// is faster than bleve's post-filtering; they score the same for every
	// hit, so the ranking is unchanged.
	return bleve.NewConjunctionQuery(append(filters, must)...)
}

// termQuery matches one query word in the all field: exactly, within its
// typo allowance, or (the last word, from minPrefixRunes letters) as a
// prefix.
func termQuery(t search.Term) query.Query {
	var any []query.Query
	for _, v := range t.Variants {
		n := utf8.RuneCountInString(v)
		tq := bleve.NewTermQuery(v)
		tq.SetField(fAll)
		tq.SetBoost(exactBoost)
		any = append(any, tq)
		if typos := search.Typos(n); typos > 0 {
			fq := bleve.NewFuzzyQuery(v)
			fq.SetField(fAll)
			fq.SetFuzziness(typos)
			any = append(any, fq)
		}
		switch {
		case !t.Prefix || n < minPrefixRunes:
		case n <= maxPrefixIndexed:
			// Indexed prefixes: one term, not an expansion.
			pq := bleve.NewTermQuery(v)
			pq.SetField(fPrefixes)
			any = append(any, pq)
		default:
			pq := bleve.NewPrefixQuery(v)
			pq.SetField(fAll)
			any = append(any, pq)
		}
	}
	if len(any) == 1 {
		return any[0]
	}
	return bleve.NewDisjunctionQuery(any...)
}

// access is All | (visibility:internal AND Internal) | readers:UserID.
func access(q search.Query) query.Query {
	var or []query.Query
	if q.Internal {
		or = append(or, keywordQuery(fVisibility, "internal"))
	}
	if q.UserID != 0 {
		or = append(or, keywordQuery(fReaders, strconv.FormatInt(q.UserID, 10)))
	}
	if len(or) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return bleve.NewDisjunctionQuery(or...)
}

func keywordQuery(field, value string) query.Query {
	tq := bleve.NewTermQuery(value)
	tq.SetField(field)
	return tq
}

func hit(id string, f map[string]interface{}, q string) search.Hit {
	str := func(name string) string { s, _ := f[name].(string); return s }
	num := func(name string) int64 { n, _ := strconv.ParseInt(str(name), 10, 64); return n }
	year, _ := strconv.Atoi(str(fYear))
	return search.Hit{
		ID: id, Type: str(fType), DocumentID: num(fDocumentID),
		Title: str(fTitle), Kind: str(fKind), Status: str(fStatus), Language: str(fLanguage), Year: year,
		ArticleID: str(fArticleID), ArticleNum: str(fArticleNum), Heading: str(fHeading),
		CommentID: num(fCommentID), AttachmentID: num(fAttachmentID),
		Snippet: search.BestSnippet(q, search.SnippetRunes, str(fText), str(fHeading), str(fTitle)),
	}
}
