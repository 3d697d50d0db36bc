package search

import "policydesk/drafts/textkit"

// Stop words: the articles, particles, prepositions and conjunctions of
// Albanian, Serbian and English, folded. A query ignores them unless it
// has nothing else or they are quoted ("mbrojtja e fëmijëve" looks for
// mbrojtja and fëmijëve), and snippets never mark them. One list serves
// every language, since a query's language is not known: the few words
// that are stop words in one language and not in another ("ne" is
// Albanian "në" and Serbian "not") are short and rarely searched alone.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, list := range [...][]string{
		// Albanian
		{"e", "te", "i", "se", "ne", "dhe", "per", "me", "nga", "ndaj", "si", "qe", "nje", "ose", "apo", "a",
			"o", "u", "do", "ka", "eshte", "jane", "kjo", "ky", "por", "edhe", "mbi", "tek", "deri", "nese", "ku"},
		// Serbian (Latin; Cyrillic folds to it)
		{"i", "u", "na", "za", "od", "sa", "s", "je", "se", "da", "o", "po", "ili", "a", "ali", "iz", "do", "k",
			"ka", "su", "bi", "to", "taj", "ta", "kao", "uz", "pri", "nad", "pod", "kroz", "ovaj", "ova", "ovo"},
		// English
		{"the", "of", "and", "a", "an", "to", "in", "for", "on", "or", "by", "with", "at", "from", "as", "is",
			"are", "be", "this", "that", "it", "its", "into", "these", "those", "was", "were"},
	} {
		for _, w := range list {
			m[w] = true
		}
	}
	return m
}()

// IsStopWord reports whether the folded word is a stop word.
func IsStopWord(folded string) bool { return stopWords[folded] }

// isStopBytes is IsStopWord for a byte slice, without allocating.
func isStopBytes(folded []byte) bool { return stopWords[string(folded)] }

// queryWords returns the words of q that a search looks for: its words
// without the stop words, except those between quotes; all of them when
// nothing else is left.
func queryWords(q string) []string {
	var words, kept []string
	quoted := false
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := q[start:end]
		words = append(words, w)
		if quoted || !stopWords[Fold(w)] {
			kept = append(kept, w)
		}
		start = -1
	}
	for i, r := range q {
		switch {
		case isQuote(r):
			flush(i)
			quoted = !quoted
		case textkit.IsWordRune(r):
			if start < 0 {
				start = i
			}
		default:
			flush(i)
		}
	}
	flush(len(q))
	if len(kept) == 0 {
		return words
	}
	return kept
}

func isQuote(r rune) bool {
	switch r {
	case '"', '“', '”', '„', '«', '»':
		return true
	}
	return false
}
