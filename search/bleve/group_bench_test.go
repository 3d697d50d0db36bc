package bleve

import (
	"testing"

	"policydesk/search"
)

// BenchmarkQueryGrouped is BenchmarkQuery's realistic and common mixes as
// the search page sends them now: grouped by document, with the built-in
// synonym groups.
func BenchmarkQueryGrouped(b *testing.B) {
	ix, entries := openBenchIndex(b)
	syn := search.CompileSynonyms(search.EffectiveSynonyms(nil))
	grouped := func(qs []search.Query) []search.Query {
		out := make([]search.Query, len(qs))
		for i, q := range qs {
			q.Group, q.Synonyms = true, syn
			out[i] = q
		}
		return out
	}
	b.Run("realistic", func(b *testing.B) { benchQueries(b, ix, grouped(realisticQueries(entries, 2000)), false) })
	b.Run("common", func(b *testing.B) { benchQueries(b, ix, grouped(commonQueries(entries)), false) })
}
