package review_test

import (
	"slices"
	"testing"

	"policydesk/review"
)

func TestMentions(t *testing.T) {
	for body, want := range map[string][]string{
		"@ana please look":                       {"ana"},
		"Thanks @ana. And @besa_k, @dren-h!":     {"ana", "besa_k", "dren-h"},
		"(@Ana) and again @ana":                  {"ana"},
		"write to ana@example.org or a@@b":       nil,
		"`@ana` is code, @besa is not":           {"besa"},
		"```\n@ana in a fence\n```\nthen @besa":  {"besa"},
		"~~~\n@ana\n":                            nil,
		"@ todo and a lone @":                    nil,
		"line one @ana.\nline two @v.berisha...": {"ana", "v.berisha"},
	} {
		if got := review.Mentions(body); !slices.Equal(got, want) {
			t.Errorf("Mentions(%q) = %q, want %q", body, got, want)
		}
	}
}
