package bleve

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"policydesk/search"
	"policydesk/search/searchtest"
	"policydesk/search/stem"
)

// TestNormFromFieldLength checks that the table-driven norm agrees with
// the segment's own Norm for every posting of the test corpus.
func TestNormFromFieldLength(t *testing.T) {
	ix := mustOpen(t)
	if err := ix.Upsert(context.Background(), searchtest.Corpus()); err != nil {
		t.Fatal(err)
	}
	snap, release, err := ix.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	checked := 0
	for _, ss := range snap.Segments() {
		d, err := ss.Segment().Dictionary(fAll)
		if err != nil {
			t.Fatal(err)
		}
		for _, term := range []string{"femijeve", "qendrave", "zakon", "neni", "rregullore"} {
			pl, err := d.PostingsList([]byte(term), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			it := pl.Iterator(true, true, false, nil)
			for p, err := it.Next(); p != nil || err != nil; p, err = it.Next() {
				if err != nil {
					t.Fatal(err)
				}
				if got, want := float64(norm(p)), p.Norm(); math.Abs(got-want) > 1e-6 {
					t.Fatalf("norm(%s) = %v, Norm() = %v", term, got, want)
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("no postings checked")
	}
}

// bruteForce decides by reading every entry what Search must count: the
// entries the caller may read that pass the filters and in which every
// query word occurs as typed, within its typos, or (the last) as a prefix.
// typos is the entry's bucket: the sum over the words of their closest
// match (0 as typed or completed, else the edit distance).
func bruteForce(e search.Entry, q search.Query) (match bool, typos int) {
	if (q.Kind != "" && e.Kind != q.Kind) || (q.Status != "" && e.Status != q.Status) ||
		(q.Language != "" && e.Language != q.Language) || (q.Year != 0 && e.Year != q.Year) {
		return false, 0
	}
	if !q.All && !(q.Internal && e.Visibility == "internal") && !(q.UserID != 0 && slices.Contains(e.Readers, q.UserID)) &&
		!(q.Owner && q.UserID != 0 && e.Owner == q.UserID) {
		return false, 0
	}
	words := map[string]bool{}
	for _, w := range search.Words(e.Title + "\n" + e.Heading + "\n" + e.Text) {
		for _, v := range search.FoldVariants(w) {
			words[v] = true
		}
	}
	stems := map[string]bool{} // another form of a word, in the entry's language, counts as a typo
	for w := range words {
		if !search.IsStopWord(w) {
			stems[stem.Stem(e.Language, w)] = true
		}
	}
	for _, t := range search.Terms(q.Q) {
		best := -1
		for _, v := range t.Variants {
			if slices.Contains(stem.Languages, e.Language) && stems[stem.Stem(e.Language, v)] && (best < 0 || best > stemTypos) {
				best = stemTypos
			}
			for w := range words {
				d := editDistance([]rune(w), []rune(v))
				if w == v || (t.Prefix && len([]rune(v)) >= minPrefixRunes && strings.HasPrefix(w, v)) {
					d = 0
				} else if d > search.Typos(len([]rune(v))) {
					continue
				}
				if best < 0 || d < best {
					best = d
				}
			}
		}
		if best < 0 {
			return false, 0
		}
		typos += best
	}
	return true, typos
}

// TestSearchAgreesWithBruteForce checks totals, facets, the exact bucket
// and paging on 2,000 generated entries spread over several segments, some
// replaced and some deleted, against a reading of every entry.
func TestSearchAgreesWithBruteForce(t *testing.T) {
	ctx := context.Background()
	ix := mustOpen(t)
	entries := generate(2000, 3)
	for i := 0; i < len(entries); i += 250 { // one segment per batch
		if err := ix.Upsert(ctx, entries[i:i+250]); err != nil {
			t.Fatal(err)
		}
	}
	// Replace every seventh entry with new text and delete every
	// eleventh: the old versions stay in their segments, marked deleted.
	live := map[string]search.Entry{}
	for _, e := range entries {
		live[e.ID] = e
	}
	var changed []search.Entry
	var deleted []string
	for i, e := range entries {
		switch {
		case i%11 == 0:
			deleted = append(deleted, e.ID)
			delete(live, e.ID)
		case i%7 == 0:
			e.Text = entries[(i+1000)%len(entries)].Text
			e.Year = 2019
			changed = append(changed, e)
			live[e.ID] = e
		}
	}
	if err := ix.Upsert(ctx, changed); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete(ctx, deleted); err != nil {
		t.Fatal(err)
	}

	queries := realisticQueries(entries, 60)
	queries = append(queries, fixedQueries...)
	queries = append(queries, search.Query{Q: "", All: true}, search.Query{Q: "", UserID: 3},
		search.Query{Q: "", Year: 2019, Internal: true})
	// Editors also read what they created: the owner clause.
	for i, q := range realisticQueries(entries, 30) {
		q.All, q.Internal, q.Owner, q.UserID = false, i%2 == 0, true, int64(1+i%37)
		queries = append(queries, q)
	}
	queries = append(queries, search.Query{Q: "", Owner: true, UserID: 5}, search.Query{Q: "", Owner: true})
	for _, q := range queries {
		var want int
		var bucketsWanted []int
		wantFacets := map[string]map[string]int{}
		for _, e := range live {
			m, typos := bruteForce(e, q)
			if !m {
				continue
			}
			want++
			bucketsWanted = append(bucketsWanted, typos)
			for f, v := range map[string]string{search.FacetKind: e.Kind, search.FacetStatus: e.Status,
				search.FacetLanguage: e.Language, search.FacetYear: yearString(e.Year)} {
				if wantFacets[f] == nil {
					wantFacets[f] = map[string]int{}
				}
				wantFacets[f][v]++
			}
		}
		q.Limit = 100
		res, err := ix.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != want {
			t.Errorf("%+v: total %d, brute force %d", q, res.Total, want)
			continue
		}
		for f, counts := range res.Facets {
			if len(counts) == 0 && len(wantFacets[f]) == 0 {
				continue
			}
			if !maps.Equal(counts, wantFacets[f]) {
				t.Errorf("%q: facet %s = %v, brute force %v", q.Q, f, counts, wantFacets[f])
			}
		}
		// Hits: live entries, fewer typos first, no repeats.
		slices.Sort(bucketsWanted)
		seen := map[string]bool{}
		for i, h := range res.Hits {
			e, ok := live[h.ID]
			if !ok || seen[h.ID] {
				t.Fatalf("%q: hit %s deleted or repeated", q.Q, h.ID)
			}
			seen[h.ID] = true
			if _, typos := bruteForce(e, q); typos != bucketsWanted[i] {
				t.Errorf("%q: hit %d (%s) has %d typos, want %d", q.Q, i, h.ID, typos, bucketsWanted[i])
			}
			if h.Year != e.Year {
				t.Errorf("%q: hit %s year %d, entry %d (stale version)", q.Q, h.ID, h.Year, e.Year)
			}
		}
		if len(res.Hits) != min(want, 100) {
			t.Errorf("%q: %d hits of %d", q.Q, len(res.Hits), want)
		}
		// Pages of 20 are the slices of the page of 100.
		for offset := 0; offset < min(want, 100); offset += 20 {
			q.Limit, q.Offset = 20, offset
			page, err := ix.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for i, h := range page.Hits {
				if h.ID != res.Hits[offset+i].ID {
					t.Fatalf("%q: page at %d, hit %d = %s, want %s", q.Q, offset, i, h.ID, res.Hits[offset+i].ID)
				}
			}
		}
	}
}

// TestOrderDependsOnLiveEntriesOnly checks that the ranking depends on the
// live entries alone, not on how they lie in segments: an index built in
// batches with entries deleted since, the same index merged, and a fresh
// index of the live entries give the same pages, for equally ranked
// entries (a query without words, the newest document first) and for
// scored ones, whose document frequencies must not count deleted entries.
func TestOrderDependsOnLiveEntriesOnly(t *testing.T) {
	ctx := context.Background()
	entries := generate(600, 5)
	batched := mustOpen(t)
	for i := 0; i < len(entries); i += 100 {
		if err := batched.Upsert(ctx, entries[i:i+100]); err != nil {
			t.Fatal(err)
		}
	}
	var deleted []string
	var live []search.Entry
	for i, e := range entries {
		if i%5 == 0 {
			deleted = append(deleted, e.ID)
		} else {
			live = append(live, e)
		}
	}
	if err := batched.Delete(ctx, deleted); err != nil {
		t.Fatal(err)
	}
	fresh := mustOpen(t)
	if err := fresh.Upsert(ctx, live); err != nil {
		t.Fatal(err)
	}
	queries := append([]search.Query{{All: true}}, commonQueries(entries)[:4]...)
	queries = append(queries, realisticQueries(entries, 20)...)
	page := func(ix *Index, q search.Query) []string {
		q.Limit, q.Offset = 50, 25
		res, err := ix.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		return ids
	}
	compare := func(what string) {
		t.Helper()
		for _, q := range queries {
			if a, b := page(batched, q), page(fresh, q); !slices.Equal(a, b) {
				t.Errorf("%s, %q: pages differ:\n%v\n%v", what, q.Q, a, b)
			}
		}
	}
	compare("batched with deletions")
	if err := batched.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	compare("merged")
	res, err := fresh.Search(ctx, search.Query{All: true, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if newest := entries[len(entries)-1].DocumentID; res.Hits[0].DocumentID != newest {
		t.Errorf("first hit of document %d, want the newest, %d", res.Hits[0].DocumentID, newest)
	}
}

// TestOrderKeysWarmed checks that the order keys of new segments are read
// in the background, before any search asks for them.
func TestOrderKeysWarmed(t *testing.T) {
	ix := mustOpen(t)
	if err := ix.Upsert(context.Background(), generate(300, 9)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		snap, release, err := ix.snapshot()
		if err != nil {
			t.Fatal(err)
		}
		ix.order.mu.Lock()
		ready := len(snap.Segments()) > 0
		for _, ss := range snap.Segments() {
			if _, ok := ix.order.segs[ss.Segment()]; !ok {
				ready = false
			}
		}
		ix.order.mu.Unlock()
		release()
		if ready {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("order keys of the new segments not read within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestScoreBySkipping checks that reading a term by skipping to the wanted
// entries scores them exactly as decoding every posting does.
func TestScoreBySkipping(t *testing.T) {
	ctx := context.Background()
	ix := mustOpen(t)
	if err := ix.Upsert(ctx, generate(3000, 11)); err != nil {
		t.Fatal(err)
	}
	snap, release, err := ix.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	for _, q := range commonQueries(generate(3000, 11))[:4] {
		p, err := newPlan(snap, q, search.Terms(q.Q))
		if err != nil {
			t.Fatal(err)
		}
		_, segs, _, err := p.evaluate(ctx, snap, nil)
		if err != nil {
			t.Fatal(err)
		}
		weights := make([]float32, len(p.scoring))
		for i := range weights {
			weights[i] = float32(i + 1)
		}
		for _, s := range segs {
			all := roaring.New()
			all.AddRange(0, s.segmentCount)
			few := roaring.New()
			for n := uint32(0); n < uint32(s.segmentCount); n += 37 {
				few.Add(n)
			}
			full := make([]float32, s.segmentCount)
			skip := make([]float32, s.segmentCount)
			for _, typed := range []bool{true, false} {
				if err := p.score(full, s, all, weights, typed); err != nil {
					t.Fatal(err)
				}
				if err := p.score(skip, s, few, weights, typed); err != nil {
					t.Fatal(err)
				}
			}
			nonzero := 0
			for it := few.Iterator(); it.HasNext(); {
				n := it.Next()
				if full[n] != skip[n] {
					t.Fatalf("%q: entry %d scored %v by decoding, %v by skipping", q.Q, n, full[n], skip[n])
				}
				if full[n] != 0 {
					nonzero++
				}
			}
			if nonzero == 0 {
				t.Fatalf("%q: no wanted entry scored", q.Q)
			}
		}
	}
}

// TestSearchDuringWrites searches while entries are written and deleted
// and the merger works: no error, no repeated hit, never more hits than
// the total, and at the end the index holds exactly the live entries.
func TestSearchDuringWrites(t *testing.T) {
	ctx := context.Background()
	ix := mustOpen(t)
	entries := generate(800, 13)
	if err := ix.Upsert(ctx, entries[:400]); err != nil {
		t.Fatal(err)
	}
	queries := realisticQueries(entries, 200)
	done := make(chan struct{})
	errs := make(chan error, 4)
	var readers sync.WaitGroup
	for r := 0; r < 2; r++ {
		readers.Add(1)
		go func(r int) {
			defer readers.Done()
			for i := r; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				res, err := ix.Search(ctx, queries[i%len(queries)])
				if err != nil {
					errs <- err
					return
				}
				seen := map[string]bool{}
				for _, h := range res.Hits {
					if seen[h.ID] {
						errs <- fmt.Errorf("%q: hit %s repeated", queries[i%len(queries)].Q, h.ID)
						return
					}
					seen[h.ID] = true
				}
				if len(res.Hits) > res.Total {
					errs <- fmt.Errorf("%d hits of %d", len(res.Hits), res.Total)
					return
				}
			}
		}(r)
	}
	live := map[string]bool{}
	for _, e := range entries[:400] {
		live[e.ID] = true
	}
	for i := 400; i < len(entries); i += 40 {
		if err := ix.Upsert(ctx, entries[i:i+40]); err != nil {
			t.Fatal(err)
		}
		var del []string
		for _, e := range entries[i-400 : i-400+10] {
			del = append(del, e.ID)
			delete(live, e.ID)
		}
		if err := ix.Delete(ctx, del); err != nil {
			t.Fatal(err)
		}
		for _, e := range entries[i : i+40] {
			live[e.ID] = true
		}
	}
	close(done)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	res, err := ix.Search(ctx, search.Query{All: true, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != len(live) {
		t.Errorf("total %d after the writes, %d live entries", res.Total, len(live))
	}
}

// TestLongWordsMatchExactly checks that a string of letters longer than
// maxTypoRunes tolerates no typo (its automaton would cost megabytes) and
// that automata of words longer than maxCachedRunes are not kept.
func TestLongWordsMatchExactly(t *testing.T) {
	ctx := context.Background()
	ix := mustOpen(t)
	long := strings.Repeat("abcdefghij", 3) // 30 letters
	mid := "kualifikueshmërisë"             // 18 letters: two typos, not cached
	if err := ix.Upsert(ctx, []search.Entry{{ID: "doc:1:_", Type: search.TypeDocument, DocumentID: 1,
		Title: "Kod", Visibility: "internal", Text: long + " " + mid, Readers: []int64{1}}}); err != nil {
		t.Fatal(err)
	}
	typo := long[:10] + "x" + long[11:]
	automata.Purge()
	for q, want := range map[string]int{long: 1, typo: 0, long[:20]: 1, "kualifikxeshmerise": 1} {
		res, err := ix.Search(ctx, search.Query{Q: q, All: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != want {
			t.Errorf("%q: %d hits, want %d", q, res.Total, want)
		}
	}
	if n := automata.Len(); n != 0 {
		t.Errorf("%d automata kept for words of more than %d letters", n, maxCachedRunes)
	}
}

// TestPastedParagraph checks that a query of many words (a pasted
// paragraph) is answered from its first ten distinct words.
func TestPastedParagraph(t *testing.T) {
	ctx := context.Background()
	ix := mustOpen(t)
	entries := generate(200, 17)
	if err := ix.Upsert(ctx, entries); err != nil {
		t.Fatal(err)
	}
	words := search.Words(entries[0].Text)
	var first []string
	seen := map[string]bool{}
	for _, w := range words {
		if f := search.Fold(w); !seen[f] && len(first) < maxQueryWords {
			seen[f] = true
			first = append(first, w)
		}
	}
	all, err := ix.Search(ctx, search.Query{Q: strings.Join(words, " ") + " zzzzqqqq", All: true})
	if err != nil {
		t.Fatal(err)
	}
	ten, err := ix.Search(ctx, search.Query{Q: strings.Join(first, " ") + " ", All: true})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total == 0 || all.Total != ten.Total {
		t.Errorf("pasted paragraph: %d hits, its first ten words: %d", all.Total, ten.Total)
	}
}
