package search

import (
	"html"
	"strings"

	xhtml "golang.org/x/net/html"
)

// Highlighting a page: the words of a query marked in HTML the service
// rendered itself (a document's article), as the snippets mark them.

// MaxHighlightRunes bounds the words a page is asked to highlight.
const MaxHighlightRunes = 200

// HighlightQuery is q with the other terms of its words' synonym groups,
// for marking: the words of a phrase only when longer than two letters.
func HighlightQuery(q string, syn *Synonyms) string {
	words := Words(q)
	folded := make([]string, len(words))
	for i, w := range words {
		folded[i] = Fold(w)
	}
	out := q
	for _, sp := range syn.Match(folded) {
		for _, alt := range sp.Alts {
			for _, w := range alt {
				if len(alt) == 1 || len([]rune(w)) > 2 {
					out += " " + w
				}
			}
		}
	}
	return out
}

// MarkHTML returns the trusted HTML page with each text word matching q
// in <mark>: the markup is copied as it is, each text node is decoded and
// written again escaped, so nothing in q or the text can add markup.
// Text inside elements that are not prose (script, style, textarea, mark)
// is left as it is. Other forms of the words are marked as the stemmer of
// lang finds them (every language's when lang is none of them).
func MarkHTML(page, q, lang string) string {
	terms := Terms(q)
	if len(terms) == 0 {
		return page
	}
	m := newMatcher(terms, lang)
	z := xhtml.NewTokenizer(strings.NewReader(page))
	var b strings.Builder
	skip := 0
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return b.String()
		case xhtml.TextToken:
			if skip > 0 {
				b.Write(z.Raw())
				continue
			}
			markText(&b, string(z.Text()), m)
			continue
		case xhtml.StartTagToken, xhtml.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "textarea", "mark":
				if tt == xhtml.StartTagToken {
					skip++
				} else if skip > 0 {
					skip--
				}
			}
		}
		b.Write(z.Raw())
	}
}

// markText writes text escaped, its words that match in <mark>.
func markText(b *strings.Builder, text string, m *matcher) {
	runes := []rune(text)
	var fold []byte
	pos := 0
	eachWord(runes, func(w span) {
		var ok bool
		if fold, ok = matchesWord(fold, runes[w.start:w.end], m.matchesFolded); !ok {
			return
		}
		b.WriteString(html.EscapeString(string(runes[pos:w.start])))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(string(runes[w.start:w.end])))
		b.WriteString("</mark>")
		pos = w.end
	})
	b.WriteString(html.EscapeString(string(runes[pos:])))
}
