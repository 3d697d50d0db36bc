package search

import (
	"slices"
	"testing"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Fëmijëve":           "femijeve",
		"QENDRAVE DITORE":    "qendrave ditore",
		"Çështje":            "ceshtje",
		"Čačak Ćuprija":      "cacak cuprija",
		"Šabac Žabalj":       "sabac zabalj",
		"Đorđe":              "djordje",
		"ĐORĐE":              "djordje",
		"Закон о раду":       "zakon o radu",
		"Ђорђе Џаковић":      "djordje dzakovic",
		"Љубљана Његош":      "ljubljana njegos",
		"Ћирилица Чачак Жив": "cirilica cacak ziv",
		"plain ascii":        "plain ascii",
		"e\u0308 decomposed": "e decomposed",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFoldVariants(t *testing.T) {
	for in, want := range map[string][]string{
		"Đorđe":   {"djordje", "dorde"},
		"Ђорђе":   {"djordje", "dorde"},
		"Djordje": {"djordje"},
		"fëmijë":  {"femije"},
	} {
		if got := FoldVariants(in); !slices.Equal(got, want) {
			t.Errorf("FoldVariants(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTypos(t *testing.T) {
	for n, want := range map[int]int{1: 0, 4: 0, 5: 1, 8: 1, 9: 2, 20: 2} {
		if got := Typos(n); got != want {
			t.Errorf("Typos(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestTerms(t *testing.T) {
	got := Terms("Qendrave  ditore, Đorđe")
	if len(got) != 3 || got[0].Variants[0] != "qendrave" || got[0].Typos != 1 || got[0].Prefix ||
		!slices.Equal(got[2].Variants, []string{"djordje", "dorde"}) || !got[2].Prefix {
		t.Fatalf("Terms = %+v", got)
	}
}
