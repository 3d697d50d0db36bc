package i18n

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/message"

	"policydesk"
	"policydesk/timefmt"
)

// sentencesFile is each language's catalog of the English sentences the
// domain writes (policydesk.Translator): its keys are the English formats
// themselves, its values the same sentence in the language, with the same
// verbs. English has none: its sentences are their keys.
const sentencesFile = "sentences.toml"

var _ policydesk.Translator = (*Catalog)(nil)

// Forms are a sentence's translation by plural category ("one", "few",
// "other"); a sentence without plural forms has only "other". The count
// that chooses the form is the sentence's first integer value.
type Forms map[string]string

// loadSentences reads lang's sentences.toml, when there is one.
func (c *Catalog) loadSentences(lang string) error {
	name := path.Join("locales", lang, sentencesFile)
	buf, err := localeFS.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	var raw map[string]any
	if err := toml.Unmarshal(buf, &raw); err != nil {
		return fmt.Errorf("i18n: %s: %w", name, err)
	}
	c.sentences[lang] = map[string]Forms{}
	for format, v := range raw {
		forms := Forms{}
		switch v := v.(type) {
		case string:
			forms["other"] = v
		case map[string]any:
			for form, text := range v {
				s, ok := text.(string)
				if !ok || !pluralCategories[form] {
					return fmt.Errorf("i18n: %s: %q has a form %q that is not a plural category with a text", name, format, form)
				}
				forms[form] = s
			}
		default:
			return fmt.Errorf("i18n: %s: %q is neither a text nor a table of plural forms", name, format)
		}
		if forms["other"] == "" {
			return fmt.Errorf("i18n: %s: %q has no \"other\" form", name, format)
		}
		c.sentences[lang][format] = forms
	}
	return nil
}

var pluralCategories = map[string]bool{"zero": true, "one": true, "two": true, "few": true, "many": true, "other": true}

// Sentence is the English format in lang, formatted with args: the
// catalog's translation, in the plural form the first integer of args
// calls for, or the English format when lang has none for it.
func (c *Catalog) Sentence(lang, format string, args ...any) string {
	args = c.wordsIn(lang, args)
	forms, ok := c.sentences[lang][format]
	if !ok {
		return fmt.Sprintf(format, args...)
	}
	text := forms["other"]
	if n, ok := firstCount(args); ok && len(forms) > 1 {
		if s := forms[formName(plural.Cardinal.MatchPlural(c.tags[lang], n, 0, 0, 0, 0))]; s != "" {
			text = s
		}
	}
	return fmt.Sprintf(text, args...)
}

// wordsIn puts the policydesk.Words and the months among args into lang.
func (c *Catalog) wordsIn(lang string, args []any) []any {
	var out []any
	for i, a := range args {
		var said string
		switch a := a.(type) {
		case policydesk.Words:
			said = a.String()
			if forms, ok := c.sentences[lang][said]; ok {
				said = forms["other"]
			}
		case policydesk.WordList:
			parts := make([]string, len(a))
			for j, w := range a {
				parts[j] = c.wordsIn(lang, []any{w})[0].(string)
			}
			said = strings.Join(parts, ", ")
		case time.Month:
			said = timefmt.MonthName(a, lang)
		case policydesk.Quantity:
			said = message.NewPrinter(c.tags[lang]).Sprintf("%d", int(a))
		default:
			continue
		}
		if out == nil {
			out = slices.Clone(args)
		}
		out[i] = said
	}
	if out == nil {
		return args
	}
	return out
}

// Sentences lists the English formats lang's catalog translates, sorted.
func (c *Catalog) Sentences(lang string) []string {
	keys := make([]string, 0, len(c.sentences[lang]))
	for k := range c.sentences[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// SentenceForms is lang's translation of format by plural category, nil
// when the catalog lacks it.
func (c *Catalog) SentenceForms(lang, format string) Forms {
	return c.sentences[lang][format]
}

// firstCount is the first integer among args, which chooses plural forms.
func firstCount(args []any) (int, bool) {
	for _, a := range args {
		switch n := a.(type) {
		case int:
			return abs(n), true
		case int64:
			return abs(int(n)), true
		case int32:
			return abs(int(n)), true
		case uint:
			return int(n), true
		case uint64:
			return int(n), true
		}
	}
	return 0, false
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func formName(f plural.Form) string {
	switch f {
	case plural.Zero:
		return "zero"
	case plural.One:
		return "one"
	case plural.Two:
		return "two"
	case plural.Few:
		return "few"
	case plural.Many:
		return "many"
	}
	return "other"
}
