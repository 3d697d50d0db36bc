package i18n_test

import (
	"slices"
	"testing"

	"policydesk/web/i18n"
)

func load(t *testing.T) *i18n.Catalog {
	t.Helper()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCatalogsHaveTheSameKeys: every language's catalog has exactly the
// keys of every other (the English one is the reference), so no page shows
// a key, or falls back to another language, for want of a translation.
func TestCatalogsHaveTheSameKeys(t *testing.T) {
	c := load(t)
	ref := c.Keys("en")
	if len(ref) < 100 {
		t.Fatalf("the English catalog has %d keys; it did not load", len(ref))
	}
	for _, lang := range i18n.Languages {
		keys := c.Keys(lang)
		for _, k := range ref {
			if !slices.Contains(keys, k) {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
		for _, k := range keys {
			if !slices.Contains(ref, k) {
				t.Errorf("%s has %q, which en does not", lang, k)
			}
		}
	}
}

// TestPluralMessagesHaveEveryForm: a message with plural forms has exactly
// the CLDR categories of each language for integers: one and other in
// Albanian and English; one, few and other in Serbian.
func TestPluralMessagesHaveEveryForm(t *testing.T) {
	c := load(t)
	want := map[string][]string{"sq": {"one", "other"}, "en": {"one", "other"}, "sr": {"one", "few", "other"}, "sr-Cyrl": {"one", "few", "other"}}
	plurals := 0
	for _, key := range c.Keys("en") {
		if c.PluralForms("en", key) == nil {
			continue
		}
		plurals++
		for _, lang := range i18n.Languages {
			if got := c.PluralForms(lang, key); !slices.Equal(got, want[lang]) {
				t.Errorf("%s %q has the forms %v, want %v", lang, key, got, want[lang])
			}
		}
	}
	if plurals < 3 {
		t.Errorf("only %d plural messages found", plurals)
	}
}

// TestPlurals: counts choose the form by each language's rule.
func TestPlurals(t *testing.T) {
	c := load(t)
	for _, tc := range []struct {
		lang, key string
		n         int
		want      string
	}{
		{"sr", "comments.count", 1, "1 komentar"},
		{"sr", "comments.count", 2, "2 komentara"},
		{"sr", "comments.count", 5, "5 komentara"},
		{"sr", "comments.count", 21, "21 komentar"},
		{"sr", "library.count", 1, "1 dokument"},
		{"sr", "library.count", 3, "3 dokumenta"},
		{"sr", "library.count", 5, "5 dokumenata"},
		{"sr", "library.count", 11, "11 dokumenata"},
		{"sr", "library.count", 12, "12 dokumenata"},
		{"sr", "library.count", 21, "21 dokument"},
		{"sr", "library.count", 22, "22 dokumenta"},
		{"sr", "library.count", 0, "0 dokumenata"},
		{"sq", "comments.count", 1, "1 koment"},
		{"sq", "comments.count", 2, "2 komente"},
		{"sq", "comments.count", 21, "21 komente"},
		{"sq", "library.count", 0, "0 dokumente"},
		{"sq", "library.count", 1, "1 dokument"},
		{"en", "comments.count", 1, "1 comment"},
		{"en", "comments.count", 0, "0 comments"},
		{"en", "library.count", 21, "21 documents"},
	} {
		if got := c.For(tc.lang).T(tc.key, "Count", tc.n); got != tc.want {
			t.Errorf("%s %s %d = %q, want %q", tc.lang, tc.key, tc.n, got, tc.want)
		}
	}
}

// TestTranslate: placeholders are filled, labels fall back to the value,
// an unknown key shows as itself, and an unknown language gets the default.
func TestTranslate(t *testing.T) {
	c := load(t)
	sq, sr := c.For("sq"), c.For("sr")
	for _, tc := range []struct{ got, want string }{
		{sq.T("nav.documents"), "Dokumentet"},
		{sr.T("nav.documents"), "Dokumenti"},
		{c.For("en").T("nav.documents"), "Documents"},
		{sr.T("notice.version_n_saved", "Number", 4), "Verzija 4 je sačuvana."},
		{sq.Label("kind", "regulation"), "Rregullore"},
		{sr.Label("kind", "regulation"), "Uredba"},
		{sr.Label("kind", "no-such-kind"), "no-such-kind"},
		{sq.T("no.such.key"), "no.such.key"},
		{c.For("de").Lang(), i18n.Default},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestMatch: Accept-Language picks among sq, sr and en, regional and script
// variants included, by the browser's order; anything else is the fallback.
func TestMatch(t *testing.T) {
	c := load(t)
	for header, want := range map[string]string{
		"":                            "en",
		"sq":                          "sq",
		"sq-AL,sq;q=0.9,en;q=0.8":     "sq",
		"sr-Latn-RS,sr;q=0.9":         "sr",
		"sr-Latn":                     "sr",
		"sr-RS":                       "sr",
		"sr":                          "sr",
		"sr-Cyrl":                     "sr-Cyrl",
		"sr-Cyrl-RS":                  "sr-Cyrl",
		"de,sr-Cyrl;q=0.5,sr;q=0.4":   "sr-Cyrl",
		"sr;q=0.9,sr-Cyrl;q=0.5":      "sr",
		"sr-Latn-RS,sr-Cyrl;q=0.5":    "sr",
		"sr-Cyrl-RS,sr-Latn;q=0.5":    "sr-Cyrl",
		"sr-Latn;q=0.4,sq;q=0.8":      "sq",
		"en-US,en;q=0.9":              "en",
		"de-DE,de;q=0.9":              "en",
		"de-DE,sr;q=0.5,en;q=0.4":     "sr",
		"fr, sq;q=0.3":                "sq",
		"not a language header;;;q=x": "en",
	} {
		if got := c.Match(header, "en"); got != want {
			t.Errorf("Match(%q) = %q, want %q", header, got, want)
		}
	}
	if got := c.Match("de", "sq"); got != "sq" {
		t.Errorf("Match(de) with fallback sq = %q", got)
	}
}

func TestSize(t *testing.T) {
	c := load(t)
	for _, tc := range []struct {
		lang string
		n    int64
		want string
	}{
		{"en", 1, "1 byte"}, {"en", 512, "512 bytes"}, {"en", 1536 << 10, "1.5 MB"},
		{"sq", 1, "1 bajt"}, {"sq", 512, "512 bajtë"}, {"sq", 1536 << 10, "1,5 MB"},
		{"sr", 1, "1 bajt"}, {"sr", 3, "3 bajta"}, {"sr", 512, "512 bajtova"}, {"sr", 3 << 30, "3,0 GB"},
		{"sr", 2048, "2 KB"},
		{"sr-Cyrl", 3, "3 бајта"},
	} {
		if got := c.For(tc.lang).Size(tc.n); got != tc.want {
			t.Errorf("%s Size(%d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}
