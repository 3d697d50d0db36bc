package redline

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"policydesk/drafts/textkit"
)

// tokKind classifies a token; only words count in Stats.
type tokKind uint8

const (
	tkWord  tokKind = iota + 1 // letters, marks and digits, with inner apostrophes
	tkSpace                    // one run of whitespace
	tkPunct                    // any other rune, with the marks that follow it
)

// token is a byte span [start,end) of the text it was cut from.
type token struct {
	start, end int
	kind       tokKind
	ascii      bool // every byte < 0x80, so the token is its own NFC form
}

// tokenize appends the tokens of s to dst; offsets are shifted by base.
// Words are maximal runs of letters, marks and digits, keeping an
// apostrophe (' or ’) between two letters as in Albanian "s'ka"; each
// whitespace run is one token; every other rune is its own token. A
// combining mark never starts a new token after a word or punctuation, so
// a decomposed "ë" stays inside its word. A number starting with an ASCII
// digit is one word with its inner separators (see scanNumber); s is
// expected to start at a line start.
func tokenize(s string, base int, dst []token) []token {
	bol := true // only spaces so far on this line
	for i := 0; i < len(s); {
		start := i
		var kind tokKind
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case isDigit(c):
				kind, i = tkWord, scanNumber(s, i, bol)
			case isASCIIWordByte(c):
				kind, i = tkWord, scanWord(s, i)
			case isASCIISpace(c):
				kind, i = tkSpace, scanSpace(s, i)
			default:
				kind, i = tkPunct, scanMarks(s, i+1)
			}
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case textkit.IsWordRune(r):
				kind, i = tkWord, scanWord(s, i)
			case unicode.IsSpace(r):
				kind, i = tkSpace, scanSpace(s, i)
			default:
				kind, i = tkPunct, scanMarks(s, i+size)
			}
		}
		dst = append(dst, token{start: base + start, end: base + i, kind: kind, ascii: isASCII(s[start:i])})
		if kind != tkSpace {
			bol = false
		} else if strings.IndexByte(s[start:i], '\n') >= 0 {
			bol = true
		}
	}
	return dst
}

func isASCIIWordByte(c byte) bool {
	return c|0x20 >= 'a' && c|0x20 <= 'z' || c >= '0' && c <= '9'
}

func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' }

// scanWord returns the end of the word starting at i.
func scanWord(s string, i int) int {
	prevLetter := false
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf && c != '\'' {
			if !isASCIIWordByte(c) {
				return i
			}
			prevLetter = c > '9'
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case textkit.IsWordRune(r):
			// A mark continues whatever it sits on ("e" + U+0308 is a letter).
			prevLetter = unicode.IsLetter(r) || unicode.IsMark(r) && prevLetter
			i += size
		case isApostrophe(r) && prevLetter:
			next, _ := utf8.DecodeRuneInString(s[i+size:])
			if !unicode.IsLetter(next) {
				return i
			}
			i += size
			prevLetter = false
		default:
			return i
		}
	}
	return i
}

func scanSpace(s string, i int) int {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if !isASCIISpace(c) {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			return i
		}
		i += size
	}
	return i
}

// scanMarks skips the combining marks that follow a punctuation rune.
func scanMarks(s string, i int) int {
	for i < len(s) && s[i] >= utf8.RuneSelf {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsMark(r) {
			return i
		}
		i += size
	}
	return i
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// tokenKey is what tokens are compared by: their NFC form, so precomposed
// and decomposed letters are the same word.
func tokenKey(s string, t token) string {
	text := s[t.start:t.end]
	if t.ascii || norm.NFC.IsNormalString(text) {
		return text
	}
	return norm.NFC.String(text)
}
