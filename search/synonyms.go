package search

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"policydesk"
)

// Synonyms are groups of equivalent terms: abbreviations and their
// expansions in the three languages (MoU ↔ Memorandum of Understanding ↔
// Memorandum i Mirëkuptimit). A query word, or a run of query words, equal
// to a term of a group (after folding) matches any term of the group: a
// one-word term as that word, a phrase as all of its words.

// SynonymGroup is one group of equivalent terms.
type SynonymGroup struct {
	// ID names the group: lower-case letters, digits and dashes.
	ID    string   `json:"id"`
	Terms []string `json:"terms"`
	// Builtin is set on the groups of BuiltinSynonyms; an admin may change
	// or remove them (a removal is stored as Removed).
	Builtin bool `json:"builtin"`
	// Removed hides a built-in group; only stored rows carry it.
	Removed bool `json:"-"`
	// By and At say who changed the group last, for stored groups.
	By string    `json:"updated_by,omitempty"`
	At time.Time `json:"updated_at,omitzero"`
}

// Limits of a group.
const (
	MinSynonymTerms    = 2
	MaxSynonymTerms    = 20
	MaxSynonymRunes    = 80
	MaxSynonymIDRunes  = 40
	MaxSynonymGroups   = 500
	maxSynonymPhraseWs = 6
)

// Audit actions on synonyms (object type "synonyms", id the group's ID).
const (
	ActionSynonymsPut    = "synonyms.put"
	ActionSynonymsDelete = "synonyms.delete"
)

// BuiltinSynonyms are the groups every installation starts with.
var BuiltinSynonyms = []SynonymGroup{
	{ID: "mou", Terms: []string{"MoU", "Memorandum of Understanding", "Memorandum i Mirëkuptimit", "Memorandum o razumevanju"}},
	{ID: "ua", Terms: []string{"UA", "Udhëzim Administrativ"}},
	{ID: "ai", Terms: []string{"AI", "Administrative Instruction"}},
	{ID: "sop", Terms: []string{"SOP", "Standard Operating Procedures", "Procedurat Standarde të Veprimit"}},
	{ID: "qps", Terms: []string{"QPS", "Qendra për Punë Sociale", "Centar za socijalni rad", "Centre for Social Work"}},
	{ID: "cmr", Terms: []string{"CMR", "Tryezat Multidisiplinare"}},
}

var synonymID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// CheckSynonymGroup validates g and returns it with its terms trimmed and
// without repeats (terms equal after folding count once).
func CheckSynonymGroup(g SynonymGroup) (SynonymGroup, error) {
	if !synonymID.MatchString(g.ID) || len(g.ID) > MaxSynonymIDRunes {
		return g, policydesk.Errorf(policydesk.EInvalid, "A synonym group's name is 1 to %d lower-case letters, digits or dashes.", MaxSynonymIDRunes).On("id")
	}
	var terms []string
	seen := map[string]bool{}
	for _, t := range g.Terms {
		if !utf8.ValidString(t) || strings.IndexFunc(t, unicode.IsControl) >= 0 {
			return g, policydesk.Errorf(policydesk.EInvalid, "A synonym is one line of text.").On("terms")
		}
		t = strings.Join(strings.Fields(t), " ")
		switch {
		case t == "" || utf8.RuneCountInString(t) > MaxSynonymRunes:
			return g, policydesk.Errorf(policydesk.EInvalid, "A synonym has 1 to %d characters.", MaxSynonymRunes).On("terms")
		}
		words := foldedWords(t)
		if len(words) == 0 || len(words) > maxSynonymPhraseWs {
			return g, policydesk.Errorf(policydesk.EInvalid, "A synonym has 1 to %d words of letters or digits.", maxSynonymPhraseWs).On("terms")
		}
		if key := strings.Join(words, " "); !seen[key] {
			seen[key] = true
			terms = append(terms, t)
		}
	}
	if len(terms) < MinSynonymTerms || len(terms) > MaxSynonymTerms {
		return g, policydesk.Errorf(policydesk.EInvalid, "A synonym group has %d to %d different terms.", MinSynonymTerms, MaxSynonymTerms).On("terms")
	}
	g.Terms = terms
	return g, nil
}

// foldedWords are the folded words of a term, as a query's are.
func foldedWords(term string) []string {
	words := Words(term)
	for i, w := range words {
		words[i] = Fold(w)
	}
	return words
}

// withoutStopWords leaves the stop words out of a term's folded words, as
// queries leave them out (see Terms), so "memorandum of understanding"
// typed is the term "memorandum of understanding"; a term of stop words
// only keeps them.
func withoutStopWords(words []string) []string {
	kept := words[:0:0]
	for _, w := range words {
		if !stopWords[w] {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		return words
	}
	return kept
}

// EffectiveSynonyms merges the stored groups over the built-in ones: a
// stored group replaces the built-in one of its ID, or hides it when
// Removed. Groups come sorted by ID.
func EffectiveSynonyms(stored []SynonymGroup) []SynonymGroup {
	byID := map[string]SynonymGroup{}
	for _, g := range BuiltinSynonyms {
		g.Builtin = true
		byID[g.ID] = g
	}
	for _, g := range stored {
		_, builtin := byID[g.ID]
		g.Builtin = builtin || g.Builtin
		byID[g.ID] = g
	}
	out := make([]SynonymGroup, 0, len(byID))
	for _, g := range byID {
		if !g.Removed {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b SynonymGroup) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Synonyms is a compiled set of groups for query expansion. The zero
// value and nil have no groups. Safe for concurrent use once built.
type Synonyms struct {
	// phrases[g] are group g's terms as folded words.
	phrases [][][]string
	// byFirst maps a term's first folded word to its (group, term) pairs.
	byFirst map[string][][2]int
}

// CompileSynonyms builds the expansion table of groups.
func CompileSynonyms(groups []SynonymGroup) *Synonyms {
	s := &Synonyms{byFirst: map[string][][2]int{}}
	for _, g := range groups {
		gi := len(s.phrases)
		var phrases [][]string
		for _, t := range g.Terms {
			words := withoutStopWords(foldedWords(t))
			if len(words) == 0 {
				continue
			}
			s.byFirst[words[0]] = append(s.byFirst[words[0]], [2]int{gi, len(phrases)})
			phrases = append(phrases, words)
		}
		s.phrases = append(s.phrases, phrases)
	}
	return s
}

// Span is a run of query words [Start, End) equal to a term of a group;
// Alts are the group's other terms as folded words.
type Span struct {
	Start, End int
	Alts       [][]string
}

// Match finds the group terms among the folded query words, longest first
// from left to right; a word is in at most one span.
func (s *Synonyms) Match(words []string) []Span {
	if s == nil || len(s.byFirst) == 0 {
		return nil
	}
	var out []Span
	for i := 0; i < len(words); {
		best, bestLen := [2]int{-1, -1}, 0
		for _, gt := range s.byFirst[words[i]] {
			p := s.phrases[gt[0]][gt[1]]
			if len(p) > bestLen && i+len(p) <= len(words) && slices.Equal(p, words[i:i+len(p)]) {
				best, bestLen = gt, len(p)
			}
		}
		if bestLen == 0 {
			i++
			continue
		}
		sp := Span{Start: i, End: i + bestLen}
		for ti, p := range s.phrases[best[0]] {
			if ti != best[1] {
				sp.Alts = append(sp.Alts, p)
			}
		}
		out = append(out, sp)
		i += bestLen
	}
	return out
}

// Map is the groups as Meilisearch's synonyms setting wants them: each
// folded term (words joined by spaces) → the other terms of its groups.
func (s *Synonyms) Map() map[string][]string {
	out := map[string][]string{}
	if s == nil {
		return out
	}
	for _, g := range s.phrases {
		for i, p := range g {
			key := strings.Join(p, " ")
			for j, q := range g {
				if j != i {
					if alt := strings.Join(q, " "); !slices.Contains(out[key], alt) && alt != key {
						out[key] = append(out[key], alt)
					}
				}
			}
		}
	}
	return out
}
