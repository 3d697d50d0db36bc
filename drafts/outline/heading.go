package outline

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// articleWords start an article heading: the three official languages
// (Albanian, Serbian Latin/Cyrillic, English) plus Slovenian "Člen" and the
// section sign. Matching is hand-written rather than a regexp because the
// renderer runs it on every paragraph and a regexp doubled render time.
var articleWords = []string{"neni", "artikulli", "article", "član", "clan", "člen", "члан", "§"}

// MatchHeading recognises heading text such as "Neni 5 – Fushëveprimi" and
// returns the number and title. The word is case-insensitive (EqualFold
// folds Č/č and Ч/ч); the number is digits with an optional letter suffix
// ("5a", "5.a") that may only be followed by a non-letter, so "Neni 5. Akti"
// stays number "5" with title "Akti".
func MatchHeading(text string) (num, title string, ok bool) {
	text = stripEmphasis(strings.TrimSpace(text))
	rest, ok := cutArticleWord(text)
	if !ok {
		return "", "", false
	}
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	n := 0
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	if n == 0 {
		return "", "", false
	}
	n += letterSuffix(rest[n:])
	if r, _ := utf8.DecodeRuneInString(rest[n:]); n < len(rest) && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		return "", "", false // "Neni 5x1", "Articles"
	}
	return rest[:n], cleanTitle(rest[n:]), true
}

func cutArticleWord(text string) (string, bool) {
	for _, w := range articleWords {
		if len(text) >= len(w) && strings.EqualFold(text[:len(w)], w) {
			return text[len(w):], true
		}
	}
	return "", false
}

// letterSuffix returns the length of a "a" or ".a" suffix at the start of s,
// or 0 when the letter is followed by more letters (a word, not a suffix).
func letterSuffix(s string) int {
	n := 0
	if n < len(s) && s[n] == '.' {
		n++
	}
	if n >= len(s) || !isASCIILetter(s[n]) {
		return 0
	}
	n++
	if r, _ := utf8.DecodeRuneInString(s[n:]); n < len(s) && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		return 0
	}
	return n
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// MatchStandalone recognises a whole line that is an article heading in a
// Word-converted draft: "**Neni 5**", "__Neni 5 – Titulli__" or a bare
// "Neni 5". A bare line must not carry more text, since "Neni 5 i këtij
// ligji ..." starting a sentence is prose, not a heading.
func MatchStandalone(line string) (num, title string, ok bool) {
	line = strings.TrimSpace(line)
	if inner, bold := unwrapBold(line); bold {
		return MatchHeading(inner)
	}
	num, title, ok = MatchHeading(line)
	if !ok || title != "" {
		return "", "", false
	}
	return num, "", true
}

// unwrapBold returns the inside of a line fully wrapped in ** or __. A line
// of underscores is a signature line, not bold around nothing.
func unwrapBold(s string) (string, bool) {
	for _, m := range []string{"**", "__"} {
		if len(s) > 2*len(m) && strings.HasPrefix(s, m) && strings.HasSuffix(s, m) {
			inner := s[len(m) : len(s)-len(m)]
			if !strings.Contains(inner, m) && hasWord(inner) {
				return strings.TrimSpace(inner), true
			}
		}
	}
	return "", false
}

// stripEmphasis drops emphasis markers wrapping a whole heading, as in
// "## **Neni 5**", so they do not hide the article word. Markers wrap words:
// a blank such as "_____" is left as it is.
func stripEmphasis(s string) string {
	if !hasWord(s) {
		return s
	}
	for len(s) > 2 && (s[0] == '*' || s[0] == '_') && s[len(s)-1] == s[0] {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

// cleanTitle strips the separator between number and title.
func cleanTitle(rest string) string {
	rest = strings.TrimSpace(rest)
	rest = strings.TrimLeft(rest, "–—-:.)")
	return strings.TrimSpace(stripEmphasis(strings.TrimSpace(rest)))
}

// hasWord reports whether s holds a letter or a digit.
func hasWord(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}
