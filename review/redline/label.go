package redline

import "strings"

// Words are the words of the header lines in one interface language: the
// article's status ("added"), "renumbered" and "renumbered from III".
// The article word itself ("Neni", "Član") comes from the heading; Article
// is used when the heading has none.
type Words struct {
	Preamble       string
	Article        string
	Status         func(status string) string
	Renumbered     string
	RenumberedFrom func(from string) string
}

// English are the words of Label, which the JSON and the tests use.
var English = Words{
	Preamble:       PreambleHeading,
	Article:        "Article",
	Status:         func(s string) string { return s },
	Renumbered:     "renumbered",
	RenumberedFrom: func(from string) string { return "renumbered from " + from },
}

// Label is the header line of an article in the views, e.g.
// "Neni 5 → Neni 6 (renumbered)", "Neni 7 (added)", "Preamble", and for a
// chapter heading its text: "KAPITULLI IV – Mbikëqyrja (renumbered from III)".
func Label(art Article) string { return LabelIn(art, English) }

// LabelIn is Label with the words of one language.
func LabelIn(art Article, w Words) string {
	if art.Kind == KindHeading {
		return art.Heading + notes(art, w, w.RenumberedFrom(art.FromNum))
	}
	if art.Preamble {
		switch art.Status {
		case StatusUnchanged:
			return w.Preamble
		default:
			return w.Preamble + " (" + w.Status(art.Status) + ")"
		}
	}
	word := articleWord(art, w.Article)
	name := func(num string) string { return strings.TrimSpace(word + " " + num) }
	var s string
	switch {
	case art.FromNum == "":
		s = name(art.ToNum)
	case art.ToNum == "" || art.FromNum == art.ToNum:
		s = name(art.FromNum)
	default:
		s = name(art.FromNum) + " → " + name(art.ToNum)
	}
	return s + notes(art, w, w.Renumbered)
}

// notes are the parenthesised status notes after a label, "" for none.
func notes(art Article, w Words, renumbered string) string {
	var notes []string
	switch art.Status {
	case StatusUnchanged:
	default:
		notes = append(notes, w.Status(art.Status))
	}
	if art.Status == StatusMoved && art.Changed {
		notes = append(notes, w.Status(StatusChanged))
	}
	if art.FromNum != "" && art.ToNum != "" && art.FromNum != art.ToNum && art.Status != StatusMoved {
		notes = append(notes, renumbered)
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, ", ") + ")"
}

// articleWord is the word before the number in the heading ("Neni", "Član"),
// else fallback.
func articleWord(art Article, fallback string) string {
	num := art.ToNum
	if num == "" {
		num = art.FromNum
	}
	if k := strings.Index(art.Heading, num); k > 0 && num != "" {
		return strings.TrimSpace(art.Heading[:k])
	}
	return fallback
}
