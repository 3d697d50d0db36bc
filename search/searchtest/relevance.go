package searchtest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"policydesk/drafts/outline"
	"policydesk/search"
)

// The relevance test set: queries in Albanian, Serbian and English over the
// demo library (cmd/policydesk/demodata, newest version of each document)
// and the texts of testdata/relevance, each query with the documents judged
// relevant to it (testdata/relevance.json). Evaluate runs them on an
// engine and reports recall@10 and nDCG@10 per language.

// Judged is one query of the set.
type Judged struct {
	Lang     string         `json:"lang"`
	Q        string         `json:"q"`
	Relevant map[string]int `json:"relevant"` // document slug → grade (2 about it, 1 in part)
}

// RelevanceSet is the corpus and the judged queries.
type RelevanceSet struct {
	Entries []search.Entry
	Slugs   map[int64]string // document ID → slug
	Queries []Judged
}

// LoadRelevance reads the set from the repository.
func LoadRelevance() (*RelevanceSet, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return nil, fmt.Errorf("relevance set: cannot locate the package")
	}
	dir := filepath.Dir(file)
	set := &RelevanceSet{Slugs: map[int64]string{}}
	data, err := os.ReadFile(filepath.Join(dir, "testdata", "relevance.json"))
	if err != nil {
		return nil, err
	}
	var judged struct{ Queries []Judged }
	if err := json.Unmarshal(data, &judged); err != nil {
		return nil, fmt.Errorf("relevance.json: %w", err)
	}
	set.Queries = judged.Queries
	demo, err := filepath.Glob(filepath.Join(dir, "..", "..", "cmd", "policydesk", "demodata", "*", "meta.json"))
	if err != nil || len(demo) == 0 {
		return nil, fmt.Errorf("demo library not found: %v", err)
	}
	for _, meta := range demo {
		if err := set.addDemo(filepath.Dir(meta)); err != nil {
			return nil, err
		}
	}
	extra, err := filepath.Glob(filepath.Join(dir, "testdata", "relevance", "*.md"))
	if err != nil {
		return nil, err
	}
	for _, f := range extra {
		slug := strings.TrimSuffix(filepath.Base(f), ".md")
		body, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		lang, _, _ := strings.Cut(slug, "-")
		title, _, _ := strings.Cut(strings.TrimPrefix(string(body), "# "), "\n")
		set.add(slug, title, "policy", lang, string(body))
	}
	known := map[string]bool{}
	for _, slug := range set.Slugs {
		known[slug] = true
	}
	for _, q := range set.Queries {
		for slug := range q.Relevant {
			if !known[slug] {
				return nil, fmt.Errorf("relevance.json: query %q judges unknown document %q", q.Q, slug)
			}
		}
	}
	return set, nil
}

func (set *RelevanceSet) addDemo(dir string) error {
	var meta struct {
		Title, Kind, Language string
		Versions              []struct{ File string }
	}
	data, err := os.ReadFile(filepath.Join(dir, "meta.json"))
	if err == nil {
		err = json.Unmarshal(data, &meta)
	}
	if err != nil || len(meta.Versions) == 0 {
		return fmt.Errorf("demo %s: %v", dir, err)
	}
	body, err := os.ReadFile(filepath.Join(dir, meta.Versions[len(meta.Versions)-1].File))
	if err != nil {
		return err
	}
	set.add(filepath.Base(dir), meta.Title, meta.Kind, meta.Language, string(body))
	return nil
}

// add indexes a document as the service does: its title and preamble, then
// one entry per article.
func (set *RelevanceSet) add(slug, title, kind, lang, body string) {
	id := int64(len(set.Slugs) + 1)
	set.Slugs[id] = slug
	base := search.Entry{Type: search.TypeDocument, DocumentID: id, Title: title, Kind: kind, Status: "adopted",
		Language: lang, Visibility: "internal", Year: 2026}
	arts := outline.Parse(body)
	first := base
	first.ID, first.Text = fmt.Sprintf("doc:%d:_", id), body
	if len(arts) > 0 {
		first.Text = body[:arts[0].Start]
	}
	set.Entries = append(set.Entries, first)
	for i, a := range arts {
		e := base
		e.ID = fmt.Sprintf("doc:%d:a%d", id, i+1)
		e.ArticleID, e.ArticleNum, e.Heading, e.Text = fmt.Sprintf("a%d", i+1), a.Num, a.Heading, body[a.Start:a.End]
		set.Entries = append(set.Entries, e)
	}
}

// Scores are the mean recall@10 and nDCG@10 of the queries of a language.
type Scores struct {
	Queries      int
	Recall, NDCG float64
}

// Evaluate runs every query on ix (filled with set.Entries) as an
// administrator and scores the first ten documents of its hits, each
// document ranked by its best entry. It returns the scores per language and
// one line per query for the log.
func (set *RelevanceSet) Evaluate(ctx context.Context, ix search.Index) (map[string]Scores, []string, error) {
	sums := map[string]*Scores{}
	var lines []string
	for _, j := range set.Queries {
		res, err := ix.Search(ctx, search.Query{Q: j.Q, All: true, Limit: search.MaxLimit})
		if err != nil {
			return nil, nil, fmt.Errorf("%q: %w", j.Q, err)
		}
		var docs []string
		for _, h := range res.Hits {
			if slug := set.Slugs[h.DocumentID]; !slices.Contains(docs, slug) && len(docs) < 10 {
				docs = append(docs, slug)
			}
		}
		r, n := recallAt(docs, j.Relevant), ndcgAt(docs, j.Relevant)
		s := sums[j.Lang]
		if s == nil {
			s = &Scores{}
			sums[j.Lang] = s
		}
		s.Queries++
		s.Recall += r
		s.NDCG += n
		lines = append(lines, fmt.Sprintf("%s  recall %.2f  nDCG %.2f  %-34q %v", j.Lang, r, n, j.Q, docs))
	}
	out := map[string]Scores{}
	for lang, s := range sums {
		out[lang] = Scores{Queries: s.Queries, Recall: s.Recall / float64(s.Queries), NDCG: s.NDCG / float64(s.Queries)}
	}
	return out, lines, nil
}

func recallAt(docs []string, relevant map[string]int) float64 {
	found := 0
	for _, d := range docs {
		if relevant[d] > 0 {
			found++
		}
	}
	return float64(found) / float64(len(relevant))
}

// ndcgAt is the normalised discounted cumulative gain of the ranking, with
// gain 2^grade-1 and discount log2(rank+1).
func ndcgAt(docs []string, relevant map[string]int) float64 {
	dcg := 0.0
	for i, d := range docs {
		dcg += (math.Pow(2, float64(relevant[d])) - 1) / math.Log2(float64(i+2))
	}
	grades := slices.Sorted(maps.Values(relevant))
	slices.Reverse(grades)
	ideal := 0.0
	for i, g := range grades[:min(10, len(grades))] {
		ideal += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
	}
	return dcg / ideal
}
