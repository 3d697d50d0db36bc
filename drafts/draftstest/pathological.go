package draftstest

import (
	"fmt"
	"strings"
)

// Shape is one kind of pathological Markdown: Gen(n) repeats its unit n
// times. The list starts with the cases CommonMark parsers test against
// (cmark's test/pathological_tests.py, the same in commonmark.js, md4c and
// pulldown-cmark), then the shapes found against this service, then others
// that stress one parser feature each.
type Shape struct {
	Name string
	Gen  func(n int) string
}

// Pathological is the corpus of hostile Markdown the renderer and the outline
// parser are tested against at growing sizes.
var Pathological = []Shape{
	// cmark's list.
	{"nested strong emph", func(n int) string { return rep("*a **a ", n) + "b" + rep(" a** a*", n) }},
	{"many emph closers", func(n int) string { return rep("a_ ", n) }},
	{"many emph openers", func(n int) string { return rep("_a ", n) }},
	{"many link closers", func(n int) string { return rep("a]", n) }},
	{"many link openers", func(n int) string { return rep("[a", n) }},
	{"mismatched openers and closers", func(n int) string { return rep("*a_ ", n) }},
	{"openers and closers multiple of 3", func(n int) string { return "a**b" + rep("c* ", n) }},
	{"link openers and emph closers", func(n int) string { return rep("[ a_", n) }},
	{"link openers and parens", func(n int) string { return rep("[ (](", n) }},
	{"nested brackets", func(n int) string { return rep("[", n) + "a" + rep("]", n) }},
	{"nested block quotes", func(n int) string { return rep("> ", n) + "a" }},
	{"deeply nested lists", func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(rep("  ", i))
			b.WriteString("* a\n")
		}
		return b.String()
	}},
	{"backticks", func(n int) string {
		var b strings.Builder
		for i := 1; b.Len() < 3*n; i++ {
			b.WriteString("e")
			b.WriteString(rep("`", i%2000+1))
		}
		return b.String()
	}},
	{"unclosed links A", func(n int) string { return rep("[a](<b", n) }},
	{"unclosed links B", func(n int) string { return rep("[a](b", n) }},
	{"many references", func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "[%d]: u\n", i+1)
		}
		b.WriteString(rep("[0] ", n))
		return b.String()
	}},
	{"html comment openers", func(n int) string { return "</" + rep("<!--", n) }},
	{"cdata and declarations", func(n int) string { return rep("a <![CDATA[ <!A ", n) }},

	// Found against this service (issue 9).
	{"list markers then newlines", func(n int) string { return rep("- ", n) + rep("\n", n) }},
	{"plus markers then newlines", func(n int) string { return rep("+ ", n) + rep("\n", n) }},
	{"quoted list markers then quoted lines", func(n int) string { return "> " + rep("- ", n) + rep(">\n", n) }},
	{"quotes then emph", func(n int) string { return rep(">", n) + rep("a*", n) }},
	{"stars around a letter", func(n int) string { return rep("*", n) + "a" + rep("*", n) }},
	{"greater-than run", func(n int) string { return rep(">", n) }},
	{"link opener parens", func(n int) string { return rep("[a](", n) }},
	{"list markers with blank lines", func(n int) string { return rep("- \n\n", n) }},
	{"nested list markers with blank lines", func(n int) string { return rep("- ", n/4+1) + "a\n" + rep("\n", n) }},
	{"ordered list markers on one line", func(n int) string { return rep("1. ", n) + "a" }},
	{"quote and list markers on one line", func(n int) string { return rep("> - ", n) + "a" }},
	{"indented list ladder", func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(rep(" ", i%4000))
			b.WriteString("- a\n")
		}
		return b.String()
	}},

	// One feature each.
	{"paragraphs of unmatched emphasis", func(n int) string { return rep(rep("*a_ ", 256)+"\n\n", n/256+1) }},
	{"underscores around a letter", func(n int) string { return rep("_", n) + "a" + rep("_", n) }},
	{"strikethrough tildes", func(n int) string { return rep("~~a ", n) }},
	{"tilde runs around a letter", func(n int) string { return rep("~", n) + "a" + rep("~", n) }},
	{"entity runs", func(n int) string { return rep("&amp;&#35;&#x41;&nbsp;", n) }},
	{"unterminated entities", func(n int) string { return rep("&#x", n) + "a" }},
	{"backslash escapes", func(n int) string { return rep(`\*\[`, n) }},
	{"autolink openers", func(n int) string { return rep("<http://a", n) }},
	{"angle openers", func(n int) string { return rep("<a ", n) }},
	{"pipes on one line", func(n int) string { return "|" + rep("a|", n) + "\n|" + rep("-|", n) + "\n|" + rep("b|", n) + "\n" }},
	{"table with many rows", func(n int) string { return "| a | b |\n|---|---|\n" + rep("| x | y |\n", n) }},
	{"table header with many columns and rows", func(n int) string {
		cols := 200
		return "|" + rep("a|", cols) + "\n|" + rep("-|", cols) + "\n" + rep("|"+rep("b|", cols)+"\n", n/cols+1)
	}},
	{"pipe lines without delimiter row", func(n int) string { return rep("|a|b|\n", n) }},
	{"setext underline runs", func(n int) string { return "a\n" + rep("=", n) + "\n" + rep("-", n) + "\n" }},
	{"alternating text and setext lines", func(n int) string { return rep("a\n-\n", n) }},
	{"atx heading markers", func(n int) string { return rep("# #\n", n) }},
	{"thematic breaks", func(n int) string { return rep("* * *\n", n) }},
	{"link reference definitions", func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "[r%d]: /u%d \"t\"\n", i, i)
		}
		return b.String()
	}},
	{"unclosed reference definitions", func(n int) string { return rep("[a]: <b\n", n) }},
	{"reference definition titles", func(n int) string { return "[a]: /u '" + rep("x\n", n) }},
	{"fenced code openers", func(n int) string { return rep("```\n", n) }},
	{"tilde fence in quotes", func(n int) string { return rep("> ~~~\n", n) }},
	{"indented code", func(n int) string { return rep("    a\n", n) }},
	{"long line", func(n int) string { return rep("word ", n) }},
	{"unclosed link titles", func(n int) string { return rep("[a](b (", n) }},
	{"unclosed attribute values", func(n int) string { return rep("<a b=\"\n", n) }},
	{"processing instructions", func(n int) string { return rep("<?", n) }},
	{"many short lines", func(n int) string { return rep("a\n", n) }},
	{"hard breaks", func(n int) string { return rep("a  \n", n) }},
	{"image openers", func(n int) string { return rep("![a", n) }},
	{"nested images", func(n int) string { return rep("![", n) + "a" + rep("](b)", n) }},
	{"link in link labels", func(n int) string { return rep("[a ", n) + rep("](b)", n) }},
	{"code span openers", func(n int) string { return rep("`a ``b ", n) }},
	{"html blocks", func(n int) string { return rep("<div>\n", n) }},
	{"raw html tags", func(n int) string { return rep(`<a href="x">`, n) }},
	{"list items alternating types", func(n int) string { return rep("- a\n1. b\n* c\n+ d\n", n) }},
	{"quote lazy continuation", func(n int) string { return "> a\n" + rep("b\n", n) }},
	{"nested quotes and lists", func(n int) string { return rep("> 1. ", n) + "a\n" }},
	{"legal blanks", func(n int) string { return rep("më __.__.2026, nr. __/__ ", n) }},
	{"signature lines", func(n int) string { return rep("Nënshkrimi: ________\n_______\n", n) }},
	{"underscore run", func(n int) string { return "a " + rep("_", n) + " a" }},
	{"spaced underscores", func(n int) string { return rep("_ ", n) }},
	{"article headings", func(n int) string { return rep("## Neni 1\n\n", n) }},
	{"bold article lines", func(n int) string { return rep("**Neni 1**\n", n) }},
	{"chapter lines", func(n int) string { return rep("KAPITULLI III\n", n) }},
	{"chapters over blank runs", func(n int) string { return rep("\nKAPITULLI IV\n"+strings.Repeat("\n", 50), n) }},
	{"near-miss chapter numerals", func(n int) string { return rep("**Chapter IIIIIIIIIIIIIIIIIIIIx – Title**\n\n", n) }},
}

// Sized returns the shape's text at about size bytes (never less than one
// unit), so shapes of different unit lengths can be compared byte for byte.
func (s Shape) Sized(size int) string {
	// Most shapes grow linearly: two samples give n at once.
	a, b := len(s.Gen(64)), len(s.Gen(128))
	if b > a {
		if n := 64 + (size-a)*64/(b-a); n > 1 {
			if out := s.Gen(n); len(out) <= size && len(s.Gen(n+1)) > size {
				return out
			}
		}
	}
	// Some grow faster (deeply nested lists are quadratic): find the
	// largest n that fits by doubling and then bisecting.
	lo, hi := 1, 2
	for len(s.Gen(hi)) <= size {
		lo, hi = hi, 2*hi
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if len(s.Gen(mid)) <= size {
			lo = mid
		} else {
			hi = mid
		}
	}
	return s.Gen(lo)
}

func rep(s string, n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat(s, n)
}
