package redline_test

import (
	"slices"
	"testing"

	"policydesk/review/redline"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"fëmijëve", []string{"fëmijëve"}},
		{"fe\u0308mije\u0308ve jetë", []string{"fe\u0308mije\u0308ve", " ", "jetë"}},
		{"zaštite djece", []string{"zaštite", " ", "djece"}},
		{"Члан 5.", []string{"Члан", " ", "5", "."}},
		{"s'ka t’i", []string{"s'ka", " ", "t’i"}},
		{"'citim' 5'a", []string{"'", "citim", "'", " ", "5", "'", "a"}},
		{"fjalë'", []string{"fjalë", "'"}},
		{"## Neni 5 – Qëllimi\n\n1.1. teksti", []string{"#", "#", " ", "Neni", " ", "5", " ", "–", " ", "Qëllimi", "\n\n", "1", ".", "1", ".", " ", "teksti"}},
		{"a  \t b", []string{"a", "  \t ", "b"}},
		{"**bold**", []string{"*", "*", "bold", "*", "*"}},
		{"-\u0301x", []string{"-\u0301", "x"}},
		{" \u0308e", []string{" ", "\u0308e"}},
		{"", []string{}},
	}
	for _, tt := range tests {
		got := redline.Tokens(tt.in)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCountWords(t *testing.T) {
	if n := redline.CountWords("Neni 5 – s'ka fëmijëve, члан."); n != 5 {
		t.Errorf("CountWords = %d, want 5", n)
	}
}
