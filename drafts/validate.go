package drafts

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"policydesk"
)

// checkText refuses invalid UTF-8 and control characters other than tab and
// newline, so nothing unreadable is ever stored.
func checkText(field, s string, maxRunes int, multiline bool) error {
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

func checkOneOf(field, value string, allowed []string) error {
	if !slices.Contains(allowed, value) {
		return policydesk.Errorf(policydesk.EInvalid, "Unknown %s %q; use one of: %s.", field, value, strings.Join(allowed, ", "))
	}
	return nil
}

// normaliseBody turns CRLF and lone CR line ends (browsers send CRLF from a
// textarea, Word exports CR) into LF so versions diff by content, not by platform.
func normaliseBody(body string) string {
	if !strings.ContainsRune(body, '\r') {
		return body
	}
	body = strings.ReplaceAll(body, "\r\n", "\n")
	return strings.ReplaceAll(body, "\r", "\n")
}

func checkBody(body string) error {
	if len(body) > MaxBodyBytes {
		return policydesk.Errorf(policydesk.ETooLarge, "The text is larger than %d MiB.", MaxBodyBytes>>20)
	}
	return checkText("text", body, 0, true)
}

func checkLogin(login string) error {
	if login == "" || len(login) > 64 {
		return policydesk.Errorf(policydesk.EInvalid, "A login is 1 to 64 characters.")
	}
	for _, r := range login {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return policydesk.Errorf(policydesk.EInvalid, "A login uses only lower-case letters a-z, digits, '.', '_' and '-'.")
		}
	}
	return nil
}
