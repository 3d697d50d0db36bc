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
		{"## Neni 5 – Qëllimi\n\n1.1. teksti", []string{"#", "#", " ", "Neni", " ", "5", " ", "–", " ", "Qëllimi", "\n\n", "1.1.", " ", "teksti"}},
		{"a  \t b", []string{"a", "  \t ", "b"}},
		{"**bold**", []string{"*", "*", "bold", "*", "*"}},
		{"-\u0301x", []string{"-\u0301", "x"}},
		{" \u0308e", []string{" ", "\u0308e"}},
		{"", []string{}},
		// Numbers, dates, times and amounts are one token each.
		{"08:00–17:00", []string{"08:00", "–", "17:00"}},
		{"08:00-17:00", []string{"08:00", "-", "17:00"}},
		{"nga ora 8.30.", []string{"nga", " ", "ora", " ", "8.30", "."}},
		{"më 30.11.2026, 30/11/2026 ose 2026-11-30.", []string{"më", " ", "30.11.2026", ",", " ", "30/11/2026", " ", "ose", " ", "2026-11-30", "."}},
		{"1.500,00 € / 1,500.00", []string{"1.500,00", " ", "€", " ", "/", " ", "1,500.00"}},
		{"10\u00a0000 10\u2009000\u2009000 10\u202f000", []string{"10\u00a0000", " ", "10\u2009000\u2009000", " ", "10\u202f000"}},
		{"10\u00a00000 5\u00a0qind", []string{"10", "\u00a0", "0000", " ", "5", "\u00a0", "qind"}},
		{"15% dhe 2,5%.", []string{"15%", " ", "dhe", " ", "2,5%", "."}},
		{"1.2.3. Paragrafi\n  2.1. tjetri, neni 1.2.", []string{"1.2.3.", " ", "Paragrafi", "\n  ", "2.1.", " ", "tjetri", ",", " ", "neni", " ", "1.2", "."}},
		{"5a 2nd 1.2a 5.a 2026-1-30 10-12", []string{"5a", " ", "2nd", " ", "1.2a", " ", "5", ".", "a", " ", "2026", "-", "1", "-", "30", " ", "10", "-", "12"}},
		{"1, 2, 3 1,2 3:", []string{"1", ",", " ", "2", ",", " ", "3", " ", "1,2", " ", "3", ":"}},
		{"Neni 5.", []string{"Neni", " ", "5", "."}},
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
