// Package i18n is the interface's languages: the message catalogs a
// translator edits (locales/<language>/<area>.toml, one file per language
// and area of the interface), the choice of a request's language, and the
// Localizer that turns a message key into the sentence in that language,
// with plural forms by the CLDR rules of each language.
//
// A catalog file holds flat, quoted keys ("nav.documents" = "Dokumentet");
// a message with plural forms is an inline table of its CLDR categories
// ("library.count" = { one = "{{.Count}} dokument", other = "..." }).
// Albanian and English have one and other; Serbian one, few and other.
//
// The sentences the domain writes (error messages, texts a service writes
// about a document) are translated the gettext way: their English format
// is the key (locales/<lang>/sentences.toml, sq and sr; see sentences.go
// and policydesk.Translator), and a test keeps every format the code
// writes in both catalogs, with the same verbs.
package i18n

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"policydesk/cyrillic"
)

//go:embed locales
var localeFS embed.FS

// Default is the installation's language when nothing else is set.
const Default = "sq"

// Languages are the interface's languages, in the order the language menu
// lists them: Albanian, Serbian (Latin script), Serbian in Cyrillic,
// English.
var Languages = []string{"sq", "sr", "sr-Cyrl", "en"}

// derived are the languages made at load from another one's catalogs, so
// translators keep one: Serbian Cyrillic is the Serbian Latin catalog
// transliterated (it has no locales directory of its own).
var derived = map[string]struct {
	from    string
	convert func(string) string
}{"sr-Cyrl": {"sr", cyrillic.FromLatin}}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool { return slices.Contains(Languages, lang) }

// Catalog is every language's messages, loaded once at start.
type Catalog struct {
	bundle     *goi18n.Bundle
	messages   map[string]map[string]*goi18n.Message // language → key → message
	localizers map[string]*Localizer
	matcher    language.Matcher
	// sentences are the translations of the English sentences the domain
	// writes (see policydesk.Translator), from locales/<lang>/sentences.toml:
	// language → English format → the translation's plural forms.
	sentences map[string]map[string]Forms
	tags      map[string]language.Tag
}

// Load returns the embedded catalogs, read once per process (the server,
// the services and the mail renderer share them; a Catalog is read-only
// once loaded); a broken file fails the start.
func Load() (*Catalog, error) { return loadOnce() }

var loadOnce = sync.OnceValues(load)

func load() (*Catalog, error) {
	c := &Catalog{bundle: goi18n.NewBundle(language.MustParse(Default)), messages: map[string]map[string]*goi18n.Message{},
		localizers: map[string]*Localizer{}, sentences: map[string]map[string]Forms{}, tags: map[string]language.Tag{}}
	tags := make([]language.Tag, len(Languages))
	for i, lang := range Languages {
		tags[i] = language.MustParse(lang)
		c.tags[lang] = tags[i]
		if d, ok := derived[lang]; ok {
			if err := c.derive(lang, tags[i], d.from, d.convert); err != nil {
				return nil, err
			}
		} else if err := c.loadLanguage(lang, tags[i]); err != nil {
			return nil, err
		} else if err := c.loadSentences(lang); err != nil {
			return nil, err
		}
		c.localizers[lang] = &Localizer{lang: lang, loc: goi18n.NewLocalizer(c.bundle, lang)}
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// loadLanguage adds every locales/<lang>/*.toml; a key in two files of one
// language is refused, so areas cannot silently override each other.
func (c *Catalog) loadLanguage(lang string, tag language.Tag) error {
	files, err := fs.Glob(localeFS, path.Join("locales", lang, "*.toml"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("i18n: no catalog for %s (%v)", lang, err)
	}
	c.messages[lang] = map[string]*goi18n.Message{}
	for _, name := range files {
		if path.Base(name) == sentencesFile {
			continue
		}
		buf, err := localeFS.ReadFile(name)
		if err != nil {
			return err
		}
		msgs, err := c.bundle.ParseMessageBytes(tag, buf, toml.Unmarshal)
		if err != nil {
			return fmt.Errorf("i18n: %s: %w", name, err)
		}
		for _, m := range msgs {
			if c.messages[lang][m.ID] != nil {
				return fmt.Errorf("i18n: %s: the key %q is already in another file of %s", name, m.ID, lang)
			}
			c.messages[lang][m.ID] = m
		}
	}
	return nil
}

// derive makes lang's messages and sentences from those of from (loaded
// before it), each text passed through convert.
func (c *Catalog) derive(lang string, tag language.Tag, from string, convert func(string) string) error {
	c.messages[lang] = map[string]*goi18n.Message{}
	msgs := make([]*goi18n.Message, 0, len(c.messages[from]))
	for id, m := range c.messages[from] {
		d := *m
		for _, text := range []*string{&d.Description, &d.Zero, &d.One, &d.Two, &d.Few, &d.Many, &d.Other} {
			*text = convert(*text)
		}
		c.messages[lang][id] = &d
		msgs = append(msgs, &d)
	}
	if err := c.bundle.AddMessages(tag, msgs...); err != nil {
		return fmt.Errorf("i18n: %s from %s: %w", lang, from, err)
	}
	c.sentences[lang] = map[string]Forms{}
	for format, forms := range c.sentences[from] {
		converted := Forms{}
		for form, text := range forms {
			converted[form] = convert(text)
		}
		c.sentences[lang][format] = converted
	}
	return nil
}

// Keys lists the message keys of lang's catalog, sorted.
func (c *Catalog) Keys(lang string) []string {
	keys := make([]string, 0, len(c.messages[lang]))
	for k := range c.messages[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// PluralForms lists the plural categories lang's message key has ("one",
// "few", "other"), none for a message without plural forms.
func (c *Catalog) PluralForms(lang, key string) []string {
	m := c.messages[lang][key]
	if m == nil {
		return nil
	}
	var forms []string
	for _, f := range []struct{ name, text string }{{"zero", m.Zero}, {"one", m.One}, {"two", m.Two}, {"few", m.Few}, {"many", m.Many}} {
		if f.text != "" {
			forms = append(forms, f.name)
		}
	}
	if len(forms) > 0 && m.Other != "" {
		forms = append(forms, "other")
	}
	return forms
}

// For is the Localizer of lang; an unsupported one gets the default's.
func (c *Catalog) For(lang string) *Localizer {
	if l, ok := c.localizers[lang]; ok {
		return l
	}
	return c.localizers[Default]
}

// Match picks the language an Accept-Language header prefers among
// Languages, or fallback when it names none of them (or is empty). Any
// regional or script variant counts: sr-Latn-RS and sr-ME are sr.
func (c *Catalog) Match(acceptLanguage, fallback string) string {
	if strings.TrimSpace(acceptLanguage) == "" {
		return fallback
	}
	prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(prefs) == 0 {
		return fallback
	}
	// The preferences are taken in the reader's order. Serbian is Latin
	// unless the header names Cyrillic: x/text's matcher takes a bare or
	// Latin "sr" for Cyrillic (CLDR's default script) and would answer
	// sr-Cyrl to "sr-Latn-RS,sr-Cyrl;q=0.5".
	for _, pref := range prefs {
		if base, _ := pref.Base(); base.String() == "sr" {
			if script, conf := pref.Script(); script.String() == "Cyrl" && conf == language.Exact {
				return "sr-Cyrl"
			}
			return "sr"
		}
		if _, i, conf := c.matcher.Match(pref); conf != language.No {
			return Languages[i]
		}
	}
	return fallback
}

// Localizer says the catalog's messages in one language.
type Localizer struct {
	lang string
	loc  *goi18n.Localizer
}

// Lang is the Localizer's language code (sq, sr, sr-Cyrl, en).
func (l *Localizer) Lang() string { return l.lang }

// T is the message key in the Localizer's language. args are name/value
// pairs for the message's placeholders; a "Count" pair also chooses the
// plural form. A key missing from the catalog is returned as it is (the
// catalog test keeps that from shipping).
func (l *Localizer) T(key string, args ...any) string {
	data := map[string]any{}
	var count any
	for i := 0; i+1 < len(args); i += 2 {
		name, _ := args[i].(string)
		data[name] = args[i+1]
		if name == "Count" {
			count = args[i+1]
		}
	}
	s, err := l.loc.Localize(&goi18n.LocalizeConfig{MessageID: key, TemplateData: data, PluralCount: count})
	if err != nil {
		return key
	}
	return s
}

// Label is the word for a value of a fixed set (a kind, a status, a role)
// under prefix ("kind.regulation"); a value without one is shown as it is.
func (l *Localizer) Label(prefix, value string) string {
	key := prefix + "." + value
	if s := l.T(key); s != key {
		return s
	}
	return value
}

// Funcs are the template functions of the Localizer's language:
// {{t "nav.documents"}}, {{t "comments.count" "Count" 3}}, and
// {{label "kind" .Kind}}.
func (l *Localizer) Funcs() template.FuncMap {
	return template.FuncMap{
		"t":     l.T,
		"label": l.Label,
		"lang":  l.Lang,
	}
}

type ctxKey struct{}

// NewContext returns ctx carrying l, the request's Localizer.
func NewContext(ctx context.Context, l *Localizer) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// FromContext is the request's Localizer, nil when none was chosen.
func FromContext(ctx context.Context) *Localizer {
	l, _ := ctx.Value(ctxKey{}).(*Localizer)
	return l
}

// Size is a file size the way people read it, in the Localizer's language:
// whole bytes with the plural form below a kilobyte, else KB, MB or GB with
// the language's decimal mark ("1,5 MB" in Albanian and Serbian).
func (l *Localizer) Size(n int64) string {
	var v float64
	var unit, format string
	switch {
	case n >= 1<<30:
		v, unit, format = float64(n)/(1<<30), "GB", "%.1f"
	case n >= 1<<20:
		v, unit, format = float64(n)/(1<<20), "MB", "%.1f"
	case n >= 1<<10:
		v, unit, format = float64(n)/(1<<10), "KB", "%.0f"
	default:
		return l.T("size.bytes", "Count", n)
	}
	num := fmt.Sprintf(format, v)
	if mark := l.T("size.decimal_mark"); mark != "size.decimal_mark" {
		num = strings.Replace(num, ".", mark, 1)
	}
	return l.T("size.unit", "N", num, "Unit", unit)
}
