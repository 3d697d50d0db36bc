package merge3

import (
	"context"
	"strings"

	"policydesk/drafts/textdiff"
)

// Span is a run of words of a comparison of two wordings: in both
// ("same"), only in the first ("del") or only in the second ("ins").
type Span struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

// Comparer marks the words that differ between two wordings of a
// conflict, so a reader sees what each side changed. All the comparisons
// of one Comparer share one budget of Budget steps, like one side of a
// merge, so a page of many large conflicts costs no more than a merge;
// where the budget runs out a region is shown as wholly replaced, never
// wrongly.
type Comparer struct{ bud *textdiff.Budget }

// NewComparer returns a Comparer that gives up with ctx's error.
func NewComparer(ctx context.Context) *Comparer {
	return &Comparer{bud: textdiff.NewBudget(ctx, Budget)}
}

// Compare returns the spans of a and b: the first wording is a's spans of
// kind "same" and "del", the second b's "same" and "ins". Words are
// tokens as the merge sees them (letters and digits, runs of space, single
// punctuation marks), except that a number written with separators, a
// time or a date (08:00, 5.000, 12/2026) is one word.
func (c *Comparer) Compare(a, b string) ([]Span, error) {
	bud := c.bud
	at, bt := numberUnits(mergeTokens(a)), numberUnits(mergeTokens(b))
	ids := make(map[string]int, len(at)+8)
	ai, bi := mergeIntern(ids, at), mergeIntern(ids, bt)
	hunks := textdiff.Diff(ai, bi, bud)
	if err := bud.Err(); err != nil {
		return nil, err
	}
	var spans []Span
	add := func(kind string, toks []string) {
		// Hunks are separated by equal tokens, so no two spans in a row
		// are of one kind.
		if len(toks) > 0 {
			spans = append(spans, Span{Kind: kind, Text: strings.Join(toks, "")})
		}
	}
	i := 0
	for _, h := range hunks {
		add("same", at[i:h.A0])
		add("del", at[h.A0:h.A1])
		add("ins", bt[h.B0:h.B1])
		i = h.A1
	}
	add("same", at[i:])
	return spans, nil
}

// numberUnits joins digits separated by single ".", ",", ":" or "/" into
// one token, so "08:00" → "07:30" reads as one time replaced.
func numberUnits(toks []string) []string {
	out := toks[:0:0]
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if n := len(out); n > 0 && isDigits(t) && i >= 2 && isDigits(toks[i-2]) &&
			strings.Contains(".,:/", toks[i-1]) && len(toks[i-1]) == 1 && strings.HasSuffix(out[n-1], toks[i-1]) {
			out[n-1] += t
			continue
		}
		if n := len(out); n > 0 && len(t) == 1 && strings.Contains(".,:/", t) && i+1 < len(toks) && isDigits(toks[i+1]) && isDigits(toks[i-1]) {
			out[n-1] += t
			continue
		}
		out = append(out, t)
	}
	return out
}

func isDigits(t string) bool {
	for _, r := range t {
		if r < '0' || r > '9' {
			return false
		}
	}
	return t != ""
}
