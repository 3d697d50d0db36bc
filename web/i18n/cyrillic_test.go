package i18n_test

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"policydesk/cyrillic"
)

// placeholders are the parts of a message a translation must keep as
// they are: template actions and format verbs.
var placeholders = regexp.MustCompile(`\{\{.*?\}\}|%(?:\[\d+\])?[-+# 0]*\d*(?:\.\d*)?(?:\[\d+\])?[a-zA-Z%]`)

// TestSerbianCyrillicIsTheLatinCatalog: every sr key is in sr-Cyrl, with
// the same plural forms and the same placeholders in each form, and its
// text is the Latin one transliterated — so translators edit one catalog.
func TestSerbianCyrillicIsTheLatinCatalog(t *testing.T) {
	c := load(t)
	sr, cyrl := c.For("sr"), c.For("sr-Cyrl")
	keys := c.Keys("sr")
	if len(keys) < 100 || !slices.Equal(keys, c.Keys("sr-Cyrl")) {
		t.Fatalf("sr has %d keys, sr-Cyrl %d", len(keys), len(c.Keys("sr-Cyrl")))
	}
	for _, k := range keys {
		if !slices.Equal(c.PluralForms("sr", k), c.PluralForms("sr-Cyrl", k)) {
			t.Errorf("%q: plural forms %v in sr, %v in sr-Cyrl", k, c.PluralForms("sr", k), c.PluralForms("sr-Cyrl", k))
		}
		for _, n := range []int{1, 3, 5} {
			// Values already in Cyrillic, so both texts can be compared.
			args := []any{"Number", 7, "Name", "Беса", "Title", "Уредба"}
			if c.PluralForms("sr", k) != nil {
				args = append(args, "Count", n)
			}
			latin, cyr := sr.T(k, args...), cyrl.T(k, args...)
			if cyr != cyrillic.FromLatin(latin) {
				t.Errorf("%q (%d): sr-Cyrl says %q, the Latin one transliterated is %q", k, n, cyr, cyrillic.FromLatin(latin))
			}
		}
	}
	for _, format := range c.Sentences("sr") {
		latin, cyr := c.SentenceForms("sr", format), c.SentenceForms("sr-Cyrl", format)
		if len(latin) != len(cyr) {
			t.Errorf("%q: forms %v in sr, %v in sr-Cyrl", format, latin, cyr)
		}
		for form, text := range latin {
			if got, want := placeholders.FindAllString(cyr[form], -1), placeholders.FindAllString(text, -1); !slices.Equal(got, want) {
				t.Errorf("%q %s: verbs %v in sr-Cyrl, %v in sr", format, form, got, want)
			}
		}
	}
}

// TestSerbianCyrillicSays: examples of the Cyrillic interface, plurals by
// Serbian rules, sentences with their values, and months.
func TestSerbianCyrillicSays(t *testing.T) {
	c := load(t)
	l := c.For("sr-Cyrl")
	for _, tc := range []struct{ got, want string }{
		{l.Lang(), "sr-Cyrl"},
		{l.T("nav.documents"), "Документи"},
		{l.T("library.count", "Count", 1), "1 документ"},
		{l.T("library.count", "Count", 3), "3 документа"},
		{l.T("library.count", "Count", 11), "11 докумената"},
		{l.T("comments.count", "Count", 21), "21 коментар"},
		{l.Label("kind", "regulation"), "Уредба"},
		// What users wrote (a document's title) is shown as written.
		{l.T("edit.title", "Title", "Uredba o vrtićima"), "Уређивање: Uredba o vrtićima"},
		{l.T("language_menu.sr-Cyrl"), "Српски (ћирилица)"},
		{c.For("sq").T("language_menu.sr-Cyrl"), "Српски (ћирилица)"},
		{c.Sentence("sr-Cyrl", "%q does not exist: %s %d has %d days.", "2026-02-30", time.February, 2026, 28),
			`Датум "2026-02-30" не постоји: последњи дан месеца фебруар 2026. године је 28.`},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
