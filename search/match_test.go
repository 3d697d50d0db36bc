package search

import "testing"

// TestMatchesFolded checks a snippet's matcher with one query term.
func TestMatchesFolded(t *testing.T) {
	for _, c := range []struct {
		word, term string
		prefix     bool
		want       bool
	}{
		{"rregullore", "rregullore", false, true},
		{"rregullore", "rregullre", false, true}, // deletion, 9 letters
		{"rregullore", "rregulore", false, true}, // deletion
		{"rregullore", "rregulroe", false, true}, // transposition + deletion: 2
		{"rregullore", "rrgulroe", false, false}, // 8 letters: one typo only
		{"ligji", "lgiji", false, true},          // transposition counts once
		{"ligj", "ligi", false, false},           // 4 letters: no typo
		{"administrative", "administrat", true, true},
		{"administrativeness", "administrat", false, false}, // neither a completion nor another form
		{"femijes", "femijeve", false, true},                // another form (same stem)
		{"qendrim", "qendra", false, false},                 // another word
	} {
		m := newMatcher([]Term{{Variants: []string{c.term}, Prefix: c.prefix}}, "sq")
		if got := m.matchesFolded([]byte(c.word)); got != c.want {
			t.Errorf("matching %q with term %q (prefix %v) = %v, want %v", c.word, c.term, c.prefix, got, c.want)
		}
	}
}
