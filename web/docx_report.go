package web

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"policydesk/review"
	"policydesk/review/docx"
	"policydesk/timefmt"
	"policydesk/web/i18n"
)

// reportDocx writes a round's consultation report as a .docx with the
// content of the HTML report (report_body.html and report_summary.html):
// the round, the period, the counts by decision, the participants and the
// table of comments with their decisions, reasons, replies and the
// version each was applied in, in the document's language, on landscape
// pages for the seven columns.
func (s *Server) reportDocx(rep *review.Report) (writeBody, error) {
	lang := s.documentLanguage(rep.Document)
	l := s.catalog.For(lang)
	zone := s.zone()
	d := &docx.Doc{}
	d.Heading(1, l.T("review.report"))
	d.Paragraph(docx.Para{{Text: rep.Document.Title, Bold: true}})
	round := l.T("review.round_n", "Number", rep.Round.Number) + ": " + rep.Round.Name + " · " +
		l.T("review.version_n", "Number", rep.Round.Version) + " · " + l.Label("round_status", rep.Round.Status)
	if rep.Round.Due != "" {
		round += " · " + l.T("review.comments_due", "Date", timefmt.ShowISODate(rep.Round.Due))
	}
	d.Paragraph(docx.Text(round))
	counted := l.T("review.contributions", "Count", len(rep.Rows))
	if rep.Undecided > 0 {
		counted += " · " + l.T("review.not_answered", "Count", rep.Undecided)
	}
	d.Paragraph(docx.Text(counted))

	d.Heading(2, l.T("report.period"))
	due, closed := l.T("report.no_due"), l.T("report.still_open")
	if rep.Period.Due != "" {
		due = timefmt.ShowISODate(rep.Period.Due)
	}
	if !rep.Period.Closed.IsZero() {
		closed = timefmt.FormatDate(rep.Period.Closed, zone)
	}
	d.Table([]int{1, 2}, nil, [][]docx.Cell{
		{cellBold(l.T("report.opened")), cellText(timefmt.FormatDate(rep.Period.Opened, zone))},
		{cellBold(l.T("report.due")), cellText(due)},
		{cellBold(l.T("report.closed")), cellText(closed)},
	})
	d.Paragraph(docx.Text(l.T("report.zone", "Zone", zone.String())))

	d.Heading(2, l.T("report.counts"))
	decision := func(code string) string { return l.Label("decision", cmp.Or(code, "undecided")) }
	c := rep.Counts
	d.Table([]int{2, 1}, nil, [][]docx.Cell{
		{cellBold(decision("accepted")), cellNumber(c.Accepted)}, {cellBold(decision("partially")), cellNumber(c.Partially)},
		{cellBold(decision("rejected")), cellNumber(c.Rejected)}, {cellBold(decision("")), cellNumber(c.Undecided)},
		{cellBold(l.T("report.total")), cellNumber(len(rep.Rows))}, {cellBold(l.T("report.replies")), cellNumber(c.Replies)},
	})
	reportParticipants(d, l, rep)
	reportComments(d, l, rep, zone)
	out, err := d.Write(docx.Meta{Title: rep.Document.Title, Author: cmp.Or(rep.Document.Owner, "Policy Desk"), Language: lang,
		Created: rep.Period.Opened, Modified: s.Drafts.Now(), Subject: l.T("review.report")}, true)
	if err != nil {
		return nil, err
	}
	name := docxName(rep.Document, strings.ToLower(l.T("review.round_n", "Number", rep.Round.Number)))
	return docxDownload(out, name), nil
}

func reportParticipants(d *docx.Doc, l *i18n.Localizer, rep *review.Report) {
	d.Heading(2, l.T("report.participants"))
	if len(rep.Participants) == 0 {
		d.Paragraph(docx.Text(l.T("report.nobody")))
		return
	}
	var rows [][]docx.Cell
	for _, p := range rep.Participants {
		yes := l.T("report.no")
		if p.Commented {
			yes = l.T("report.yes")
		}
		rows = append(rows, []docx.Cell{cellText(p.Name), cellText(p.Organisation), cellNumber(p.Comments), cellNumber(p.Replies), cellText(yes)})
	}
	d.Table([]int{3, 3, 1, 1, 1}, []string{l.T("report.name"), l.T("review.csv.organisation"), l.T("report.comments"),
		l.T("report.replies"), l.T("report.commented")}, rows)
}

// reportComments is the table of comments and answers.
func reportComments(d *docx.Doc, l *i18n.Localizer, rep *review.Report, loc *time.Location) {
	d.Heading(2, l.T("report.comments_answers"))
	var rows [][]docx.Cell
	for _, row := range rep.Rows {
		reviewer := docx.Cell{docx.Text(row.Reviewer)}
		if row.Organisation != "" {
			reviewer = append(reviewer, docx.Text(row.Organisation))
		}
		if !row.Received.IsZero() {
			reviewer = append(reviewer, docx.Text(timefmt.Format(row.Received, loc)))
		}
		var article string
		if row.Article != "" {
			article = l.T("review.article_n", "Number", row.Article)
		}
		if row.Paragraph != "" {
			article += ", ¶ " + row.Paragraph
		}
		comment := docx.Cell{{{Text: "“" + row.Quote + "”", Italic: true}}, docx.Text(row.Comment)}
		for _, r := range row.Replies {
			who := r.Name
			if r.Organisation != "" {
				who += " (" + r.Organisation + ")"
			}
			comment = append(comment, docx.Para{{Text: who, Bold: true}, {Text: ", " + timefmt.Format(r.CreatedAt, loc) + ": " + r.Body}})
		}
		suggestion := row.Suggestion
		if row.Deletes {
			suggestion = l.T("review.delete_words")
		}
		decision := docx.Cell{docx.Text(l.Label("decision", cmp.Or(row.DecisionCode, "undecided")))}
		if row.Applied() {
			decision = append(decision, docx.Text(l.T("report.applied", "Number", row.AppliedVersion)))
		}
		rows = append(rows, []docx.Cell{cellNumber(row.No), reviewer, cellText(article), comment, cellText(suggestion), decision, cellText(row.Reason)})
	}
	d.Table([]int{1, 4, 3, 8, 5, 3, 5}, []string{l.T("review.csv.no"), l.T("review.reviewer_org"), l.T("review.article_paragraph"),
		l.T("review.comment"), l.T("review.csv.suggestion"), l.T("review.decision"), l.T("review.reason")}, rows)
}

func cellText(s string) docx.Cell {
	if s == "" {
		return nil
	}
	return docx.Cell{docx.Text(s)}
}

func cellBold(s string) docx.Cell { return docx.Cell{{{Text: s, Bold: true}}} }

func cellNumber(n int) docx.Cell { return cellText(strconv.Itoa(n)) }
