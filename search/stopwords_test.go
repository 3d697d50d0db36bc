package search

import (
	"slices"
	"strings"
	"testing"
)

func termWords(q string) []string {
	var out []string
	for _, t := range Terms(q) {
		out = append(out, t.Variants[0])
	}
	return out
}

func TestTermsLeaveOutStopWords(t *testing.T) {
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"mbrojtja e fëmijëve", []string{"mbrojtja", "femijeve"}},
		{"dhuna ndaj fëmijëve", []string{"dhuna", "femijeve"}},
		{"zaštita dece od nasilja", []string{"zastita", "dece", "nasilja"}},
		{"заштита деце од насиља", []string{"zastita", "dece", "nasilja"}}, // Cyrillic stop words too
		{"termination of the memorandum", []string{"termination", "memorandum"}},
		{"E Të", []string{"e", "te"}},                                    // only stop words: kept
		{"the", []string{"the"}},                                         // alone: kept
		{`"mbrojtja e fëmijëve"`, []string{"mbrojtja", "e", "femijeve"}}, // quoted: kept
		{`mbrojtja „e” fëmijëve`, []string{"mbrojtja", "e", "femijeve"}}, // typographic quotes
		{`"the" of children`, []string{"the", "children"}},               // only the quoted one
		{`"unclosed e quote`, []string{"unclosed", "e", "quote"}},        // a quote opened runs to the end
		{"qendrat ditore", []string{"qendrat", "ditore"}},                // nothing to leave out
		{"", nil},
	} {
		if got := termWords(c.q); !slices.Equal(got, c.want) {
			t.Errorf("Terms(%q) = %q, want %q", c.q, got, c.want)
		}
	}
	// The last word left is the one completed as a prefix.
	terms := Terms("mbrojtja e")
	if len(terms) != 1 || !terms[0].Prefix {
		t.Errorf("Terms(%q) = %+v, want one prefix term", "mbrojtja e", terms)
	}
}

func TestSnippetNeverMarksStopWords(t *testing.T) {
	text := "Mbrojtja e fëmijëve dhe e të rinjve është detyrë e të gjithëve."
	for _, q := range []string{"mbrojtja e fëmijëve", `"e"`, "e", "të"} {
		s := Snippet(text, q, 200)
		for _, stop := range []string{"<mark>e</mark>", "<mark>të</mark>", "<mark>dhe</mark>"} {
			if strings.Contains(s, stop) {
				t.Errorf("Snippet for %q marks a stop word: %s", q, s)
			}
		}
	}
	if s := Snippet(text, "mbrojtja e fëmijëve", 200); !strings.Contains(s, "<mark>Mbrojtja</mark>") ||
		!strings.Contains(s, "<mark>fëmijëve</mark>") {
		t.Errorf("Snippet does not mark the words: %s", s)
	}
}
