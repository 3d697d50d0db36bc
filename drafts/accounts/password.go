package accounts

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/frequency"

	"policydesk"
	"policydesk/drafts/textkit"
)

// MinPasswordLength is the shortest password accepted, in characters.
const MinPasswordLength = 12

// maxPasswordBytes is bcrypt's limit; longer passwords are refused rather
// than silently truncated.
const maxPasswordBytes = 72

// commonPasswords is zxcvbn's list of the 30,000 most used passwords (from
// leaked password dumps), lower-cased, as a set.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	list := frequency.FrequencyLists["passwords"]
	set := make(map[string]struct{}, len(list))
	for _, p := range list {
		set[strings.ToLower(p)] = struct{}{}
	}
	return set
})

// keyRuns are the sequences people type instead of choosing: a password
// that is a stretch of one of them (forwards or backwards) is refused.
var keyRuns = []string{
	strings.Repeat("0123456789", 8),
	strings.Repeat("abcdefghijklmnopqrstuvwxyz", 3),
	strings.Repeat("qwertyuiopasdfghjklzxcvbnm", 3),
	strings.Repeat("qwertzuiopasdfghjklyxcvbnm", 3),
	strings.Repeat("azertyuiopqsdfghjklmwxcvbn", 3),
	strings.Repeat("1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", 2),
}

// CheckPassword tells whether pw may become the password of the account
// with this login and name; the error (EInvalid) says why not. The rules
// follow NIST SP 800-63B: a minimum length, no password from a list of
// common ones, nothing derived from the account, no trivial pattern; no
// composition rules.
func CheckPassword(pw, login, name string) error {
	if err := textkit.Check(policydesk.Say("password"), pw, 0, false); err != nil {
		return err
	}
	if strings.ContainsRune(pw, '\t') {
		return policydesk.Errorf(policydesk.EInvalid, "The password contains a control character (U+0009).")
	}
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return policydesk.Errorf(policydesk.EInvalid, "A password has at least %d characters.", MinPasswordLength)
	}
	if len(pw) > maxPasswordBytes {
		return policydesk.Errorf(policydesk.EInvalid, "A password is at most %d bytes (about %d letters with accents).", maxPasswordBytes, maxPasswordBytes/2)
	}
	low := strings.ToLower(pw)
	if isCommonPassword(low) {
		return policydesk.Errorf(policydesk.EInvalid, "This password is on a list of commonly used passwords; choose another.")
	}
	for _, part := range accountWords(login, name) {
		if strings.Contains(low, part) {
			return policydesk.Errorf(policydesk.EInvalid, "A password may not contain the account's login or name.")
		}
	}
	if isRepetition(low) {
		return policydesk.Errorf(policydesk.EInvalid, "A password may not be one character or a short group of characters repeated.")
	}
	if isKeyRun(low) {
		return policydesk.Errorf(policydesk.EInvalid, "A password may not be a run of keys or letters such as 123456789 or qwertyuiop.")
	}
	return nil
}

// isCommonPassword reports whether low, or low without the digits and
// punctuation people add at either end ("Password123!"), is on the list.
func isCommonPassword(low string) bool {
	set := commonPasswords()
	if _, ok := set[low]; ok {
		return true
	}
	core := strings.TrimFunc(low, func(r rune) bool { return !unicode.IsLetter(r) })
	if core == "" {
		return false
	}
	_, ok := set[core]
	return ok
}

// accountWords are the parts of a login and name (of three letters or more)
// that a password may not contain: "drita.gashi" gives drita and gashi.
func accountWords(login, name string) []string {
	var words []string
	add := func(s string) {
		for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			if utf8.RuneCountInString(w) >= 3 {
				words = append(words, w)
			}
		}
	}
	add(login)
	add(name)
	if l := strings.ToLower(strings.TrimSpace(login)); utf8.RuneCountInString(l) >= 3 {
		words = append(words, l)
	}
	return words
}

// isRepetition reports whether s is one group of characters said at least
// twice over: "aaaaaaaaaaaa", "abcabcabcabc", "passwordpassword".
func isRepetition(s string) bool {
	r := []rune(s)
	for period := 1; period <= len(r)/2; period++ {
		if len(r)%period != 0 {
			continue
		}
		same := true
		for i := period; i < len(r) && same; i++ {
			same = r[i] == r[i-period]
		}
		if same {
			return true
		}
	}
	return false
}

// isKeyRun reports whether s is a stretch of a keyboard row or the
// alphabet or the digits, forwards or backwards.
func isKeyRun(s string) bool {
	rev := []rune(s)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	for _, run := range keyRuns {
		if strings.Contains(run, s) || strings.Contains(run, string(rev)) {
			return true
		}
	}
	return false
}
