package web

import (
	"cmp"
	"encoding/json"

	"policydesk/drafts"
	"policydesk/review"
	"policydesk/review/redline"
	"policydesk/web/i18n"
)

// labelWords are the words of the redline's article header lines ("Neni 5
// → Neni 6 (renumbered)") in the Localizer's language; the JSON keeps
// redline.English.
func labelWords(l *i18n.Localizer) redline.Words {
	return redline.Words{
		Preamble:       l.T("review.preamble"),
		Article:        l.T("review.article"),
		Status:         func(s string) string { return l.T(cmp.Or(statusKeys[s], s)) },
		Renumbered:     l.T("review.renumbered"),
		RenumberedFrom: func(from string) string { return l.T("review.renumbered_from", "From", from) },
	}
}

// statusKeys are the catalog's keys of an article's status in the redline.
var statusKeys = map[string]string{
	redline.StatusChanged: "review.status.changed", redline.StatusAdded: "review.status.added",
	redline.StatusDeleted: "review.status.deleted", redline.StatusMoved: "review.status.moved",
	redline.StatusUnchanged: "review.status.unchanged",
}

// marginText is what margin.js writes on the page, in the Localizer's
// language, as JSON for the data-text attribute of the margin: {n}, {total}
// and {article} are filled in by the script.
func marginText(l *i18n.Localizer) string {
	b, _ := json.Marshal(map[string]string{
		"commentRef": l.T("review.js.comment_ref"),
		"commentsOn": l.T("review.js.comments_on"),
		"showing":    l.T("review.js.showing"),
	})
	return string(b)
}

// reportCSVText are the CSV's column headings and words in the document's
// language (the installation's default when it is none of the three), as
// the report goes with the document, whoever downloads it.
func (s *Server) reportCSVText(rep *review.Report) review.CSVText {
	l := s.catalog.For(s.documentLanguage(rep.Document))
	return review.CSVText{
		Columns: [review.CSVColumns]string{l.T("review.csv.no"), l.T("review.csv.reviewer"), l.T("review.csv.organisation"), l.T("review.article"),
			l.T("review.csv.paragraph"), l.T("review.csv.quote"), l.T("review.comment"), l.T("review.csv.suggestion"),
			l.T("review.decision"), l.T("review.reason"), l.T("review.csv.received"), l.T("report.csv.replies"), l.T("report.csv.applied")},
		Decision: func(code string) string { return l.Label("decision", cmp.Or(code, "undecided")) },
		Deleted:  l.T("review.delete_words"),
		Reply: func(name, when, text string) string {
			return l.T("report.csv.reply", "Name", name, "When", when, "Text", text)
		},
	}
}

// participantsCSVText are the participants CSV's words in the document's
// language.
func (s *Server) participantsCSVText(rep *review.Report) review.ParticipantsCSVText {
	l := s.catalog.For(s.documentLanguage(rep.Document))
	return review.ParticipantsCSVText{
		Columns: [6]string{l.T("report.name"), l.T("report.login"), l.T("review.csv.organisation"), l.T("report.comments"),
			l.T("report.replies"), l.T("report.commented")},
		Yes: l.T("report.yes"), No: l.T("report.no"),
	}
}

// documentLanguage is the language text about doc is written in: the
// document's own (the installation's default when it is none of the three).
func (s *Server) documentLanguage(doc *drafts.Document) string {
	if i18n.Supported(doc.Language) {
		return doc.Language
	}
	return s.defaultLanguage()
}
