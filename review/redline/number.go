package redline

import (
	"unicode/utf8"

	"policydesk/drafts/textkit"
)

// Numbers are one token with their inner separators, so a changed time,
// date or amount is shown replaced whole ("08:00" → "07:30"), not as a
// changed pair of digits between equal punctuation:
//
//	times       08:00, 8.30, 08:00:00
//	dates       30.11.2026, 30/11/2026, 2026-11-30 (the hyphen only in this ISO form)
//	amounts     1.500,00, 1,500.00, 10 000 with a no-break or thin space before each group of three
//	percentages 15% (the sign joins the number)
//	paragraphs  1.2.3. at the start of a line keeps its final dot
//
// A range is split at its dash, "08:00–17:00" and "08:00-17:00" being a
// time, a dash and a time. Digits running into letters ("5a", "2nd") stay
// one word as before. Every byte is looked at a bounded number of times:
// the only look-aheads are of fixed length.

// scanNumber returns the end of the token starting at the ASCII digit s[i].
// bol says that only spaces precede i on its line.
func scanNumber(s string, i int, bol bool) int {
	start := i
	end, groups, dotsOnly := isoDate(s, i), 1, false
	if end > 0 {
		groups = 3
	} else {
		end, dotsOnly = digitsEnd(s, i), true
		for {
			n := separatorLen(s, end)
			if n == 0 {
				break
			}
			dotsOnly = dotsOnly && s[end] == '.'
			end = digitsEnd(s, end+n)
			groups++
		}
	}
	if end < len(s) {
		switch c := s[end]; {
		case c == '%':
			return end + 1
		case c == '.' && bol && groups > 1 && dotsOnly:
			return end + 1
		}
	}
	if r, _ := utf8.DecodeRuneInString(s[end:]); end < len(s) && textkit.IsWordRune(r) {
		if groups == 1 {
			return scanWord(s, start) // "5a": a word, scanned as one
		}
		return scanWord(s, end) // "1.2a": the letters stay with the number
	}
	return end
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// digitsAt reports whether s holds exactly n digits at i, not followed by
// another digit.
func digitsAt(s string, i, n int) bool {
	if i+n > len(s) || i+n < len(s) && isDigit(s[i+n]) {
		return false
	}
	for k := i; k < i+n; k++ {
		if !isDigit(s[k]) {
			return false
		}
	}
	return true
}

// isoDate returns the end of a "2026-11-30" date at i, or 0.
func isoDate(s string, i int) int {
	if digitsAt(s, i, 4) && i+5 < len(s) && s[i+4] == '-' && digitsAt(s, i+5, 2) &&
		i+8 < len(s) && s[i+7] == '-' && digitsAt(s, i+8, 2) {
		return i + 10
	}
	return 0
}

// Spaces that group the digits of an amount: no-break, narrow no-break
// and thin space.
const (
	nbsp       = "\u00a0"
	narrowNBSP = "\u202f"
	thinSpace  = "\u2009"
)

// separatorLen returns the length of a separator inside a number at i: a
// dot, comma, colon or slash followed by a digit, or a grouping space
// followed by exactly three digits. 0 when there is none.
func separatorLen(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	switch s[i] {
	case '.', ',', ':', '/':
		if i+1 < len(s) && isDigit(s[i+1]) {
			return 1
		}
		return 0
	}
	for _, sp := range [...]string{nbsp, narrowNBSP, thinSpace} {
		if len(s)-i >= len(sp) && s[i:i+len(sp)] == sp && digitsAt(s, i+len(sp), 3) {
			return len(sp)
		}
	}
	return 0
}
