package outline

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Division is a heading that groups articles: a part, chapter or section
// ("PJESA II", "KAPITULLI III – Dispozitat kalimtare", "Poglavlje 2",
// "Section 2"). It ends the article before it: an article's End is the
// start of the next article or division.
type Division struct {
	Num     string `json:"num"`     // as written: "III", "2"
	Heading string `json:"heading"` // whole heading text
	Title   string `json:"title"`   // text after the number, or the title line below; may be ""
	Level   int    `json:"level"`   // ATX/setext heading level 1-6; 0 for a bold or bare line
	Start   int    `json:"start"`   // byte offset of the heading line
}

// divisionWords start a division heading in the official languages
// (Albanian, Serbian Latin/Cyrillic, Bosnian/Croatian, English) and
// Slovenian "Poglavje".
var divisionWords = []string{
	"kapitulli", "pjesa", "seksioni",
	"poglavlje", "poglavje", "glava", "odeljak", "odjeljak", "deo", "dio",
	"поглавље", "глава", "одељак", "одјељак", "део",
	"chapter", "section", "part",
}

// divisionFirst marks the bytes a division word can start with, in either
// case (the Cyrillic words all start with byte 0xD0), so most lines are
// refused without comparing words.
var divisionFirst = func() (first [256]bool) {
	for _, w := range divisionWords {
		first[w[0]] = true
		first[strings.ToUpper(w)[0]] = true
	}
	return first
}()

// mayBeDivision is a quick test that line could be a division heading:
// its first byte after spaces, heading and emphasis marks could start a
// division word.
func mayBeDivision(line string) bool {
	for i := 0; i < len(line); i++ {
		switch c := line[i]; c {
		case ' ', '\t', '#', '*', '_':
		default:
			return divisionFirst[c]
		}
	}
	return false
}

// MatchDivision recognises division heading text such as "KAPITULLI III"
// or "Poglavlje 2: Nadzor" and returns the number and title. The word is
// case-insensitive and must be followed by a space; the number is Arabic
// digits or a Roman numeral, not followed by a letter or digit ("Part
// Ia", "Chapters" and "PJESA E PARË" are not divisions).
func MatchDivision(text string) (num, title string, ok bool) {
	num, rest, ok := cutDivision(text)
	if !ok {
		return "", "", false
	}
	return num, cleanTitle(rest), true
}

// cutDivision splits division text into its number and what follows it.
func cutDivision(text string) (num, rest string, ok bool) {
	text = stripEmphasis(strings.TrimSpace(text))
	for _, w := range divisionWords {
		if len(text) > len(w) && strings.EqualFold(text[:len(w)], w) {
			rest = text[len(w):]
			ok = true
			break
		}
	}
	if r, _ := utf8.DecodeRuneInString(rest); !ok || !unicode.IsSpace(r) {
		return "", "", false
	}
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	n := 0
	if n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
	} else {
		for n < len(rest) && strings.IndexByte("IVXLCDMivxlcdm", rest[n]) >= 0 {
			n++
		}
	}
	if r, _ := utf8.DecodeRuneInString(rest[n:]); n == 0 || n < len(rest) && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		return "", "", false
	}
	return rest[:n], rest[n:], true
}

// MatchDivisionLine recognises a line that is a division heading when it
// is not a Markdown heading: bold ("**KAPITULLI III**"), or bare with
// nothing after the number or a separator and a short title
// ("KAPITULLI III – Dispozitat kalimtare"). "Section 2 of this Law ..."
// and "Section 2. The Minister shall ..." are prose, not headings.
func MatchDivisionLine(line string) (num, title string, ok bool) {
	line = strings.TrimSpace(line)
	if inner, bold := unwrapBold(line); bold {
		return MatchDivision(inner)
	}
	num, rest, ok := cutDivision(line)
	if !ok {
		return "", "", false
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return num, "", true
	}
	title = cleanTitle(rest)
	// Without a separator only a title in capitals is taken
	// ("KAPITULLI III DISPOZITAT KALIMTARE").
	if title == rest && strings.ToUpper(rest) != rest || !looksLikeTitle(title) {
		return "", "", false // a sentence
	}
	return num, title, true
}

// Divisions returns the division headings of body in order, found as
// Parse finds articles (never inside fenced code).
func Divisions(body string) []Division {
	_, divs := parse(body, false)
	return divs
}

// divisionAt reports whether the current line is a division heading.
func (s *lineScanner) divisionAt(prevBlank bool) (Division, bool) {
	line := s.line
	if !mayBeDivision(line) {
		return Division{}, false
	}
	var num, title, heading string
	var ok bool
	lvl := atxLevel(line)
	switch {
	case lvl > 0:
		heading = atxText(line)
		num, title, ok = MatchDivision(heading)
	case !prevBlank || indent(line) > 3:
		return Division{}, false
	default:
		heading = line
		if lvl = setextLevel(s.peek()); lvl > 0 {
			num, title, ok = MatchDivision(line)
		} else {
			num, title, ok = MatchDivisionLine(line)
		}
	}
	if !ok {
		return Division{}, false
	}
	if title == "" {
		title = s.titleBelow(lvl == 0)
	}
	heading = stripEmphasis(strings.TrimSpace(heading))
	return Division{Num: num, Heading: stripTags(heading), Title: stripTags(title), Level: lvl, Start: s.start}, true
}
