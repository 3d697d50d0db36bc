package outline

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// FuzzOutline checks what every outline and every alignment must satisfy,
// for any text: articles in order, each starting a line and ending where
// the next starts; anchors made of [a-z0-9] only; IDs carried to an
// unchanged version whole, and to any version at most once each.
func FuzzOutline(f *testing.F) {
	f.Add("## Neni 1 – Qëllimi\n\nTeksti.\n", "## Neni 2 – Qëllimi\n\nTeksti i ri.\n")
	f.Add("**Neni 5**\nFushëveprimi\n\n1. Kjo zbatohet.", "Neni 5\n\n```\n## Neni 6\n```\n")
	f.Add("Neni 8 – Gjobat\n======\n## Član 7\r\n§3 <b>x</b>", "## Члан 10 – Дефиниције\n## Neni 5.a\n")
	f.Add(art(1, "Qëllimi", textA)+art(2, "Mbikëqyrja", textB), art(1, "Gjobat", textC)+art(2, "Qëllimi", textA))
	f.Add("## Neni 1\n\nx\n\nKAPITULLI II\nTitulli\n\n## Neni 2\n", "**Neni 1**\n## POGLAVLJE III – T\nNeni 2\n\nSection 2\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		prev := Parse(a)
		checkOutline(t, a, prev)
		AssignIDs(nil, prev, "", a, NewIDs(1))
		same := Parse(a)
		AssignIDs(prev, same, a, a, NewIDs(2))
		for i := range same {
			if same[i].ID != prev[i].ID {
				t.Fatalf("unchanged article %d: ID %q, was %q", i, same[i].ID, prev[i].ID)
			}
		}
		cur := Parse(b)
		checkOutline(t, b, cur)
		AssignIDs(prev, cur, a, b, NewIDs(2))
		seen := map[string]bool{}
		for _, c := range cur {
			if c.ID == "" || seen[c.ID] {
				t.Fatalf("ID %q empty or given twice in %+v", c.ID, cur)
			}
			seen[c.ID] = true
		}
	})
}

func checkOutline(t *testing.T, body string, arts []Article) {
	t.Helper()
	divs := Divisions(body)
	for k, d := range divs {
		if d.Start < 0 || d.Start >= len(body) || d.Start > 0 && body[d.Start-1] != '\n' || k > 0 && d.Start <= divs[k-1].Start {
			t.Fatalf("division %d starts at %d, not at a line after the one before", k, d.Start)
		}
	}
	for i, a := range arts {
		if a.Start < 0 || a.Start >= len(body) || a.Start > 0 && body[a.Start-1] != '\n' {
			t.Fatalf("article %d starts at %d, not at a line", i, a.Start)
		}
		// An article ends where the next article or division starts.
		want := len(body)
		if i+1 < len(arts) {
			want = arts[i+1].Start
		}
		for _, d := range divs {
			if d.Start == a.Start {
				t.Fatalf("article %d at %d is also a division", i, a.Start)
			}
			if d.Start > a.Start {
				want = min(want, d.Start)
				break
			}
		}
		if a.End != want {
			t.Fatalf("article %d ends at %d, want %d", i, a.End, want)
		}
		if strings.Trim(a.Anchor()[len("art-"):], "abcdefghijklmnopqrstuvwxyz0123456789") != "" {
			t.Fatalf("anchor %q", a.Anchor())
		}
	}
}

// nfcShingles is Shingles with every part put in NFC first, as Shingles
// must behave.
func nfcShingles(parts ...string) []uint64 {
	var sh shingler
	for _, s := range parts {
		sh.add(norm.NFC.String(s), false)
	}
	slices.Sort(sh.set)
	return slices.Compact(sh.set)
}

// FuzzShinglesNFC checks that a text and its NFC form have the same
// shingles, the fast check for normalized text included.
func FuzzShinglesNFC(f *testing.F) {
	f.Add("Fushëveprimi e\u0308 Члан й и\u0306 \u212B Å ﬁ", "e\u0301")
	f.Fuzz(func(t *testing.T, a, b string) {
		if got, want := Shingles(a, b), nfcShingles(a, b); !slices.Equal(got, want) {
			t.Fatalf("Shingles(%q, %q) = %v, want %v", a, b, got, want)
		}
	})
}

// Every pair of runes below U+0530 (letters and combining marks alike),
// between words, gets the shingles of its NFC form.
func TestShinglesNFCPairs(t *testing.T) {
	for a := rune(0); a < 0x530; a++ {
		for b := rune(0); b < 0x530; b++ {
			s := "x" + string(a) + string(b) + " y"
			if got, want := Shingles(s), nfcShingles(s); !slices.Equal(got, want) {
				t.Fatalf("Shingles(%q) = %v, want %v", s, got, want)
			}
		}
	}
}
