// Package textkit holds the few rules about text that every part of Policy
// Desk applies the same way: line endings, what a word is made of, and what
// a person may type into a field (valid UTF-8, no control characters, no
// invisible characters where others read it). It is pure and imports only
// the root package, for its errors.
package textkit

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"policydesk"
)

// Newlines turns CRLF and lone CR line ends (browsers send CRLF from a
// textarea, Word exports CR) into LF, so versions and comments compare by
// content, not by platform.
func Newlines(s string) string {
	if !strings.ContainsRune(s, '\r') {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// IsWordRune reports whether r belongs to a word: a letter, a digit or a
// combining mark (so "ë" typed as e + U+0308 stays one word).
func IsWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r|0x20 && r|0x20 <= 'z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// Check refuses (EInvalid) text that is not valid UTF-8, is longer than
// maxRunes characters (0: no limit), or holds a control character other
// than tab and, when multiline, newline: nothing unreadable is ever stored.
func Check(field policydesk.Words, s string, maxRunes int, multiline bool) error {
	if !utf8.ValidString(s) {
		return policydesk.Errorf(policydesk.EInvalid, "The %s is not valid UTF-8 text.", field)
	}
	if maxRunes > 0 && utf8.RuneCountInString(s) > maxRunes {
		return policydesk.Errorf(policydesk.EInvalid, "The %s is longer than %d characters.", field, maxRunes)
	}
	for _, r := range s {
		if r == '\n' || r == '\t' {
			if !multiline && r == '\n' {
				return policydesk.Errorf(policydesk.EInvalid, "The %s must be a single line.", field)
			}
			continue
		}
		if unicode.IsControl(r) {
			return policydesk.Errorf(policydesk.EInvalid, "The %s contains a control character (U+%04X).", field, r)
		}
	}
	return nil
}

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
// keeps what is stored exactly what was typed, and tells the writer; file
// names, which come from the client's disk, are cleaned instead.
func CheckVisible(field policydesk.Words, s string, singleLine bool) error {
	for i, r := range s {
		if Invisible(r) || singleLine && (r == '\u2028' || r == '\u2029') {
			return policydesk.Errorf(policydesk.EInvalid, "The %s contains an invisible character (U+%04X) after %d characters; remove it and type the text again.",
				field, r, utf8.RuneCountInString(s[:i]))
		}
	}
	return nil
}

// CheckLabel is Check and CheckVisible for one line shown to others: a
// title, a name, a version message, a round name.
func CheckLabel(field policydesk.Words, s string, maxRunes int) error {
	if err := Check(field, s, maxRunes, false); err != nil {
		return err
	}
	return CheckVisible(field, s, true)
}

// CheckOneOf refuses a value that is not one of allowed, listing them.
func CheckOneOf(field policydesk.Words, value string, allowed []string) error {
	if !slices.Contains(allowed, value) {
		return policydesk.Errorf(policydesk.EInvalid, "Unknown %s %q; use one of: %s.", field, value, strings.Join(allowed, ", "))
	}
	return nil
}
