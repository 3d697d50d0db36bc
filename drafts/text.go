package drafts

import (
	"unicode"
	"unicode/utf8"

	"policydesk"
)

// Invisible tells whether r is a character that is not seen but changes how
// the text around it reads or compares: Unicode's format characters (Cf),
// which hold the bidi controls (U+202A-U+202E embeddings and overrides such
// as the right-to-left override, U+2066-U+2069 isolates, U+200E/U+200F and
// U+061C marks), the zero-width space, joiners and word joiner (U+200B-
// U+200D, U+2060), the byte order mark (U+FEFF) and the soft hyphen. A
// right-to-left override makes "Rregullore\u202Efdp.exe" read as
// "Rregulloreexe.pdf"; a zero-width space makes two equal-looking titles
// different.
func Invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r)
}

// CheckVisible refuses (EInvalid, naming the character) text that people
// type for others to read — titles, names, messages, round names, comments
// — when it holds an Invisible character, or, for a single line, a line or
// paragraph separator (U+2028, U+2029). Refusing rather than stripping
// keeps what is stored exactly what was typed, and tells the writer;
// file names, which come from the client's disk, are cleaned instead (see
// CleanFilename).
func CheckVisible(field, s string, singleLine bool) error {
	for i, r := range s {
		if Invisible(r) || singleLine && (r == '\u2028' || r == '\u2029') {
			return policydesk.Errorf(policydesk.EInvalid, "The %s contains an invisible character (U+%04X) after %d characters; remove it and type the text again.",
				field, r, utf8.RuneCountInString(s[:i]))
		}
	}
	return nil
}

// checkLabel is checkText for one line shown to others: a title, a name, a
// version message.
func checkLabel(field, s string, maxRunes int) error {
	if err := checkText(field, s, maxRunes, false); err != nil {
		return err
	}
	return CheckVisible(field, s, true)
}
