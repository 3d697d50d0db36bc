package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"policydesk/drafts/textkit"
)

// cyrillic maps lower-case Cyrillic letters to Serbian Latin, already folded
// (ж → z, not ž). Serbian first; Macedonian, Russian and Ukrainian letters so
// that such text is at least searchable.
var cyrillic = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'ђ': "dj", 'е': "e",
	'ж': "z", 'з': "z", 'и': "i", 'ј': "j", 'к': "k", 'л': "l", 'љ': "lj",
	'м': "m", 'н': "n", 'њ': "nj", 'о': "o", 'п': "p", 'р': "r", 'с': "s",
	'т': "t", 'ћ': "c", 'у': "u", 'ф': "f", 'х': "h", 'ц': "c", 'ч': "c",
	'џ': "dz", 'ш': "s",
	// Macedonian
	'ѓ': "gj", 'ќ': "kj", 'ѕ': "dz",
	// Russian, Ukrainian, Belarusian
	'й': "j", 'ё': "e", 'ы': "y", 'э': "e", 'ю': "ju", 'я': "ja", 'щ': "sc",
	'ъ': "", 'ь': "", 'і': "i", 'ї': "i", 'є': "e", 'ґ': "g", 'ў': "u",
}

// isDj reports whether r is a lower-case đ (or the eth often typed for it).
func isDj(r rune) bool { return r == 'đ' || r == 'ђ' || r == 'ð' }

// Fold returns s lower-cased, Serbian Cyrillic transliterated to Latin and
// diacritics removed (ë → e, ç → c, č/ć → c, š → s, ž → z, đ → dj), so that
// text typed with or without diacritics, in Latin or Cyrillic, compares
// equal.
func Fold(s string) string { return fold(s, "dj") }

// FoldVariants returns the folded forms of token that a search must accept:
// Fold(token), and when the token has đ or ђ also the form with d
// ("Đorđe" → "djordje", "dorde"), because both spellings are in use.
func FoldVariants(token string) []string {
	f := Fold(token)
	if !strings.ContainsFunc(token, func(r rune) bool { return isDj(unicode.ToLower(r)) }) {
		return []string{f}
	}
	return []string{f, fold(token, "d")}
}

func fold(s, dj string) string {
	if isPlainASCII(s) {
		return s
	}
	b := make([]byte, 0, len(s))
	marks := false
	for _, r := range s {
		var m bool
		b, m = appendFoldRune(b, r, dj)
		marks = marks || m
	}
	if marks {
		return dropMarks(string(b))
	}
	return string(b)
}

// appendFoldRune appends the folded form of r to b. It reports whether r
// was appended unchanged for lack of a table entry, in which case the
// result still needs dropMarks.
func appendFoldRune(b []byte, r rune, dj string) ([]byte, bool) {
	r = unicode.ToLower(r)
	switch {
	case r < utf8.RuneSelf:
		return append(b, byte(r)), false
	case isDj(r):
		return append(b, dj...), false
	case r == 'ł':
		return append(b, 'l'), false
	case r < rune(len(latinFold)) && latinFold[r] != "":
		return append(b, latinFold[r]...), false // ë, ç, č, š, ž... without decomposing
	}
	if t, ok := cyrillic[r]; ok {
		return append(b, t...), false
	}
	return utf8.AppendRune(b, r), true
}

// latinFold maps the accented letters of Latin-1 and Latin Extended-A
// (every letter Albanian and Serbian Latin use) to their folded ASCII, so
// the common case skips Unicode decomposition; computed once from it.
var latinFold = func() (t [0x180]string) {
	for r := rune(0xC0); r < 0x180; r++ {
		f := dropMarks(string(unicode.ToLower(r)))
		if f != "" && isPlainASCII(f) {
			t[r] = f
		}
	}
	return t
}()

// isPlainASCII reports whether s has no upper-case letters and no non-ASCII
// runes, so that folding leaves it unchanged.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// dropMarks decomposes s (NFD) and removes the combining marks.
func dropMarks(s string) string {
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Words splits s into words (runs of letters, digits and marks).
func Words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !textkit.IsWordRune(r) })
}

// Term is one query word in folded form.
type Term struct {
	// Variants are the folded forms to look up; Variants[0] is Fold(word).
	Variants []string
	// Typos is the number of typos the term tolerates, from its length.
	Typos int
	// Prefix is set on the last term: search as you type.
	Prefix bool
}

// Terms splits a query into folded terms, leaving out the stop words
// (see queryWords). The last term also matches as a prefix.
func Terms(q string) []Term {
	words := queryWords(q)
	terms := make([]Term, 0, len(words))
	for i, w := range words {
		v := FoldVariants(w)
		terms = append(terms, Term{
			Variants: v,
			Typos:    Typos(utf8.RuneCountInString(v[0])),
			Prefix:   i == len(words)-1,
		})
	}
	return terms
}
