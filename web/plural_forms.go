package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// pluralForms gives a page's script a catalog message with plural forms in
// the request's language, as JSON: each CLDR category the language uses
// ("one", "few", "other") maps to its sentence with "{n}" where the count
// goes. The script picks the category with Intl.PluralRules for the page's
// <html lang>, so a count it computes reads as the server's would. The
// sentence must show the count before any other digit.
func (s *Server) pluralForms(r *http.Request, key string) string {
	l := s.localizer(r)
	tag := language.MustParse(l.Lang())
	forms := map[string]string{}
	for _, category := range s.catalog.PluralForms(l.Lang(), key) {
		if n, ok := sampleCount(tag, category); ok {
			forms[category] = strings.Replace(l.T(key, "Count", n), strconv.Itoa(n), "{n}", 1)
		}
	}
	b, err := json.Marshal(forms)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// pluralCategories name x/text's plural forms as CLDR (and Intl) do.
var pluralCategories = map[plural.Form]string{plural.Other: "other", plural.Zero: "zero", plural.One: "one",
	plural.Two: "two", plural.Few: "few", plural.Many: "many"}

// sampleCount is the smallest whole number the language puts in category.
func sampleCount(tag language.Tag, category string) (int, bool) {
	for n := 0; n <= 1000; n++ {
		if pluralCategories[plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)] == category {
			return n, true
		}
	}
	return 0, false
}
