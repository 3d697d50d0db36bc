package merge3

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// A merge with two conflicts comes back in parts whose Text is Merge's,
// and settling each conflict one way or the other gives exactly the text
// a reader expects, the final newline included.
func TestSplitAndSettle(t *testing.T) {
	base := "# Rregullore\n\n## Neni 1\n\nOrari 08:00–16:00.\n\n## Neni 2\n\nAfati 30 ditë.\n\n## Neni 3\n\nHyn në fuqi.\n"
	mine := mergeEdit(t, base, "08:00–16:00", "07:30–16:00", "30 ditë", "15 ditë", "Hyn në fuqi.", "Hyn në fuqi menjëherë.")
	head := mergeEdit(t, base, "08:00–16:00", "09:00–17:00", "30 ditë", "60 ditë")
	m, err := SplitContext(context.Background(), base, mine, head)
	if err != nil {
		t.Fatal(err)
	}
	want, clean := Merge(base, mine, head)
	if m.Text() != want || m.Clean() != clean || clean {
		t.Fatalf("Split's text differs from Merge's, or is clean:\n%q\n%q", m.Text(), want)
	}
	if m.Conflicts() != 2 {
		t.Fatalf("%d conflicts, want 2: %q", m.Conflicts(), want)
	}
	var cs []Part
	for _, p := range m.Parts {
		if p.Conflict {
			cs = append(cs, p)
		}
	}
	if !slices.Equal(cs[0].Mine, []string{"Orari 07:30–16:00."}) || !slices.Equal(cs[0].Head, []string{"Orari 09:00–17:00."}) ||
		!slices.Equal(cs[0].Base, []string{"Orari 08:00–16:00."}) {
		t.Errorf("first conflict = %+v", cs[0])
	}
	got, err := m.Settle([][]string{cs[0].Mine, cs[1].Head})
	if err != nil {
		t.Fatal(err)
	}
	expect := mergeEdit(t, base, "08:00–16:00", "07:30–16:00", "30 ditë", "60 ditë", "Hyn në fuqi.", "Hyn në fuqi menjëherë.")
	if got != expect {
		t.Errorf("settled one each way:\n got %q\nwant %q", got, expect)
	}
	got, _ = m.Settle([][]string{Lines("Orari sipas vendimit.\r\n"), Lines("")})
	expect = mergeEdit(t, base, "Orari 08:00–16:00.", "Orari sipas vendimit.", "Afati 30 ditë.\n", "", "Hyn në fuqi.", "Hyn në fuqi menjëherë.")
	if got != expect {
		t.Errorf("settled with typed wording and a deletion:\n got %q\nwant %q", got, expect)
	}
	if _, err := m.Settle([][]string{cs[0].Mine}); err == nil {
		t.Error("one choice for two conflicts was accepted")
	}
}

// A text without a final newline keeps it that way once settled, though
// the text with markers ends with one.
func TestSettleKeepsFinalNewline(t *testing.T) {
	m, err := SplitContext(context.Background(), "a\nb", "a\nc", "a\nd")
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Text(); got != "a\n"+mergeMarkerMine+"\nc\n"+mergeMarkerBase+"\nb\n"+mergeMarkerSep+"\nd\n"+mergeMarkerHead+"\n" {
		t.Errorf("Text = %q", got)
	}
	if got, _ := m.Settle([][]string{{"d"}}); got != "a\nd" {
		t.Errorf("Settle = %q, want %q", got, "a\nd")
	}
}

// Compare marks whole words, numbers and times (08:00, 1.000, 12/2026), and each wording is its spans.
func TestCompare(t *testing.T) {
	a, b := "Orari 08:00–16:00, çdo ditë pune.", "Orari 07:30–16:00, çdo ditë."
	spans, err := NewComparer(context.Background()).Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	var first, second, del, ins string
	for _, s := range spans {
		switch s.Kind {
		case "same":
			first, second = first+s.Text, second+s.Text
		case "del":
			first, del = first+s.Text, del+"["+s.Text+"]"
		case "ins":
			second, ins = second+s.Text, ins+"["+s.Text+"]"
		default:
			t.Fatalf("span kind %q", s.Kind)
		}
	}
	if first != a || second != b {
		t.Errorf("spans rebuild %q and %q", first, second)
	}
	if del != "[08:00][ pune]" || ins != "[07:30]" {
		t.Errorf("deleted %s, inserted %s; want the times whole", del, ins)
	}
}

// One Comparer's comparisons share one budget: many large rewritten
// wordings run it out, and every comparison after that still rebuilds
// both wordings exactly, as whole replacements.
func TestComparerBudgetIsShared(t *testing.T) {
	c := NewComparer(context.Background())
	words := make([]string, 20000)
	for i := range words {
		words[i] = fmt.Sprintf("fjala%d", i)
	}
	a := strings.Join(words, " ")
	slices.Reverse(words)
	b := strings.Join(words, " ")
	for k := range 30 {
		spans, err := c.Compare(a, b)
		if err != nil {
			t.Fatal(err)
		}
		var first, second strings.Builder
		for _, s := range spans {
			if s.Kind != "ins" {
				first.WriteString(s.Text)
			}
			if s.Kind != "del" {
				second.WriteString(s.Text)
			}
		}
		if first.String() != a || second.String() != b {
			t.Fatalf("comparison %d does not rebuild the wordings", k)
		}
	}
	if c.bud.Cuts() == 0 || c.bud.Left() > Budget/100 {
		t.Errorf("30 rewrites of 20,000 words left %d of %d steps and cut nothing", c.bud.Left(), Budget)
	}
}
