package search

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitText(t *testing.T) {
	para := strings.Repeat("Fëmijët në Qendrat Ditore marrin kujdes. ", 30) + "\n\n"
	for _, c := range []struct {
		name, text string
	}{
		{"empty", ""},
		{"short", "Shënime."},
		{"paragraphs", strings.Repeat(para, 40)},
		{"one line", strings.Repeat("fjalë ", 20000)},
		{"no spaces", strings.Repeat("ëëëë", 20000)}, // two-byte runes, no break anywhere
	} {
		parts := splitText(c.text, 1000)
		if got := strings.Join(parts, ""); got != c.text {
			t.Errorf("%s: parts do not join back into the text", c.name)
		}
		for i, p := range parts {
			if len(p) > 1000 || !utf8.ValidString(p) || (p == "" && len(parts) > 1) {
				t.Errorf("%s: part %d has %d bytes, valid UTF-8 %v", c.name, i, len(p), utf8.ValidString(p))
			}
			if c.name == "paragraphs" && i < len(parts)-1 && !strings.HasSuffix(p, " ") && !strings.HasSuffix(p, "\n") {
				t.Errorf("%s: part %d cut inside a word: …%q", c.name, i, p[max(0, len(p)-20):])
			}
		}
		if len(c.text) > 1000 && len(parts) < len(c.text)/1000 {
			t.Errorf("%s: %d parts for %d bytes", c.name, len(parts), len(c.text))
		}
	}
}
