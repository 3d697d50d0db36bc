package merge3

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"policydesk/drafts/draftstest"
	"policydesk/drafts/textdiff"
)

// mergeAdversarial is a pathological base and two edits of it, at a size
// in bytes.
type mergeAdversarial struct {
	name string
	make func(size int) (base, mine, head string)
}

func mergeLinesOf(size int, line func(k int) string) []string {
	var out []string
	for n, k := 0, 0; n < size; k++ {
		out = append(out, line(k))
		n += len(out[k]) + 1
	}
	return out
}

func numbered(k int) string { return fmt.Sprintf("%d. Rreshti %d i rregullores.", k, k) }

var mergeAdversarials = []mergeAdversarial{
	{"head reversed the lines, mine edited one", func(size int) (string, string, string) {
		ls := mergeLinesOf(size, numbered)
		rl := slices.Clone(ls)
		slices.Reverse(rl)
		mine := slices.Clone(ls)
		mine[len(mine)/2] += " Ndryshuar."
		return strings.Join(ls, "\n"), strings.Join(mine, "\n"), strings.Join(rl, "\n")
	}},
	{"head reversed the words of one line, mine edited a word", func(size int) (string, string, string) {
		ws := mergeLinesOf(size, func(k int) string { return fmt.Sprintf("fjala%d", k) })
		rw := slices.Clone(ws)
		slices.Reverse(rw)
		mine := slices.Clone(ws)
		mine[len(mine)/2] = "ndryshuar"
		return strings.Join(ws, " "), strings.Join(mine, " "), strings.Join(rw, " ")
	}},
	{"both rewrote alternate lines, in CRLF and LF", func(size int) (string, string, string) {
		ls := mergeLinesOf(size, numbered)
		mine, head := slices.Clone(ls), slices.Clone(ls)
		for k := range ls {
			if k%2 == 0 {
				mine[k] += " (a)"
			} else {
				head[k] += " (b)"
			}
		}
		return strings.Join(ls, "\r\n"), strings.Join(mine, "\n"), strings.Join(head, "\r\n")
	}},
	{"repeated lines moved", func(size int) (string, string, string) {
		ls := mergeLinesOf(size, func(k int) string { return "1. E njëjta fjali." })
		for k := 0; k < len(ls); k += 50 {
			ls[k] = numbered(k)
		}
		mine := append(slices.Clone(ls[len(ls)/3:]), ls[:len(ls)/3]...)
		head := slices.Clone(ls)
		head[1] = "1. Fjali tjetër."
		return strings.Join(ls, "\n"), strings.Join(mine, "\n"), strings.Join(head, "\n")
	}},
}

// checkNothingLost fails unless every line of mine and head is in merged.
func checkNothingLost(t *testing.T, merged string, sides ...string) {
	t.Helper()
	have := map[string]bool{}
	for _, l := range strings.Split(merged, "\n") {
		have[l] = true
	}
	for _, side := range sides {
		for _, l := range strings.Split(mergeNormalize(side), "\n") {
			if !have[l] {
				t.Fatalf("line %.60q lost", l)
			}
		}
	}
}

// TestMerge3Adversarial merges each shape at 1 MiB: nothing is lost, and
// each side's diffs stay within MergeBudget steps plus the linear work of
// giving up.
func TestMerge3Adversarial(t *testing.T) {
	for _, adv := range mergeAdversarials {
		t.Run(adv.name, func(t *testing.T) {
			base, mine, head := adv.make(1 << 20)
			m := merger{textdiffBudget(), textdiffBudget()}
			merged, clean := m.texts(mergeNormalize(base), mergeNormalize(mine), mergeNormalize(head))
			for side, spent := range map[string]int64{"mine": Budget - m.mine.Left(), "head": Budget - m.head.Left()} {
				if spent > Budget {
					t.Errorf("%s spent %d steps of %d", side, spent, Budget)
				}
			}
			if !clean {
				checkNothingLost(t, merged, mine, head)
			}
			again, clean2 := Merge(base, mine, head)
			if again != merged || clean2 != clean {
				t.Error("two merges of the same texts differ")
			}
			swapped, clean3 := Merge(base, head, mine)
			if clean3 != clean || clean && swapped != merged {
				t.Error("swapping the sides changes the merge")
			}
		})
	}
}

// TestMerge3ContextCancelled checks that a merge whose request ended stops
// and returns the context's error.
func TestMerge3ContextCancelled(t *testing.T) {
	base, mine, head := mergeAdversarials[0].make(1 << 20)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := MergeContext(ctx, base, mine, head); err != context.Canceled {
		t.Fatalf("Merge3Context with a cancelled context: %v", err)
	}
}

// BenchmarkMerge3Adversarial times each shape at N, 2N, 4N and 8N bytes (8N
// is the 5 MiB body limit) and reports time(8N)/time(N).
//
//	go test -run '^$' -bench Merge3Adversarial -benchtime 1x ./drafts/merge3/
func BenchmarkMerge3Adversarial(b *testing.B) {
	const n = draftstest.MaxBodyBytes / 8
	for _, adv := range mergeAdversarials {
		b.Run(strings.ReplaceAll(adv.name, " ", "_"), func(b *testing.B) {
			var times [4]time.Duration
			for b.Loop() {
				for k := range times {
					base, mine, head := adv.make(n << k)
					ds := make([]time.Duration, 3)
					for i := range ds {
						start := time.Now()
						Merge(base, mine, head)
						ds[i] = time.Since(start)
					}
					slices.Sort(ds)
					times[k] = ds[1]
				}
			}
			for k, d := range times {
				b.ReportMetric(float64(d.Milliseconds()), fmt.Sprintf("ms@%dN", 1<<k))
			}
			b.ReportMetric(float64(times[3])/float64(times[0]), "ratio8N/N")
		})
	}
}

func textdiffBudget() *textdiff.Budget { return textdiff.NewBudget(nil, Budget) }
