package policydesk

import (
	"fmt"
	"strconv"
	"strings"
)

// Translator puts the sentences the service writes for people into their
// language, the gettext way: a sentence's English format ("Base version %d
// does not exist; the newest is %d.") is its key in the catalogs, which
// hold for each language the same sentence with the same verbs (%[2]d may
// reorder them). The domain writes English formats and their values; the
// edge, or a service writing about a document in the document's language,
// asks a Translator for the words. A sentence a catalog lacks stays
// English; a test keeps every format the code writes in every catalog.
type Translator interface {
	// Sentence is format in lang, formatted with args.
	Sentence(lang, format string, args ...any) string
}

// English is the Translator that leaves every sentence as written.
var English Translator = english{}

type english struct{}

func (english) Sentence(_, format string, args ...any) string { return fmt.Sprintf(format, args...) }

// Words are a word or a short phrase the catalogs translate and a sentence
// prints as one of its values: the name of a field ("title"), of a thing
// ("Document") or of a state ("closed"). A Translator puts Words among a
// sentence's values into the sentence's language; printed otherwise, they
// are their English.
type Words struct{ english string }

// Say returns english as Words. english is a constant, so that the test
// of the catalogs finds it in the code.
func Say(english string) Words { return Words{english} }

// String is the English words.
func (w Words) String() string { return w.english }

// WordList is a list of Words a sentence prints as one value, joined with
// commas ("title, status").
type WordList []Words

// String is the list in English.
func (l WordList) String() string {
	parts := make([]string, len(l))
	for i, w := range l {
		parts[i] = w.english
	}
	return strings.Join(parts, ", ")
}

// Quantity is a large number a sentence prints with its digits grouped
// the way the reader's language groups them (1,000,000 in English).
type Quantity int

// String is the number grouped the English way.
func (q Quantity) String() string {
	s := strconv.Itoa(int(q))
	start := 0
	if q < 0 {
		start = 1
	}
	for i := len(s) - 3; i > start; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
