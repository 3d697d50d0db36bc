package review

import (
	"fmt"
	"policydesk/drafts/draftstest"
	"strings"
	"testing"
)

// mentionShapes are hostile comment bodies for Mentions, each built to a
// size: runs of "@", one endless login, code spans and fences opening and
// closing, e-mail addresses, and many different logins.
var mentionShapes = []struct {
	name string
	unit func(i int) string
}{
	{"at signs", func(int) string { return "@" }},
	{"one long login", func(int) string { return "a" }},
	{"mention runs", func(int) string { return "@a " }},
	{"code spans", func(int) string { return "`@a` " }},
	{"fences", func(int) string { return "```\n@a\n" }},
	{"addresses", func(int) string { return "a@b.c " }},
	{"distinct logins", func(i int) string { return fmt.Sprintf("@u%d ", i) }},
	{"dots", func(int) string { return "@a." }},
}

func mentionBody(unit func(int) string, size int) string {
	var sb strings.Builder
	sb.WriteByte('@')
	for i := 0; sb.Len() < size; i++ {
		sb.WriteString(unit(i))
	}
	return sb.String()
}

// TestMentionsHostile: every hostile shape at the comment limit is read,
// each login found once.
func TestMentionsHostile(t *testing.T) {
	for _, s := range mentionShapes {
		body := mentionBody(s.unit, MaxCommentRunes)
		got := Mentions(body)
		seen := map[string]bool{}
		for _, l := range got {
			if seen[l] || l == "" || strings.ContainsAny(l, "@ `\n") {
				t.Fatalf("%s: a login %q repeated or malformed", s.name, l)
			}
			seen[l] = true
		}
	}
}

// BenchmarkMentionsRatio reads each hostile shape at an eighth of the
// comment limit and at the limit: a ratio near 8 or below is linear.
//
//	go test -run '^$' -bench MentionsRatio ./review/
func BenchmarkMentionsRatio(b *testing.B) {
	for _, s := range mentionShapes {
		small, large := mentionBody(s.unit, MaxCommentRunes/8), mentionBody(s.unit, MaxCommentRunes)
		b.Run(strings.ReplaceAll(s.name, " ", "_"), func(b *testing.B) {
			draftstest.Ratio(b, small, large, func(body string) { Mentions(body) })
		})
	}
}
