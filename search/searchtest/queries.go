package searchtest

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"policydesk/search"
)

// TypedQueries returns n queries as people type them over texts: one to
// three words drawn from the texts (so common words are common), one in
// five with a letter replaced in a word of five letters or more (a typo),
// and a third of the last words cut short, to at least three letters
// (search as you type). The same seed gives the same queries.
func TypedQueries(texts []string, n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, seed))
	out := make([]string, n)
	for i := range out {
		words := search.Words(texts[r.IntN(len(texts))])
		q := make([]string, 1+r.IntN(3))
		for j := range q {
			w := []rune(words[r.IntN(len(words))])
			if len(w) >= 5 && r.IntN(5) == 0 {
				w[1+r.IntN(len(w)-2)] = 'x'
			}
			if j == len(q)-1 && len(w) > 3 && r.IntN(3) == 0 {
				w = w[:3+r.IntN(len(w)-3)]
			}
			q[j] = string(w)
		}
		out[i] = strings.Join(q, " ")
	}
	return out
}

// ReportLatency reports the median and the 99th percentile of lat, in
// milliseconds, as the metrics p50-ms and p99-ms of b.
func ReportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		b.Fatal("no latencies measured")
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
