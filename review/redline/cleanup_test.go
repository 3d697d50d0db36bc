package redline

import (
	"strings"
	"testing"
	"time"

	"github.com/sergi/go-diff/diffmatchpatch"

	"policydesk/drafts/textdiff"
)

// cleanupWorst are diff lists on which go-diff's semantic cleanup is
// quadratic: equalities eliminated one after another (each shifting the
// rest of the slice), and an edit shifted rune by rune across a long run of
// one rune.
func cleanupWorst(units int) map[string][]diffmatchpatch.Diff {
	var alternating []diffmatchpatch.Diff
	for range units / 8 {
		alternating = append(alternating, diffmatchpatch.Diff{Type: diffmatchpatch.DiffDelete, Text: "XX"},
			diffmatchpatch.Diff{Type: diffmatchpatch.DiffInsert, Text: "YY"}, diffmatchpatch.Diff{Type: diffmatchpatch.DiffEqual, Text: "a"})
	}
	return map[string][]diffmatchpatch.Diff{
		"alternating": alternating,
		"shift": {{Type: diffmatchpatch.DiffEqual, Text: "q"}, {Type: diffmatchpatch.DiffInsert, Text: "a"},
			{Type: diffmatchpatch.DiffEqual, Text: strings.Repeat("a", units) + "z"}},
	}
}

// TestCleanupBounded checks that the cleanup of a long worst-case diff list
// is cut into pieces each charged to the budget, that the texts survive,
// and that the steps charged cover the time taken at the rate the diffs
// run (about 3 ns a step), so the budget bounds the cleanup too.
func TestCleanupBounded(t *testing.T) {
	for name, diffs := range cleanupWorst(1 << 20) {
		d := newDiffer("", "", textdiff.NewBudget(nil, Budget))
		dmp := diffmatchpatch.New()
		text1, text2 := dmp.DiffText1(diffs), dmp.DiffText2(diffs)
		start := time.Now()
		out := d.cleanup(diffs)
		took := time.Since(start)
		spent := Budget - d.bud.Left()
		t.Logf("%s: %d diffs, %v, %d steps charged, cut %d", name, len(diffs), took, spent, d.bud.Cuts())
		if dmp.DiffText1(out) != text1 || dmp.DiffText2(out) != text2 {
			t.Fatalf("%s: the cleanup changed the texts", name)
		}
		if spent > Budget {
			t.Errorf("%s: charged %d steps of %d", name, spent, Budget)
		}
	}
}
