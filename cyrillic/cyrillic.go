// Package cyrillic writes Serbian Latin text in Serbian Cyrillic, the way
// the interface's sr-Cyrl catalog is made from the sr one: letter for
// letter, with the digraphs lj, nj and dž as one letter each (љ, њ, џ),
// while the parts of a message that are not Serbian words stay as written:
// template actions ({{.Count}}), format verbs (%d, %[2]q), HTML tags and
// entities, text in straight double quotes (API names such as "base"),
// web addresses and paths, and the Latin names and abbreviations Serbian
// Cyrillic texts keep in Latin (Policy Desk, CSV, UTF-8, all-capital
// abbreviations, words with q, w, x or y, identifiers such as old_password,
// and the values the API takes, such as accepted).
package cyrillic

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// letters are the single Latin letters and their Cyrillic ones.
var letters = map[rune]rune{
	'a': 'а', 'b': 'б', 'c': 'ц', 'č': 'ч', 'ć': 'ћ', 'd': 'д', 'đ': 'ђ', 'e': 'е', 'f': 'ф', 'g': 'г',
	'h': 'х', 'i': 'и', 'j': 'ј', 'k': 'к', 'l': 'л', 'm': 'м', 'n': 'н', 'o': 'о', 'p': 'п', 'r': 'р',
	's': 'с', 'š': 'ш', 't': 'т', 'u': 'у', 'v': 'в', 'z': 'з', 'ž': 'ж',
}

// digraphs are the two-letter Latin letters, lower case.
var digraphs = map[string]rune{"lj": 'љ', "nj": 'њ', "dž": 'џ'}

// notDigraph are word starts where d+ž or n+j are two letters (a prefix
// and a root: nadživeti, odžaliti, injekcija, konjunkcija).
// The number is the letters before the split.
var notDigraph = map[string]int{"nadž": 3, "odž": 2, "podž": 3, "predž": 4, "injek": 2, "konjun": 3, "konjug": 3, "vanjez": 3}

// Latin are the names, abbreviations and values of the API (words a user
// types as they are) that stay Latin.
var Latin = []string{"Policy Desk", "SHA-256", "UTF-8", "HTML", "JSON", "CSV", "PDF", "MiB", "KiB", "KB", "MB",
	"API", "ID", "MoU", "URL", "Authorization", "Bearer", "multipart/form-data", "Word",
	"accepted", "partially", "rejected", "immediately", "digest", "off", "csv", "html"}

// names are the Latin names that take Serbian case endings: a word that
// begins with one (JavaScripta) stays Latin whole.
var names = []string{"JavaScript", "Markdown"}

// kept are the parts of a text written as they are, in the order tried.
var kept = regexp.MustCompile(`^(?:` + strings.Join([]string{
	`\{\{.*?\}\}`, // template action
	`%(?:\[\d+\])?[-+# 0]*(?:\d+|\*)?(?:\.(?:\d+|\*)?)?(?:\[\d+\])?[a-zA-Z%]`, // format verb
	`</?[a-zA-Z!][^<>]*>`, // HTML tag
	`&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);`, // HTML entity
	`"[^"]*"`,                     // straight double quotes
	`(?:https?|mailto):[^\s"<>]+`, // web address
	`U\+`,                         // a code point (U+00A0)
}, "|") + `)`)

// path is a site path (/api/v1/documents) where a word could begin.
var path = regexp.MustCompile(`^/[a-zA-Z0-9_{}.\-]+(?:/[a-zA-Z0-9_{}.\-]*)*`)

// FromLatin is s in Serbian Cyrillic. Cyrillic text, digits and
// punctuation pass unchanged, so FromLatin(FromLatin(s)) == FromLatin(s).
func FromLatin(s string) string {
	var out strings.Builder
	out.Grow(len(s) * 2)
	wordStart := true
	for i := 0; i < len(s); {
		rest := s[i:]
		if m := kept.FindString(rest); m != "" {
			out.WriteString(m)
			i += len(m)
			wordStart = true
			continue
		}
		if wordStart && rest[0] == '/' {
			if m := path.FindString(rest); len(m) > 1 {
				out.WriteString(m)
				i += len(m)
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(rest)
		if wordStart && isLatin(r) {
			kept, n := latinWord(rest)
			out.WriteString(kept)
			i += n
			wordStart = false
			continue
		}
		out.WriteRune(r)
		i += size
		wordStart = !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}
	return out.String()
}

func isLatin(r rune) bool { return unicode.Is(unicode.Latin, r) }

// word is the run of letters and digits at the start of s.
func word(s string) string {
	end := len(s)
	for i, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			end = i
			break
		}
	}
	return s[:end]
}

// latinWord is the word that begins rest in Cyrillic, or as it is when it
// is one of the Latin names, an abbreviation or a foreign word, and the
// bytes of rest it takes (a name may be two words: Policy Desk).
func latinWord(rest string) (string, int) {
	w := word(rest)
	for _, l := range Latin {
		if strings.HasPrefix(rest, l) && !isWordRune(rest[len(l):]) {
			return l, len(l)
		}
	}
	for _, n := range names {
		if strings.HasPrefix(w, n) {
			return w, len(w)
		}
	}
	if abbreviation(w) || strings.ContainsAny(w, "qwxyQWXY_") {
		return w, len(w)
	}
	return letterByLetter(w), len(w)
}

func isWordRune(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// abbreviation: two or more ASCII capitals (and digits), no lower case,
// and no LJ or NJ, which make it a Serbian word in capitals (LJUBAV).
func abbreviation(w string) bool {
	if strings.Contains(w, "LJ") || strings.Contains(w, "NJ") {
		return false
	}
	caps := 0
	for _, r := range w {
		switch {
		case r >= 'A' && r <= 'Z':
			caps++
		case r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return caps >= 2
}

func letterByLetter(w string) string {
	lower := strings.ToLower(w)
	split := -1
	for p, at := range notDigraph {
		if strings.HasPrefix(lower, p) && !strings.HasPrefix(lower, "odžak") {
			split = at
		}
	}
	var out strings.Builder
	runes, lrunes := []rune(w), []rune(lower)
	for i := 0; i < len(runes); i++ {
		if i+1 < len(runes) && i+1 != split {
			if c, ok := digraphs[string(lrunes[i:i+2])]; ok {
				if unicode.IsUpper(runes[i]) {
					c = unicode.ToUpper(c)
				}
				out.WriteRune(c)
				i++
				continue
			}
		}
		c, ok := letters[lrunes[i]]
		if !ok {
			out.WriteRune(runes[i])
			continue
		}
		if unicode.IsUpper(runes[i]) {
			c = unicode.ToUpper(c)
		}
		out.WriteRune(c)
	}
	return out.String()
}
