package redline_test

import (
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"policydesk/drafts/draftstest"
	"policydesk/drafts/outline"
	"policydesk/review/redline"
)

// adversarial is one pathological shape of a pair of versions, made at a
// given size in bytes (of a; b is about as long).
type adversarial struct {
	name string
	make func(size int) (a, b string)
	// bounded says whether the shape exceeds the budget at 1 MiB: the
	// redline must then say so, and must not say so otherwise.
	bounded bool
	ids     bool // compare with outlines carrying IDs, as stored versions do
}

// line k of a numbered text, about 50 bytes.
func numberedLine(k int) string {
	return fmt.Sprintf("%d. Rreshti %d i tekstit për mbrojtjen e fëmijëve.\n", k, k)
}

func lines(size int, line func(k int) string) []string {
	var out []string
	for n, k := 0, 0; n < size; k++ {
		l := line(k)
		out = append(out, l)
		n += len(l)
	}
	return out
}

func reversedCopy(xs []string) []string {
	r := slices.Clone(xs)
	slices.Reverse(r)
	return r
}

// words draws n words from a vocabulary of the given size, skewed so that
// some words are common, as in prose.
func words(rnd *rand.Rand, n, vocab int, prefix string) []string {
	w := make([]string, n)
	for i := range w {
		w[i] = fmt.Sprintf("%s%d", prefix, int(float64(vocab)*rnd.Float64()*rnd.Float64()))
	}
	return w
}

// paragraphs joins words into lines of 40 words separated by blank lines.
func paragraphs(w []string) string {
	var sb strings.Builder
	for i, x := range w {
		switch {
		case i > 0 && i%40 == 0:
			sb.WriteString(".\n\n")
		case i > 0:
			sb.WriteByte(' ')
		}
		sb.WriteString(x)
	}
	sb.WriteString(".\n")
	return sb.String()
}

var adversarials = []adversarial{
	{name: "lines reversed", bounded: true, make: func(size int) (string, string) {
		ls := lines(size, numberedLine)
		return strings.Join(ls, ""), strings.Join(reversedCopy(ls), "")
	}},
	{name: "words on one line reversed", bounded: true, make: func(size int) (string, string) {
		w := lines(size, func(k int) string { return fmt.Sprintf("fjala%d ", k) })
		return strings.Join(w, ""), strings.Join(reversedCopy(w), "")
	}},
	// Paragraph by paragraph, each pair a word diff and a cleanup: some
	// 0.4 s of work at 1 MiB without a bound, so the budget is reached.
	{name: "two unrelated texts", bounded: true, make: func(size int) (string, string) {
		rnd := rand.New(rand.NewSource(1))
		n := size / 8
		return paragraphs(words(rnd, n, 2000, "fjala")), paragraphs(words(rnd, n, 2000, "fjala"))
	}},
	{name: "two unrelated texts on one line each", bounded: true, make: func(size int) (string, string) {
		rnd := rand.New(rand.NewSource(2))
		n := size / 8
		return strings.Join(words(rnd, n, 2000, "fjala"), " "), strings.Join(words(rnd, n, 2000, "fjala"), " ")
	}},
	{name: "alternating lines", make: func(size int) (string, string) {
		a := lines(size, func(k int) string {
			if k%2 == 0 {
				return "Neni i njëjtë.\n"
			}
			return numberedLine(k)
		})
		b := slices.Clone(a)
		for k := range b {
			if k%2 == 0 {
				b[k] = numberedLine(k + 1)
			} else {
				b[k] = "Neni i njëjtë.\n"
			}
		}
		return strings.Join(a, ""), strings.Join(b, "")
	}},
	{name: "tiny articles renumbered and shuffled", make: func(size int) (string, string) {
		art := func(num, k int) string {
			return fmt.Sprintf("## Neni %d\n\nOrganet e komunës zbatojnë këtë nen %d.\n\n", num, k%5)
		}
		arts := lines(size, func(k int) string { return art(k+1, k) })
		rnd := rand.New(rand.NewSource(3))
		perm := rnd.Perm(len(arts))
		b := make([]string, len(arts))
		for j, k := range perm {
			b[j] = art(j+1, k+1) // renumbered, and every text shifted by one
		}
		return strings.Join(arts, ""), strings.Join(b, "")
	}},
	{name: "tiny articles moved, with ids", ids: true, make: func(size int) (string, string) {
		art := func(k int) string {
			return fmt.Sprintf("## Neni %d\n\nOrganet e komunës zbatojnë nenin %d.\n\n", k+1, k)
		}
		arts := lines(size, art)
		rnd := rand.New(rand.NewSource(4))
		b := slices.Clone(arts)
		rnd.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
		return strings.Join(arts, ""), strings.Join(b, "")
	}},
	{name: "one huge article against many", bounded: false, make: func(size int) (string, string) {
		ls := lines(size, numberedLine)
		var b strings.Builder
		for k, l := range ls {
			if k%10 == 0 {
				fmt.Fprintf(&b, "## Neni %d\n\n", k/10+1)
			}
			b.WriteString(l)
		}
		return "## Neni 1\n\n" + strings.Join(ls, ""), b.String()
	}},
	{name: "repeated identical lines", bounded: true, make: func(size int) (string, string) {
		a := lines(size, func(int) string { return "1. E njëjta fjali për të gjithë.\n" })
		b := slices.Clone(a)
		for k := 0; k < len(b); k += 97 {
			b[k] = "1. Një fjali tjetër.\n"
		}
		return strings.Join(a, ""), strings.Join(b[:len(b)-len(b)/7], "")
	}},
	// Numbers are scanned as units (number.go): none of these may cost
	// more than a pass over the text.
	{name: "one long digit run", make: func(size int) (string, string) {
		a := strings.Repeat("1234567890", size/10)
		b := []byte(a)
		for k := 0; k < len(b); k += 1009 {
			b[k] = 'x' // a letter breaks the run now and then in b only
		}
		return a, string(b)
	}},
	{name: "digits and dots alternating", make: func(size int) (string, string) {
		a := strings.Repeat("1.", size/2)
		return a, strings.Replace(a, "1.1.", "1.2.", 1) + "."
	}},
	{name: "near-numbers on one line", bounded: true, make: func(size int) (string, string) {
		// Almost a date, almost a group of three, separators without digits:
		// every look-ahead fails at its last byte.
		w := lines(size, func(k int) string {
			return fmt.Sprintf("%d-11-3 10\u00a0%02d 1.,%d:/ 2026-1%d-30 ", k%10000, k%100, k%7, k%10)
		})
		return strings.Join(w, ""), strings.Join(reversedCopy(w), "")
	}},
	{name: "chapters renumbered and shuffled", make: func(size int) (string, string) {
		chapter := func(num, k int) string {
			return fmt.Sprintf("## KAPITULLI %d – Titulli %d\n\n## Neni %d\n\nOrganet zbatojnë nenin %d.\n\n", num, k, num, k%5)
		}
		a := lines(size, func(k int) string { return chapter(k+1, k) })
		perm := rand.New(rand.NewSource(5)).Perm(len(a))
		b := make([]string, len(a))
		for j, k := range perm {
			b[j] = chapter(j+1, k)
		}
		return strings.Join(a, ""), strings.Join(b, "")
	}},
	{name: "repeated words on one line", bounded: true, make: func(size int) (string, string) {
		a := strings.Repeat("fjala ", size/6)
		b := []byte(a)
		for k := 0; k+6 < len(b); k += 6 * 101 {
			copy(b[k:], "tjetr ")
		}
		return a, string(b)
	}},
}

func computePair(a, b string, ids bool) *redline.Redline {
	if ids {
		ao, bo := outlines(a, b)
		return redline.Compute(a, b, ao, bo)
	}
	return redline.Compute(a, b, nil, nil)
}

// TestAdversarialBounded runs every shape at 1 MiB: the ops rebuild both
// texts, the flag is set exactly when the shape exceeds the budget, and two
// computations give the same redline.
func TestAdversarialBounded(t *testing.T) {
	const size = 1 << 20
	for _, adv := range adversarials {
		t.Run(adv.name, func(t *testing.T) {
			a, b := adv.make(size)
			r := computePair(a, b, adv.ids)
			checkReconstruct(t, r, a, b)
			if r.Bounded != adv.bounded {
				t.Errorf("bounded = %v, want %v", r.Bounded, adv.bounded)
			}
			flagged := false
			for _, art := range r.Articles {
				flagged = flagged || art.Bounded
			}
			if r.Bounded && !flagged && len(r.Articles) < 100 {
				t.Error("the redline is bounded but no article says so")
			}
			if again := computePair(a, b, adv.ids); !reflect.DeepEqual(r, again) {
				t.Error("two computations of the same pair differ")
			}
		})
	}
}

// TestFindingInputs are the two inputs of the issue: a version of 16,000
// lines reversed, and 16,000 words on one line reversed. Before the budget
// they took 5.6 s and 30 s and could not be stopped.
func TestFindingInputs(t *testing.T) {
	for _, pair := range findingPairs() {
		r := redline.Compute(pair[0], pair[1], nil, nil)
		if !r.Bounded {
			t.Errorf("%d bytes reversed: not bounded", len(pair[0]))
		}
		checkReconstruct(t, r, pair[0], pair[1])
	}
}

// findingPairs returns 16,000 lines reversed and 16,000 words on one line
// reversed.
func findingPairs() [][2]string {
	ls := make([]string, 16000)
	ws := make([]string, 16000)
	for k := range ls {
		ls[k] = numberedLine(k)
		ws[k] = fmt.Sprintf("fjala%d", k)
	}
	return [][2]string{
		{strings.Join(ls, ""), strings.Join(reversedCopy(ls), "")},
		{strings.Join(ws, " "), strings.Join(reversedCopy(ws), " ")},
	}
}

// TestRealisticUnbounded checks that generated regulations and their
// revisions, up to the size limit, never reach the budget.
func TestRealisticUnbounded(t *testing.T) {
	for _, size := range []struct{ arts, words int }{{100, 60000}, {500, 300000}, {1500, 650000}} {
		p := genPair(t, size.arts, size.words, 7)
		if len(p.b) > draftstest.MaxBodyBytes {
			t.Fatalf("%d bytes is over the body limit", len(p.b))
		}
		for _, ids := range []bool{true, false} {
			ao, bo := p.aOut, p.bOut
			if !ids {
				ao, bo = nil, nil
			}
			if r := redline.Compute(p.a, p.b, ao, bo); r.Bounded {
				t.Errorf("%d articles, %d bytes, ids %v: bounded", size.arts, len(p.a), ids)
			}
		}
	}
}

// TestComputeContextCancelled checks that a redline whose context has ended
// returns the context's error instead of a redline.
func TestComputeContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	pair := findingPairs()[0]
	r, err := redline.ComputeContext(ctx, pair[0], pair[1], nil, nil)
	if err != context.Canceled || r != nil {
		t.Fatalf("ComputeContext with a cancelled context = %v, %v", r != nil, err)
	}
}

// BenchmarkAdversarial times every shape at N, 2N, 4N and 8N bytes (8N is
// the 5 MiB body limit) in one run and reports the time at 8N and the
// ratio time(8N)/time(N): about 8 or less is linear or bounded, a
// quadratic cost would show 64.
//
//	go test -run '^$' -bench Adversarial -benchtime 1x ./review/redline/
func BenchmarkAdversarial(b *testing.B) {
	const n = draftstest.MaxBodyBytes / 8
	for _, adv := range adversarials {
		b.Run(strings.ReplaceAll(adv.name, " ", "_"), func(b *testing.B) {
			var times [4]time.Duration
			for b.Loop() {
				for k := range times {
					a, c := adv.make(n << k)
					var ao, co []outline.Article // made when a version is saved, not per redline
					if adv.ids {
						ao, co = outlines(a, c)
					}
					times[k] = medianOf(3, func() { redline.Compute(a, c, ao, co) })
				}
			}
			for k, d := range times {
				b.ReportMetric(float64(d.Milliseconds()), fmt.Sprintf("ms@%dN", 1<<k))
			}
			b.ReportMetric(float64(times[3])/float64(times[0]), "ratio8N/N")
		})
	}
}

func medianOf(runs int, f func()) time.Duration {
	ds := make([]time.Duration, runs)
	for i := range ds {
		start := time.Now()
		f()
		ds[i] = time.Since(start)
	}
	return median(ds)
}
