package anchor_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"policydesk/review/anchor"
	"policydesk/review/redline"
)

// nearMatches are bodies full of text that matches a long quote almost or
// wholly, with the selector a reviewer could send (quote up to 5,000
// characters, prefix and suffix up to 500).
func nearMatches(size int) map[string]struct {
	body string
	sel  anchor.Selector
} {
	quote := strings.Repeat("a", 5000)
	out := map[string]struct {
		body string
		sel  anchor.Selector
	}{}
	// Every offset is an occurrence, and every occurrence's context agrees
	// with the prefix and suffix as far as they go.
	out["one letter repeated"] = struct {
		body string
		sel  anchor.Selector
	}{strings.Repeat("a", size), anchor.Selector{Quote: quote, Prefix: strings.Repeat("a", 500), Suffix: strings.Repeat("a", 500)}}
	// No exact occurrence: every near match fails on its last letter, so
	// each view mode is tried.
	out["near misses"] = struct {
		body string
		sel  anchor.Selector
	}{strings.Repeat(strings.Repeat("a", 4999)+"b ", size/5001), anchor.Selector{Quote: quote + "c"}}
	// A common word everywhere, the selector's context says which.
	var b strings.Builder
	for k := 0; b.Len() < size; k++ {
		fmt.Fprintf(&b, "e fëmijëve %d ", k)
	}
	out["common word"] = struct {
		body string
		sel  anchor.Selector
	}{b.String(), anchor.Selector{Quote: "e", Prefix: "fëmijëve 77776 ", Suffix: " fëmijëve 77777"}}
	return out
}

// TestLocateBounded checks that locating a quote in 5 MiB of near matches is
// quick, finds what is there, and prefers the context's occurrence.
func TestLocateBounded(t *testing.T) {
	for name, c := range nearMatches(5 << 20) {
		start := time.Now()
		s, e, ok := anchor.Locate(c.body, c.sel)
		took := time.Since(start)
		t.Logf("%s: %v", name, took)
		// 0.2 s measured (2.4 s under the race detector); before the
		// bound, the first case took 67 s.
		if took > 10*time.Second {
			t.Errorf("%s: took %v", name, took)
		}
		switch name {
		case "near misses":
			if ok {
				t.Errorf("%s: found %d,%d", name, s, e)
			}
		case "common word":
			if want := strings.Index(c.body, c.sel.Prefix+"e") + len(c.sel.Prefix); !ok || s != want {
				t.Errorf("%s: found %v at %d, want %d", name, ok, s, want)
			}
		default:
			if !ok || c.body[s:e] != c.sel.Quote {
				t.Errorf("%s: found %v %d,%d", name, ok, s, e)
			}
		}
	}
}

// TestRemapThroughBoundedRedline maps spans through a redline cut short by
// its budget: every span maps inside b, and a span in a coarse article
// is outdated, never "intact" with other words.
func TestRemapThroughBoundedRedline(t *testing.T) {
	var ls []string
	for k := range 16000 {
		ls = append(ls, fmt.Sprintf("%d. Rreshti %d i tekstit.\n", k, k))
	}
	a := strings.Join(ls, "")
	for i, j := 0, len(ls)-1; i < j; i, j = i+1, j-1 {
		ls[i], ls[j] = ls[j], ls[i]
	}
	b := strings.Join(ls, "")
	r := redline.Compute(a, b, nil, nil)
	if !r.Bounded {
		t.Fatal("the redline is not bounded")
	}
	m := anchor.NewMapper(r)
	for start := 0; start+30 < len(a); start += 4099 {
		ns, ne, intact, ok := m.Map(start, start+30)
		if !ok || ns < 0 || ne < ns || ne > len(b) {
			t.Fatalf("span %d mapped to %d,%d ok %v", start, ns, ne, ok)
		}
		if intact && b[ns:ne] != a[start:start+30] {
			t.Fatalf("intact span %q mapped to %q", a[start:start+30], b[ns:ne])
		}
	}
}

// TestOffsetsAgree checks the indexed conversions against the plain ones on
// every offset of texts with one- to four-byte characters and a stray byte.
func TestOffsetsAgree(t *testing.T) {
	for _, s := range []string{"", "a", "aë€😀b", strings.Repeat("aë€😀b", 3000), strings.Repeat("ë", 5000) + "\xff" + strings.Repeat("x", 4095)} {
		o := anchor.NewOffsets(s)
		for b := -1; b <= len(s)+1; b++ {
			if got, want := o.RuneOffset(b), anchor.RuneOffset(s, b); got != want {
				t.Fatalf("len %d: RuneOffset(%d) = %d, want %d", len(s), b, got, want)
			}
		}
		for r := -1; r <= len(s)+1; r++ {
			if got, want := o.ByteOffset(r), anchor.ByteOffset(s, r); got != want {
				t.Fatalf("len %d: ByteOffset(%d) = %d, want %d", len(s), r, got, want)
			}
		}
	}
}
