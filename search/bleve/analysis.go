package bleve

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/token/edgengram"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"

	"policydesk/search"
	"policydesk/search/stem"
)

// Names registered with bleve.
const (
	foldFilterName   = "policydesk_fold"
	analyzerName     = "policydesk_text"
	edgeFilterName   = "policydesk_edge"
	prefixAnalyzer   = "policydesk_prefixes"
	minPrefixIndexed = 3
	maxPrefixIndexed = 12
)

func init() {
	err := registry.RegisterTokenFilter(foldFilterName,
		func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) { return foldFilter{}, nil })
	if err != nil {
		panic(err)
	}
	for _, lang := range stem.Languages {
		f := stemFilter{lang}
		err := registry.RegisterTokenFilter(stemFilterName(lang),
			func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) { return f, nil })
		if err != nil {
			panic(err)
		}
	}
}

// foldFilter applies search.Fold to each token, emitting the "d" variant of
// đ/ђ words at the same position. Tokens the unicode tokenizer keeps whole
// but search.Words splits ("1.1", "s'ka") are split here too, so that index
// and query see the same words.
type foldFilter struct{}

func (foldFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(input))
	pos := 0
	for _, tok := range input {
		for _, w := range search.Words(string(tok.Term)) {
			pos++
			for _, v := range search.FoldVariants(w) {
				out = append(out, &analysis.Token{
					Start: tok.Start, End: tok.End, Term: []byte(v),
					Position: pos, Type: tok.Type,
				})
			}
		}
	}
	return out
}

// addAnalyzer registers the text analyzer on m (unicode words, lower case,
// then folding) and the prefix analyzer, which also indexes each folded
// word's first 3 to 12 letters, so that search-as-you-type looks up one
// term instead of expanding a prefix over the whole dictionary.
func addAnalyzer(m *mapping.IndexMappingImpl) error {
	err := m.AddCustomAnalyzer(analyzerName, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name, foldFilterName},
	})
	if err != nil {
		return err
	}
	err = m.AddCustomTokenFilter(edgeFilterName, map[string]interface{}{
		"type": edgengram.Name, "back": false,
		"min": float64(minPrefixIndexed), "max": float64(maxPrefixIndexed),
	})
	if err != nil {
		return err
	}
	return m.AddCustomAnalyzer(prefixAnalyzer, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name, foldFilterName, edgeFilterName},
	})
}

// stemField names the field holding the stems of an entry in language
// lang: stems_sq, stems_sr, stems_en.
func stemField(lang string) string { return "stems_" + lang }

func stemAnalyzer(lang string) string { return "policydesk_stems_" + lang }

func stemFilterName(lang string) string { return "policydesk_stem_" + lang }

// stemFilter replaces each folded token by its stem in one language and
// drops the stop words, which a query looks up only as typed (in fAll).
type stemFilter struct{ lang string }

func (f stemFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	out := input[:0]
	for _, tok := range input {
		w := string(tok.Term)
		if search.IsStopWord(w) {
			continue
		}
		if s := stem.Stem(f.lang, w); len(s) < len(w) && w[:len(s)] == s {
			tok.Term = tok.Term[:len(s)] // most stems begin their word: no copy
		} else if s != w {
			tok.Term = []byte(s)
		}
		out = append(out, tok)
	}
	return out
}

// addStemAnalyzers registers, per language with a stemmer, the analyzer of
// its stems field: the text analyzer's words, stemmed, without stop words.
func addStemAnalyzers(m *mapping.IndexMappingImpl) error {
	for _, lang := range stem.Languages {
		err := m.AddCustomAnalyzer(stemAnalyzer(lang), map[string]interface{}{
			"type":          custom.Name,
			"tokenizer":     unicode.Name,
			"token_filters": []string{lowercase.Name, foldFilterName, stemFilterName(lang)},
		})
		if err != nil {
			return err
		}
	}
	return nil
}
