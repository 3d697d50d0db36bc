package redline_test

import (
	"strings"
	"testing"

	"policydesk/review/redline"
)

func TestLabel(t *testing.T) {
	for _, c := range []struct {
		art  redline.Article
		want string
	}{
		{redline.Article{Preamble: true, Status: redline.StatusUnchanged, Heading: redline.PreambleHeading}, "Preamble"},
		{redline.Article{Preamble: true, Status: redline.StatusChanged, Heading: redline.PreambleHeading}, "Preamble (changed)"},
		{redline.Article{Status: redline.StatusUnchanged, FromNum: "1", ToNum: "1", Heading: "Neni 1"}, "Neni 1"},
		{redline.Article{Status: redline.StatusDeleted, FromNum: "2", Heading: "Neni 2 – Fushëveprimi"}, "Neni 2 (deleted)"},
		{redline.Article{Status: redline.StatusAdded, ToNum: "2", Heading: "Član 2"}, "Član 2 (added)"},
		{redline.Article{Status: redline.StatusUnchanged, FromNum: "3", ToNum: "2", Heading: "Neni 2"}, "Neni 3 → Neni 2 (renumbered)"},
		{redline.Article{Status: redline.StatusMoved, Changed: true, FromNum: "5", ToNum: "9", Heading: "Article 9"}, "Article 5 → Article 9 (moved, changed)"},
		{redline.Article{Status: redline.StatusChanged, FromNum: "4", ToNum: "4", Heading: "4. Hyrja"}, "Article 4 (changed)"},
	} {
		if got := redline.Label(c.art); got != c.want {
			t.Errorf("Label(%+v) = %q, want %q", c.art, got, c.want)
		}
	}
}

// The labels of a computed redline, as the inline view shows them.
func TestLabelsOfARedline(t *testing.T) {
	a := doc(t1, t2, t3)
	b := doc(t1, tn, strings.Replace(t3, "policinë", "prokurorinë", 1))
	var heads []string
	for _, art := range redline.Compute(a, b, nil, nil).Articles {
		heads = append(heads, redline.Label(art))
	}
	if got, want := strings.Join(heads, "|"), "Preamble|Neni 1|Neni 2 (deleted)|Neni 2 (added)|Neni 3 (changed)"; got != want {
		t.Errorf("labels %q, want %q", got, want)
	}
}

// LabelIn puts a language's words where Label has English ones, and keeps
// the heading's own article word and numbers.
func TestLabelIn(t *testing.T) {
	sq := redline.Words{
		Preamble: "Hyrja", Article: "Neni",
		Status:         func(s string) string { return map[string]string{"changed": "ndryshuar", "moved": "zhvendosur"}[s] },
		Renumbered:     "rinumëruar",
		RenumberedFrom: func(from string) string { return "rinumëruar nga " + from },
	}
	for _, c := range []struct {
		art  redline.Article
		want string
	}{
		{redline.Article{Preamble: true, Status: redline.StatusChanged}, "Hyrja (ndryshuar)"},
		{redline.Article{Status: redline.StatusUnchanged, FromNum: "3", ToNum: "2", Heading: "Član 2"}, "Član 3 → Član 2 (rinumëruar)"},
		{redline.Article{Status: redline.StatusMoved, Changed: true, FromNum: "5", ToNum: "9", Heading: "Neni 9"}, "Neni 5 → Neni 9 (zhvendosur, ndryshuar)"},
		{redline.Article{Status: redline.StatusChanged, FromNum: "4", ToNum: "4", Heading: "4. Hyrja"}, "Neni 4 (ndryshuar)"},
		{redline.Article{Kind: redline.KindHeading, Status: redline.StatusUnchanged, FromNum: "III", ToNum: "IV", Heading: "KAPITULLI IV"}, "KAPITULLI IV (rinumëruar nga III)"},
	} {
		if got := redline.LabelIn(c.art, sq); got != c.want {
			t.Errorf("LabelIn(%+v) = %q, want %q", c.art, got, c.want)
		}
	}
}
