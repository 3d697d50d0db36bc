package bleve

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"policydesk/drafts/draftstest"
	"policydesk/drafts/outline"
	"policydesk/search"
	"policydesk/search/searchtest"
)

// albanian is the vocabulary of the generated articles.
var albanian = strings.Fields(`ligji rregullore udhëzim administrativ neni paragrafi qendrave ditore fëmijëve
kujdesin mbrojtjen të dhënave personale ministria komunës shërbimet sociale licencimin kriteret stafin
kualifikuar përcakton rregullon hyn në fuqi pas publikimit gazetën zyrtare republikës kosovës akademia
drejtësisë memorandum mirëkuptimi palët bien dakord trajnimin gjyqtarëve prokurorëve procedura standarde
vepruese institucionet publike zbatimin monitorimin raportimin vlerësimin buxheti financimi autoriteti
mbikëqyrjes ankesat vendimet afatet dokumentet aplikimi kërkesa pëlqimi prindërve arsimi shëndetësia
punës punësimit të drejtat detyrimet sanksionet dispozitat kalimtare përfundimtare shfuqizimi qeveria
kuvendi komisioni grupi punues konsultimi publik komentet propozimet`)

func generate(n int, seed uint64) []search.Entry {
	r := rand.New(rand.NewPCG(seed, 1))
	kinds := []string{"regulation", "administrative_instruction", "sop", "mou", "policy"}
	statuses := []string{"draft", "in_review", "adopted"}
	// A realistic vocabulary: the domain words above plus 20,000 rarer
	// generated word forms, drawn with a Zipf distribution.
	vocab := slices.Clone(albanian)
	syll := strings.Fields("ka ri më një ta pu shë ve ndë rre gu llo ko sov ës ti mi zi ve dhë çe")
	for len(vocab) < 20000+len(albanian) {
		w := ""
		for k := 2 + r.IntN(3); k > 0; k-- {
			w += syll[r.IntN(len(syll))]
		}
		vocab = append(vocab, w)
	}
	// Domain words get random ranks: "fëmijëve" is not in half the articles.
	r.Shuffle(len(vocab), func(i, j int) { vocab[i], vocab[j] = vocab[j], vocab[i] })
	zipf := rand.NewZipf(rand.New(rand.NewPCG(seed, 2)), 1.1, 2, uint64(len(vocab)-1))
	out := make([]search.Entry, n)
	for i := range out {
		words := make([]string, 80+r.IntN(80))
		for j := range words {
			words[j] = vocab[zipf.Uint64()]
		}
		doc := int64(i/10 + 1)
		vis := "internal"
		if doc%4 == 0 {
			vis = "restricted"
		}
		out[i] = search.Entry{
			ID: fmt.Sprintf("doc:%d:a%d", doc, i%10+1), Type: search.TypeDocument, DocumentID: doc,
			Title: "Udhëzim administrativ " + strings.Join(words[:4], " "),
			Kind:  kinds[int(doc)%len(kinds)], Status: statuses[int(doc)%len(statuses)], Language: "sq",
			Visibility: vis, Year: 2020 + int(doc)%7,
			ArticleID: fmt.Sprintf("a%d", i%10+1), ArticleNum: fmt.Sprint(i%10 + 1),
			Heading: fmt.Sprintf("Neni %d %s", i%10+1, words[5]),
			Text:    strings.Join(words, " ") + ".", Readers: []int64{doc%50 + 1},
			Owner: doc%37 + 1,
		}
	}
	return out
}

func fill(tb testing.TB, ix *Index, entries []search.Entry) {
	for i := 0; i < len(entries); i += 1000 {
		if err := ix.Upsert(context.Background(), entries[i:min(i+1000, len(entries))]); err != nil {
			tb.Fatal(err)
		}
	}
}

func BenchmarkIndex20000(b *testing.B) {
	entries := generate(20000, 1)
	b.ResetTimer()
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		ix := mustOpen(b)
		b.StartTimer()
		start := time.Now()
		fill(b, ix, entries)
		total += time.Since(start)
	}
	b.ReportMetric(float64(len(entries)*b.N)/total.Seconds(), "entries/s")
}

// benchIndex is the 20,000-entry index the query benchmarks share, in its
// steady state: built, closed once the merges of the bulk load settle, and
// reopened.
var benchIndex struct {
	once    sync.Once
	ix      *Index
	entries []search.Entry
	dir     string
	err     error
}

// runAtEnd holds what TestMain does after the run: closing and removing
// benchmark indexes.
var runAtEnd []func()

// TestMain removes the benchmark indexes after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchIndex.ix != nil {
		benchIndex.ix.Close()
		os.RemoveAll(benchIndex.dir)
	}
	for i := len(runAtEnd) - 1; i >= 0; i-- {
		runAtEnd[i]()
	}
	os.Exit(code)
}

func openBenchIndex(b *testing.B) (*Index, []search.Entry) {
	benchIndex.once.Do(func() {
		dir, err := os.MkdirTemp("", "bleve-bench")
		if err != nil {
			benchIndex.err = err
			return
		}
		benchIndex.dir = dir
		entries := generate(20000, 1)
		ix, err := Open(dir)
		if err != nil {
			benchIndex.err = err
			return
		}
		benchIndex.ix = ix
		fill(b, ix, entries)
		settle(ix)
		ix.Close()
		benchIndex.ix = nil
		if ix, err = Open(dir); err != nil {
			benchIndex.err = err
			return
		}
		settle(ix)
		if os.Getenv("BENCH_FORCEMERGE") != "" {
			if err := ix.Compact(context.Background()); err != nil {
				benchIndex.err = err
				return
			}
			settle(ix)
		}
		benchIndex.ix, benchIndex.entries, benchIndex.dir = ix, entries, dir
		b.Logf("segments: %v", ix.idx.StatsMap()["index"].(map[string]interface{})["TotFileSegmentsAtRoot"])
	})
	if benchIndex.err != nil {
		b.Fatal(benchIndex.err)
	}
	return benchIndex.ix, benchIndex.entries
}

// settle waits until the segment count stops changing (persister and
// merger idle), at most 10 s.
func settle(ix *Index) {
	segments := func() any { return ix.idx.StatsMap()["index"].(map[string]interface{})["TotFileSegmentsAtRoot"] }
	last := segments()
	for i := 0; i < 20; i++ {
		time.Sleep(500 * time.Millisecond)
		n := segments()
		if n == last && i >= 2 {
			return
		}
		last = n
	}
}

// realisticQueries are what people type: one to three words drawn from the
// entries (so common words are common), one in five with a typo in a word
// long enough to tolerate it, a third of the last words cut short (search
// as you type, at least three letters), some with filters, and the access
// of admins, staff and restricted readers.
func realisticQueries(entries []search.Entry, n int) []search.Query {
	r := rand.New(rand.NewPCG(7, 7))
	kinds := []string{"regulation", "administrative_instruction", "sop", "mou", "policy"}
	out := make([]search.Query, n)
	for i := range out {
		text := search.Words(entries[r.IntN(len(entries))].Text)
		words := make([]string, 1+r.IntN(3))
		for j := range words {
			w := []rune(text[r.IntN(len(text))])
			if len(w) >= 5 && r.IntN(5) == 0 { // a typo: one letter replaced
				w[1+r.IntN(len(w)-2)] = 'x'
			}
			if j == len(words)-1 && len(w) > 3 && r.IntN(3) == 0 { // typing
				w = w[:3+r.IntN(len(w)-3)]
			}
			words[j] = string(w)
		}
		q := search.Query{Q: strings.Join(words, " ")}
		switch r.IntN(3) {
		case 0:
			q.All = true
		case 1:
			q.Internal, q.UserID = true, int64(1+r.IntN(50))
		default:
			q.UserID = int64(1 + r.IntN(50))
		}
		switch r.IntN(10) {
		case 0:
			q.Kind = kinds[r.IntN(len(kinds))]
		case 1:
			q.Year = 2020 + r.IntN(7)
		case 2:
			q.Status = "draft"
		}
		out[i] = q
	}
	return out
}

// commonQueries are the worst case: the most frequent words of the corpus,
// which match most entries, and very short last words.
func commonQueries(entries []search.Entry) []search.Query {
	freq := map[string]int{}
	for _, e := range entries[:min(2000, len(entries))] {
		for _, w := range search.Words(e.Text) {
			freq[w]++
		}
	}
	words := slices.Collect(maps.Keys(freq))
	slices.SortFunc(words, func(a, b string) int { return freq[b] - freq[a] })
	return []search.Query{
		{Q: words[0], All: true},
		{Q: words[1], Internal: true, UserID: 3},
		{Q: words[0] + " " + words[1], Internal: true, UserID: 3},
		{Q: words[2] + " " + words[3] + " " + words[4], All: true},
		{Q: "k", All: true},
		{Q: "ka", Internal: true, UserID: 3},
		{Q: words[0] + " kri", Internal: true, UserID: 3},
		{Q: "", All: true},
	}
}

// fixedQueries are the queries of the first measurements.
var fixedQueries = []search.Query{
	{Q: "femijeve", Internal: true, UserID: 3},
	{Q: "qendrave ditore", Internal: true, UserID: 3},
	{Q: "rregullre", All: true},
	{Q: "administrat", UserID: 7},
	{Q: "mbrojtjen e te dhenave", Internal: true, UserID: 2, Kind: "regulation"},
	{Q: "akademia drejtesise memorandum", All: true},
	{Q: "", Internal: true, UserID: 2, Year: 2024},
	{Q: "licencimin kritere", Internal: true, Status: "draft"},
}

// BenchmarkQuery reports the latency percentiles of queries on 20,000
// article-sized entries. The target (p99 ≤ 5 ms) is for the realistic
// queries; common is the worst case.
func BenchmarkQuery(b *testing.B) {
	ix, entries := openBenchIndex(b)
	b.Run("realistic", func(b *testing.B) { benchQueries(b, ix, realisticQueries(entries, 2000), false) })
	// cold: every query builds its typo automata, as if no word had been
	// searched before.
	b.Run("realistic-cold", func(b *testing.B) { benchQueries(b, ix, realisticQueries(entries, 2000), true) })
	b.Run("fixed", func(b *testing.B) { benchQueries(b, ix, fixedQueries, false) })
	b.Run("common", func(b *testing.B) { benchQueries(b, ix, commonQueries(entries), false) })
}

func benchQueries(b *testing.B, ix *Index, queries []search.Query, cold bool) {
	ctx := context.Background()
	runtime.GC()                                        // not the garbage of building the index or of the last run
	for _, q := range queries[:min(len(queries), 50)] { // warm up
		if _, err := ix.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if cold {
			automata.Purge()
		}
		start := time.Now()
		if _, err := ix.Search(ctx, queries[i%len(queries)]); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		i++
	}
	searchtest.ReportLatency(b, lat)
}

// BenchmarkOrderKeys is the cost, once per new segment, of reading the
// order keys of the 20,000-entry index.
func BenchmarkOrderKeys(b *testing.B) {
	ix, _ := openBenchIndex(b)
	snap, release, err := ix.snapshot()
	if err != nil {
		b.Fatal(err)
	}
	defer release()
	for b.Loop() {
		for _, ss := range snap.Segments() {
			if _, err := readOrderKeys(ss.Segment()); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// legalIndex is a second benchmark index: 200 generated regulations of 100
// articles (draftstest, the text the HTTP benchmark of cmd/policydesk
// indexes). Its vocabulary is small, so nearly every word is in thousands
// of entries: a harder mix than the realistic one.
var legalIndex struct {
	once  sync.Once
	ix    *Index
	texts []string
	err   error
}

func openLegalIndex(b *testing.B) (*Index, []string) {
	legalIndex.once.Do(func() {
		dir, err := os.MkdirTemp("", "bleve-bench-legal")
		if err != nil {
			legalIndex.err = err
			return
		}
		runAtEnd = append(runAtEnd, func() { os.RemoveAll(dir) })
		ix, err := Open(dir)
		if err != nil {
			legalIndex.err = err
			return
		}
		runAtEnd = append(runAtEnd, func() { ix.Close() })
		for d := range 200 {
			body := draftstest.Regulation(100, 100*300, int64(d+1))
			legalIndex.texts = append(legalIndex.texts, body)
			var entries []search.Entry
			for i, a := range outline.Parse(body) {
				entries = append(entries, search.Entry{
					ID: fmt.Sprintf("doc:%d:a%d", d+1, i+1), Type: search.TypeDocument, DocumentID: int64(d + 1),
					Title: fmt.Sprintf("Rregullore %d", d+1), Kind: "regulation", Status: "draft", Language: "sq",
					Visibility: "internal", Year: 2026, ArticleNum: a.Num, Heading: a.Heading,
					Text: body[a.Start:a.End], Readers: []int64{1},
				})
			}
			if err := ix.Upsert(context.Background(), entries); err != nil {
				legalIndex.err = err
				return
			}
		}
		settle(ix)
		legalIndex.ix = ix
	})
	if legalIndex.err != nil {
		b.Fatal(legalIndex.err)
	}
	return legalIndex.ix, legalIndex.texts
}

// BenchmarkQueryLegal is BenchmarkQuery's realistic mix on the legal
// corpus, as an administrator (no access filter) like the HTTP benchmark.
func BenchmarkQueryLegal(b *testing.B) {
	ix, texts := openLegalIndex(b)
	var queries []search.Query
	for _, q := range searchtest.TypedQueries(texts, 2000, 3) {
		queries = append(queries, search.Query{Q: q, All: true})
	}
	benchQueries(b, ix, queries, false)
}
