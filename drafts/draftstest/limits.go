package draftstest

import (
	"strings"
	"testing"
	"time"
)

// MaxBodyBytes is drafts.MaxBodyBytes, the largest body a version may
// have, which the pathological corpus and the adversarial inputs are sized
// to. draftstest cannot import drafts (drafts' own tests import
// draftstest), so drafts' TestBodyLimitAgrees checks the two agree.
const MaxBodyBytes = 5 << 20

// PathologicalSizes are the sizes the corpus is tried at; the largest is
// the body limit. The race detector makes goldmark ten times slower, so it
// stops at a megabyte.
func PathologicalSizes() []int {
	if Race || testing.Short() {
		return []int{16 << 10, 128 << 10}
	}
	return []int{64 << 10, 1 << 20, MaxBodyBytes}
}

// BenchRatio times f on each shape of the corpus at an eighth of the body
// limit and at the limit, and reports the ratio of the times: about 8 or
// less is linear (less when the larger one is refused early).
func BenchRatio(b *testing.B, f func(string)) {
	const n = MaxBodyBytes / 8
	for _, s := range Pathological {
		b.Run(strings.ReplaceAll(s.Name, " ", "_"), func(b *testing.B) { Ratio(b, s.Sized(n), s.Sized(8*n), f) })
	}
}

// Ratio times f on small and on large, 8 times its size, and reports the
// ratio of the times: about 8 or less is linear.
func Ratio(b *testing.B, small, large string, f func(string)) {
	var t1, t8 time.Duration
	for b.Loop() {
		start := time.Now()
		f(small)
		t1 += time.Since(start)
		start = time.Now()
		f(large)
		t8 += time.Since(start)
	}
	b.ReportMetric(float64(t8)/float64(max(t1, 1)), "ratio8N/N")
	b.ReportMetric(float64(t8.Milliseconds())/float64(b.N), "ms/8N")
}
