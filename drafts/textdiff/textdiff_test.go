package textdiff

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"testing"
)

// apply rebuilds b from a and the hunks, checking that they are ordered,
// separated by equal elements, and consistent with both lengths.
func apply(t *testing.T, a, b []int, hunks []Hunk) (rebuilt []int, edits int) {
	t.Helper()
	pos, bpos := 0, 0
	for k, h := range hunks {
		if h.A0 < pos || h.A1 < h.A0 || h.B1 < h.B0 || h.A0-pos != h.B0-bpos {
			t.Fatalf("bad hunk %+v in %v", h, hunks)
		}
		if k > 0 && h.A0 == pos && h.B0 == bpos {
			t.Fatalf("hunks %+v and %+v touch", hunks[k-1], h)
		}
		rebuilt = append(rebuilt, a[pos:h.A0]...)
		rebuilt = append(rebuilt, b[h.B0:h.B1]...)
		pos, bpos = h.A1, h.B1
		edits += h.A1 - h.A0 + h.B1 - h.B0
	}
	rebuilt = append(rebuilt, a[pos:]...)
	if len(a)-pos != len(b)-bpos {
		t.Fatalf("hunks %v leave %d of a and %d of b", hunks, len(a)-pos, len(b)-bpos)
	}
	return rebuilt, edits
}

func lcs(a, b []int) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

func randSeq(rng *rand.Rand, n, alpha int) []int {
	s := make([]int, rng.Intn(n))
	for i := range s {
		s[i] = rng.Intn(alpha)
	}
	return s
}

// TestDiffMinimal checks the script against a quadratic LCS on small random
// inputs: it must rebuild b and be minimal.
func TestDiffMinimal(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for iter := 0; iter < 5000; iter++ {
		alpha := 1 + rng.Intn(6)
		a, b := randSeq(rng, 20, alpha), randSeq(rng, 20, alpha)
		bud := Unlimited()
		hunks := Diff(a, b, bud)
		rebuilt, edits := apply(t, a, b, hunks)
		if !slices.Equal(rebuilt, b) {
			t.Fatalf("diff %v of %v -> %v rebuilds %v", hunks, a, b, rebuilt)
		}
		if want := len(a) + len(b) - 2*lcs(a, b); edits != want {
			t.Fatalf("diff %v of %v -> %v has %d edits, minimum %d", hunks, a, b, edits, want)
		}
		if bud.Cuts() != 0 {
			t.Fatal("an unlimited budget was cut")
		}
	}
}

// TestDiffBudgetExact checks that a script cut short by any budget, however
// small, still rebuilds b, says it was cut, and is the same every time.
func TestDiffBudgetExact(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for iter := 0; iter < 3000; iter++ {
		alpha := 1 + rng.Intn(8)
		a, b := randSeq(rng, 60, alpha), randSeq(rng, 60, alpha)
		steps := int64(rng.Intn(200))
		hunks := Diff(a, b, NewBudget(context.Background(), steps))
		rebuilt, edits := apply(t, a, b, hunks)
		if !slices.Equal(rebuilt, b) {
			t.Fatalf("budget %d: diff %v of %v -> %v rebuilds %v", steps, hunks, a, b, rebuilt)
		}
		bud := NewBudget(context.Background(), steps)
		again := Diff(a, b, bud)
		if !slices.Equal(hunks, again) {
			t.Fatalf("budget %d: two runs differ: %v / %v", steps, hunks, again)
		}
		if want := len(a) + len(b) - 2*lcs(a, b); edits != want && bud.Cuts() == 0 {
			t.Fatalf("budget %d: non-minimal diff (%d edits, minimum %d) not reported as cut", steps, edits, want)
		}
	}
}

// reversed is 0..n-1 against n-1..0: Myers' worst case, D = 2n-2.
func reversed(n int) (a, b []int) {
	a, b = make([]int, n), make([]int, n)
	for i := range a {
		a[i], b[n-1-i] = i, i
	}
	return a, b
}

// TestDiffBoundedWork checks that the steps spent never exceed the budget by
// more than the linear work of giving up, whatever the input's shape.
func TestDiffBoundedWork(t *testing.T) {
	const budget = 1 << 20
	shapes := map[string]func(n int) ([]int, []int){
		"reversed": reversed,
		"unrelated": func(n int) ([]int, []int) {
			a, b := make([]int, n), make([]int, n)
			for i := range a {
				a[i], b[i] = i, n+i
			}
			return a, b
		},
		"alternating": func(n int) ([]int, []int) {
			a, b := make([]int, n), make([]int, n)
			for i := range a {
				a[i], b[i] = i%2, (i+1)%2
				if i%7 == 0 {
					b[i] = 2
				}
			}
			return a, b
		},
		"repeated": func(n int) ([]int, []int) {
			a, b := make([]int, n), make([]int, n/2)
			for i := range b {
				b[i] = 1
			}
			return a, b
		},
	}
	for name, shape := range shapes {
		for _, n := range []int{1 << 12, 1 << 14, 1 << 16} {
			a, b := shape(n)
			bud := NewBudget(context.Background(), budget)
			hunks := Diff(a, b, bud)
			rebuilt, _ := apply(t, a, b, hunks)
			if !slices.Equal(rebuilt, b) {
				t.Fatalf("%s %d: does not rebuild", name, n)
			}
			if spent := budget - bud.Left(); spent > budget {
				t.Fatalf("%s %d: spent %d of %d", name, n, spent, budget)
			}
			t.Logf("%s n=%d: %d hunks, %d steps, cut %d", name, n, len(hunks), budget-bud.Left(), bud.Cuts())
		}
	}
	a, b := reversed(1 << 14)
	bud := NewBudget(context.Background(), budget)
	Diff(a, b, bud)
	if bud.Cuts() == 0 {
		t.Fatal("reversing 16,384 elements fits a budget of 2^20 steps; it should not")
	}
}

// TestDiffContextCancelled checks that a cancelled context stops the work
// within one check interval and is reported.
func TestDiffContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	a, b := reversed(1 << 15)
	bud := NewBudget(ctx, 1<<40)
	Diff(a, b, bud)
	if bud.Err() != context.Canceled {
		t.Fatalf("Err = %v", bud.Err())
	}
	if spent := int64(1<<40) - bud.Left(); spent > 4*checkEvery {
		t.Fatalf("spent %d steps after the context ended", spent)
	}
}

func TestDiffExamples(t *testing.T) {
	tests := []struct {
		a, b string
		want []Hunk
	}{
		{"abc", "abc", nil},
		{"", "ab", []Hunk{{0, 0, 0, 2}}},
		{"abc", "axc", []Hunk{{1, 2, 1, 2}}},
		{"abcd", "xbcdy", []Hunk{{0, 1, 0, 1}, {4, 4, 4, 5}}},
		{"bc", "abcd", []Hunk{{0, 0, 0, 1}, {2, 2, 3, 4}}},
		{"abcabba", "cbabac", nil}, // checked for minimality below
	}
	for _, tc := range tests {
		a, b := []rune(tc.a), []rune(tc.b)
		got := Diff(a, b, Unlimited())
		if tc.want != nil && fmt.Sprint(got) != fmt.Sprint(tc.want) || tc.want == nil && tc.a == tc.b && len(got) != 0 {
			t.Errorf("Diff(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// FuzzDiff holds the contract for any two byte strings and any budget: the
// hunks rebuild b from a, the same inputs give the same hunks, and a script
// that is not minimal says it was cut (small inputs are checked against a
// quadratic LCS).
func FuzzDiff(f *testing.F) {
	f.Add([]byte("Neni 1 Neni 2"), []byte("Neni 2 Neni 1"), uint16(0))
	f.Add([]byte("abcabba"), []byte("cbabac"), uint16(7))
	f.Add([]byte(""), []byte("x"), uint16(1))
	f.Fuzz(func(t *testing.T, ab, bb []byte, steps uint16) {
		if len(ab) > 400 || len(bb) > 400 {
			return
		}
		a, b := make([]int, len(ab)), make([]int, len(bb))
		for i, c := range ab {
			a[i] = int(c)
		}
		for i, c := range bb {
			b[i] = int(c)
		}
		bud := NewBudget(context.Background(), int64(steps))
		hunks := Diff(a, b, bud)
		rebuilt, edits := apply(t, a, b, hunks)
		if !slices.Equal(rebuilt, b) {
			t.Fatalf("diff %v rebuilds %v, want %v", hunks, rebuilt, b)
		}
		if again := Diff(a, b, NewBudget(context.Background(), int64(steps))); !slices.Equal(hunks, again) {
			t.Fatalf("two runs differ: %v / %v", hunks, again)
		}
		if len(a) <= 60 && len(b) <= 60 && bud.Cuts() == 0 {
			if want := len(a) + len(b) - 2*lcs(a, b); edits != want {
				t.Fatalf("%d edits, minimum %d, and no cut reported", edits, want)
			}
		}
	})
}
