package bleve

import (
	"context"
	"slices"
	"testing"

	"policydesk/search/searchtest"
)

// relevanceFloor is the least recall@10 and nDCG@10 per language the
// embedded engine must reach on the relevance test set
// (searchtest/testdata/relevance.json). Measured before stemming and stop
// words (main at 551cf90): sq 0.708 / 0.787, sr 0.742 / 0.823, en 0.892 /
// 0.917.
var relevanceFloor = map[string]searchtest.Scores{
	"sq": {Recall: 0.707, NDCG: 0.786},
	"sr": {Recall: 0.741, NDCG: 0.822},
	"en": {Recall: 0.891, NDCG: 0.916},
}

func TestRelevance(t *testing.T) {
	set, err := searchtest.LoadRelevance()
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Queries) < 40 {
		t.Fatalf("the relevance set has %d queries, want at least 40", len(set.Queries))
	}
	ix := mustOpen(t)
	if err := ix.Upsert(context.Background(), set.Entries); err != nil {
		t.Fatal(err)
	}
	scores, lines, err := set.Evaluate(context.Background(), ix)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		t.Log(l)
	}
	t.Logf("%-4s %7s %9s %7s", "lang", "queries", "recall@10", "nDCG@10")
	langs := slices.Sorted(func(yield func(string) bool) {
		for l := range scores {
			if !yield(l) {
				return
			}
		}
	})
	for _, lang := range langs {
		s := scores[lang]
		t.Logf("%-4s %7d %9.3f %7.3f", lang, s.Queries, s.Recall, s.NDCG)
	}
	for lang, floor := range relevanceFloor {
		s := scores[lang]
		if s.Recall < floor.Recall || s.NDCG < floor.NDCG {
			t.Errorf("%s: recall@10 %.3f, nDCG@10 %.3f; want at least %.3f, %.3f", lang, s.Recall, s.NDCG, floor.Recall, floor.NDCG)
		}
	}
}
