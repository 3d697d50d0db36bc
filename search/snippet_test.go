package search

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSnippet(t *testing.T) {
	for _, c := range []struct{ text, q, want string }{
		{"Shërbimet për fëmijëve në qendër", "femijeve", "Shërbimet për <mark>fëmijëve</mark> në qendër"},
		{"Qendrave Ditore <script>alert(1)</script>", "qendrave ditore",
			"<mark>Qendrave</mark> <mark>Ditore</mark> &lt;script&gt;alert(1)&lt;/script&gt;"},
		{"Закон о раду", "zakon", "<mark>Закон</mark> о раду"},
		{"Mbledhja me Đorđe dhe të tjerët", "Dorde", "Mbledhja me <mark>Đorđe</mark> dhe të tjerët"},
		{"Udhëzimi administrative", "administrat", "Udhëzimi <mark>administrative</mark>"},
		{"Kjo rregullore hyn", "rregullre", "Kjo <mark>rregullore</mark> hyn"},
		{"no match\n\nhere", "xyz", "no match here"},
		{"a & b", "", "a &amp; b"},
	} {
		if got := Snippet(c.text, c.q, 100); got != c.want {
			t.Errorf("Snippet(%q, %q) = %q, want %q", c.text, c.q, got, c.want)
		}
	}
}

func TestSnippetWindow(t *testing.T) {
	text := strings.Repeat("fjalë tjetër ", 50) + "Neni për qendrat ditore dhe qendrat e tjera " + strings.Repeat("mbushje teksti ", 50)
	got := Snippet(text, "qendrat ditore", 80)
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Errorf("cut ends not marked: %q", got)
	}
	if strings.Count(got, "<mark>") != 3 {
		t.Errorf("want the window with all three matches, got %q", got)
	}
	if n := len([]rune(got)); n > 80+len("<mark></mark>")*3+2 {
		t.Errorf("snippet too long (%d): %q", n, got)
	}
	for _, w := range strings.Fields(strings.NewReplacer("<mark>", "", "</mark>", "", "…", "").Replace(got)) {
		if !strings.Contains(text, w) {
			t.Errorf("cut word %q in %q", w, got)
		}
	}
}

func TestBestSnippet(t *testing.T) {
	got := BestSnippet("drejtesise", 100, "Neni 1 tekst", "MoU me Akademinë e Drejtësisë")
	if got != "MoU me Akademinë e <mark>Drejtësisë</mark>" {
		t.Errorf("BestSnippet = %q", got)
	}
	if got := BestSnippet("zzz", 100, "", "Neni 1"); got != "Neni 1" {
		t.Errorf("BestSnippet without match = %q", got)
	}
}

// BenchmarkSnippet is one hit's snippet: an article of about 160 words,
// most with diacritics, searched for two words and a prefix.
func BenchmarkSnippet(b *testing.B) {
	article := strings.Repeat("Qendrat ditore për fëmijët me aftësi të kufizuara ofrojnë shërbime të kujdesit, "+
		"rehabilitimit dhe arsimit; komuna përcakton kriteret dhe stafin e kualifikuar. ", 8)
	for b.Loop() {
		BestSnippet("femijet kujdesit kualif", SnippetRunes, article, "Neni 4 Shërbimet", "Rregullore")
	}
}

func TestSnippetOfLongText(t *testing.T) {
	// A match past the scanned part is not sought; the snippet is the
	// beginning, marked as cut, and no rune is split.
	long := "Fillimi i tekstit për qendrat. " + strings.Repeat("ë", SnippetScanBytes) + " fëmijëve"
	got := Snippet(long, "femijeve", 60)
	if strings.Contains(got, "<mark>") || !strings.HasPrefix(got, "Fillimi") || !strings.HasSuffix(got, "…") {
		t.Errorf("Snippet of a long text = %q", got)
	}
	if !utf8.ValidString(got) {
		t.Errorf("Snippet split a rune: %q", got)
	}
	if got := Snippet(long, "qendrat", 60); !strings.Contains(got, "<mark>qendrat</mark>") {
		t.Errorf("match in the scanned part not marked: %q", got)
	}
}

// readableReference is the plain statement of appendReadable: per line,
// heading hashes dropped, then the markup replaced.
func readableReference(md string) string {
	lines := strings.Split(md, "\n")
	for i, line := range lines {
		trimmed := strings.TrimLeft(line, " ")
		if strings.HasPrefix(trimmed, "#") {
			line = strings.TrimLeft(strings.TrimLeft(trimmed, "#"), " ")
		}
		lines[i] = strings.NewReplacer("**", "", "__", "", "`", "", " | ", " · ", "|", " ").Replace(line)
	}
	return strings.Join(lines, "\n")
}

func FuzzReadable(f *testing.F) {
	for _, s := range []string{"## Neni 1\n**Qëllimi** i `kodit`", "| a | b |\n|---|---|\n| ë | ç |",
		"  # x\n  y", "***a*** __b__ _c_ \xff", "a|b | c", "#\n#\n", "**", "|"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		if !utf8.ValidString(md) {
			return // stored texts are valid UTF-8; removing markup could join halves of a rune
		}
		if got, want := string(appendReadable(nil, md)), string([]rune(readableReference(md))); got != want {
			t.Errorf("appendReadable(%q) = %q, want %q", md, got, want)
		}
	})
}
