package bleve

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"policydesk/search"
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

func BenchmarkQuery(b *testing.B) {
	dir := b.TempDir()
	ix, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	fill(b, ix, generate(20000, 1))
	// Measure the steady state, not the segment merges that follow a bulk load.
	ix.Close()
	time.Sleep(time.Second)
	if ix, err = Open(dir); err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	time.Sleep(2 * time.Second)
	queries := []search.Query{
		{Q: "femijeve", Internal: true, UserID: 3},
		{Q: "qendrave ditore", Internal: true, UserID: 3},
		{Q: "rregullre", All: true},
		{Q: "administrat", UserID: 7},
		{Q: "mbrojtjen e te dhenave", Internal: true, UserID: 2, Kind: "regulation"},
		{Q: "akademia drejtesise memorandum", All: true},
		{Q: "", Internal: true, UserID: 2, Year: 2024},
		{Q: "licencimin kritere", Internal: true, Status: "draft"},
	}
	ctx := context.Background()
	for _, q := range queries { // warm up
		if _, err := ix.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		start := time.Now()
		if _, err := ix.Search(ctx, queries[i%len(queries)]); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		i++
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
