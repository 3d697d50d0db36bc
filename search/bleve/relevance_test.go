package bleve

import (
	"context"
	"maps"
	"slices"
	"testing"

	"policydesk/search/searchtest"
)

// relevanceFloor is the least recall@10 and nDCG@10 per language the
// embedded engine must reach on the relevance test set
// (searchtest/testdata/relevance.json). Measured before stemming and stop
// words (main at 551cf90): sq 0.708 / 0.787, sr 0.742 / 0.823, en 0.892 /
// 0.917. With stems and stop words: sq 1.000 / 0.981, sr 0.898 / 0.933, en
// 0.971 / 0.990; the floors are those less about 0.02 (the engine is
// deterministic: a drop means a change made results worse).
var relevanceFloor = map[string]searchtest.Scores{
	"sq": {Recall: 0.98, NDCG: 0.97},
	"sr": {Recall: 0.87, NDCG: 0.91},
	"en": {Recall: 0.95, NDCG: 0.97},
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
	for _, lang := range slices.Sorted(maps.Keys(scores)) {
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
