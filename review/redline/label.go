package redline

import "strings"

// Label is the header line of an article in the views, e.g.
// "Neni 5 → Neni 6 (renumbered)", "Neni 7 (added)", "Preamble", and for a
// chapter heading its text: "KAPITULLI IV – Mbikëqyrja (renumbered from III)".
func Label(art Article) string {
	if art.Kind == KindHeading {
		return headingLabel(art)
	}
	if art.Preamble {
		switch art.Status {
		case StatusUnchanged:
			return PreambleHeading
		default:
			return PreambleHeading + " (" + art.Status + ")"
		}
	}
	word := articleWord(art)
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
	return s + notes(art, "renumbered")
}

// headingLabel is a chapter heading's text with the notes of an article.
func headingLabel(art Article) string {
	return art.Heading + notes(art, "renumbered from "+art.FromNum)
}

// notes are the parenthesised status notes after a label, "" for none.
func notes(art Article, renumbered string) string {
	var notes []string
	switch art.Status {
	case StatusUnchanged:
	default:
		notes = append(notes, art.Status)
	}
	if art.Status == StatusMoved && art.Changed {
		notes = append(notes, StatusChanged)
	}
	if art.FromNum != "" && art.ToNum != "" && art.FromNum != art.ToNum && art.Status != StatusMoved {
		notes = append(notes, renumbered)
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, ", ") + ")"
}

// articleWord is the word before the number in the heading ("Neni", "Član").
func articleWord(art Article) string {
	num := art.ToNum
	if num == "" {
		num = art.FromNum
	}
	if k := strings.Index(art.Heading, num); k > 0 && num != "" {
		return strings.TrimSpace(art.Heading[:k])
	}
	return "Article"
}
