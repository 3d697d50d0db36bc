package bleve

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"policydesk/search"
)

// callers are the kinds of access the ranking tests query with; none of
// them may read the hidden document of hiddenEntries.
var callers = []struct {
	name string
	q    search.Query
}{
	{"staff", search.Query{Internal: true, UserID: 3}},
	{"reviewer", search.Query{UserID: 4}},
	{"editor", search.Query{Internal: true, Owner: true, UserID: 5}},
}

// hiddenEntries is a restricted document of 40 articles that only its
// creator (999) and member 998 read; with words, every article holds each
// of them many times, in its title too.
func hiddenEntries(words []string) []search.Entry {
	text := "Ky nen nuk ka asgje te perbashket."
	title := "Dokument i fshehte"
	if len(words) > 0 {
		text = strings.Repeat(strings.Join(words, " ")+" ", 30)
		title += " " + strings.Join(words, " ")
	}
	out := make([]search.Entry, 40)
	for i := range out {
		out[i] = search.Entry{ID: fmt.Sprintf("doc:100000:a%d", i+1), Type: search.TypeDocument, DocumentID: 100000,
			Title: title, Kind: "mou", Status: "draft", Language: "sq", Visibility: "restricted", Year: 2026,
			ArticleID: fmt.Sprintf("a%d", i+1), ArticleNum: fmt.Sprint(i + 1), Text: text,
			Readers: []int64{998}, Owner: 999}
	}
	return out
}

// ranking is the caller's ordered hit IDs, total and facets of q.
func ranking(t *testing.T, ix *Index, q search.Query) string {
	t.Helper()
	q.Limit = 100
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return fmt.Sprintf("total %d, facets %v, hits %v", res.Total, res.Facets, ids)
}

// TestHiddenWordsDoNotMoveRanking flips the query's words in and out of a
// document the callers cannot read (40 entries holding each word 30 times)
// and checks that every caller's ranked results, totals and facets stay
// exactly the same: document frequencies count only what the caller reads,
// so the order of two results tells nothing about hidden text.
func TestHiddenWordsDoNotMoveRanking(t *testing.T) {
	ctx := context.Background()
	ix := mustOpen(t)
	entries := generate(1500, 21)
	fill(t, ix, entries)
	var queries []search.Query
	var words []string
	for _, q := range realisticQueries(entries, 40) {
		queries = append(queries, search.Query{Q: q.Q})
		for _, term := range search.Terms(q.Q) {
			words = append(words, term.Variants[0])
		}
	}
	slices.Sort(words)
	words = slices.Compact(words)

	without := hiddenEntries(nil)
	with := hiddenEntries(words)
	if err := ix.Upsert(ctx, without); err != nil {
		t.Fatal(err)
	}
	before := map[string]string{}
	for _, c := range callers {
		for _, q := range queries {
			q.All, q.Internal, q.Owner, q.UserID = c.q.All, c.q.Internal, c.q.Owner, c.q.UserID
			before[c.name+" "+q.Q] = ranking(t, ix, q)
		}
	}
	// The member of the hidden document sees the flip: it took effect.
	member := search.Query{Q: words[0], UserID: 998}
	if strings.Contains(ranking(t, ix, member), "doc:100000") {
		t.Fatalf("the hidden document holds %q before the flip", words[0])
	}
	if err := ix.Upsert(ctx, with); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ranking(t, ix, member), "doc:100000") {
		t.Fatalf("the hidden document does not hold %q after the flip", words[0])
	}
	ranked := 0
	for _, c := range callers {
		for _, q := range queries {
			q.All, q.Internal, q.Owner, q.UserID = c.q.All, c.q.Internal, c.q.Owner, c.q.UserID
			got := ranking(t, ix, q)
			if want := before[c.name+" "+q.Q]; got != want {
				t.Errorf("%s, %q: the hidden document's words changed the results\nwithout: %s\n   with: %s", c.name, q.Q, want, got)
			}
			if !strings.Contains(got, "total 0,") && !strings.Contains(got, "total 1,") {
				ranked++
			}
		}
	}
	if ranked < len(callers)*len(queries)/2 {
		t.Fatalf("only %d of %d queries ranked two or more results", ranked, len(callers)*len(queries))
	}
}

// TestRankingAsIfOnlyReadable checks that a caller's results on the shared
// index are those of an index holding only the entries they may read:
// nothing they cannot read takes part in ranking.
func TestRankingAsIfOnlyReadable(t *testing.T) {
	entries := generate(1200, 23)
	shared := mustOpen(t)
	fill(t, shared, entries)
	queries := append(realisticQueries(entries, 40), commonQueries(entries)[:4]...)
	for _, c := range callers {
		var readable []search.Entry
		for _, e := range entries {
			if ok, _ := bruteForce(e, search.Query{All: c.q.All, Internal: c.q.Internal, Owner: c.q.Owner, UserID: c.q.UserID}); ok {
				readable = append(readable, e)
			}
		}
		if len(readable) == len(entries) || len(readable) == 0 {
			t.Fatalf("%s reads %d of %d entries: no test", c.name, len(readable), len(entries))
		}
		alone := mustOpen(t)
		fill(t, alone, readable)
		for _, q := range queries {
			mine := q
			mine.All, mine.Internal, mine.Owner, mine.UserID = c.q.All, c.q.Internal, c.q.Owner, c.q.UserID
			q.All, q.Internal, q.Owner, q.UserID = true, false, false, 0
			if got, want := ranking(t, shared, mine), ranking(t, alone, q); got != want {
				t.Errorf("%s, %q: shared index and an index of what they read differ\nshared: %s\n alone: %s", c.name, q.Q, got, want)
			}
		}
	}
}
