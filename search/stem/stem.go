// Package stem reduces the word forms of Albanian, Serbian and English to
// a common stem, so that a search for "fëmijëve" finds "fëmijës" and
// "zaštita" finds "zaštitom".
//
// Words are stemmed after search.Fold: lower case, diacritics removed and
// Serbian Cyrillic transliterated, so one Serbian stemmer serves both
// scripts. Albanian and Serbian are light stemmers: they strip the
// definite, indefinite and case endings of nouns and adjectives (and
// Serbian's fleeting a, "centar" → "centr"), never below a minimum stem
// length, so short words are left alone. English is Snowball's Porter2.
// Every stemmer strips until no rule applies, so stemming a stem changes
// nothing.
package stem

import (
	"strings"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
)

// Languages are the languages with a stemmer, as document languages name
// them.
var Languages = []string{"sq", "sr", "en"}

// MaxRunes is the longest word stemmed: a longer run of letters (a code, a
// pasted string) is returned as it is, which bounds the work per word.
const MaxRunes = 40

// Stem returns the stem of the folded word in the language lang; a word
// of another language, or too long, is returned unchanged. The stem is
// never empty and never longer than the word.
func Stem(lang, folded string) string {
	if len(folded) > 4*MaxRunes {
		return folded
	}
	switch lang {
	case "sq":
		return strip(folded, albanian, 4, nil)
	case "sr":
		s := strip(folded, serbian, 3, fleetingA)
		if r, ok := serbianIrregular[s]; ok {
			return r
		}
		return s
	case "en":
		return englishStem(folded)
	}
	return folded
}

// Albanian endings (folded: ë → e), longest first: plural -ve/-eve/-ave,
// definite -it/-in/-ut/-un (masculine), -a/-en/-es (feminine), -et/-at
// (definite plural), and the bare vowels of the indefinite forms. -ja, -te,
// -se and -ne are not endings here: stripped, they would cut "fëmija" and
// "kushte" to other stems than their other forms.
var albanian = []string{"eve", "ave", "ve", "it", "in", "ut", "un", "et", "at", "es", "en", "a", "e", "i", "u"}

// Serbian endings (folded) of the noun and adjective cases, longest first.
var serbian = []string{"ovima", "evima", "ama", "ima", "ovi", "ova", "ove", "ovu", "evi", "eva", "eve",
	"ega", "oga", "emu", "omu", "ih", "im", "og", "eg", "om", "em", "oj", "ej", "a", "e", "i", "u", "o"}

// serbianIrregular joins the stems of a word whose forms differ in more
// than their endings: dete, deteta (child) and deca, dece (children).
var serbianIrregular = map[string]string{"det": "dec", "detet": "dec"}

// strip removes the longest ending of w that leaves at least minRunes
// letters, again and again until none does; then, and after each step,
// extra may shorten the word further (returning it unchanged when not).
// Every step shortens w, so the loop ends, and its result is one that no
// rule changes: stemming is idempotent.
func strip(w string, endings []string, minRunes int, extra func(string, int) string) string {
	for {
		next := w
		for _, e := range endings {
			if strings.HasSuffix(w, e) && runeCount(w)-runeCount(e) >= minRunes {
				next = w[:len(w)-len(e)]
				break
			}
		}
		if next == w && extra != nil {
			next = extra(w, minRunes)
		}
		if next == w {
			return w
		}
		w = next
	}
}

// fleetingA drops Serbian's fleeting a between the last two consonants of
// a masculine noun, so that the nominative meets the other cases: centar,
// centra → centr; sastanak, sastanka → sastank; novac, novca → novc. It
// keeps at least minRunes+1 letters ("plan" stays).
func fleetingA(w string, minRunes int) string {
	n := len(w)
	if n < 4 || runeCount(w)-1 < minRunes+1 || w[n-2] != 'a' || !strings.ContainsRune("ckrln", rune(w[n-1])) ||
		!isConsonant(w[n-3]) {
		return w
	}
	return w[:n-2] + w[n-1:]
}

func isConsonant(c byte) bool {
	return 'a' <= c && c <= 'z' && !strings.ContainsRune("aeiou", rune(c))
}

func runeCount(s string) int {
	n := 0
	for range s {
		n++
	}
	return n
}

// irregular are English plurals Porter2 leaves apart from their singular.
var irregular = map[string]string{"children": "child", "women": "woman", "men": "man", "people": "person"}

// englishStem applies Porter2 until the word stops changing: Porter2 is
// not idempotent on its own (a word may lose a suffix at each pass). It
// never lengthens a word, and a pass that changes it mostly shortens it,
// so the passes are few; the cap, in the word's length, bounds the work
// of the rare pass that changes a letter without shortening.
func englishStem(w string) string {
	if s, ok := irregular[w]; ok {
		return s
	}
	for range 2*len(w) + 2 {
		env := snowballstem.NewEnv(w)
		english.Stem(env)
		next := env.Current()
		if next == w || next == "" || len(next) > len(w) {
			return w
		}
		w = next
	}
	return w
}
