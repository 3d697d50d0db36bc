package web

import (
	"bytes"
	"cmp"
	"html/template"
	"net/http"
	"strconv"

	"policydesk"
	"policydesk/review"
)

// pageReport shows a round's consultation report, or downloads it as CSV
// with ?format=csv, as Word with ?format=docx.
func (s *Server) pageReport(r *http.Request, id int64, n int) (reply, error) {
	rep, err := s.Review.Report(r.Context(), id, n)
	if err != nil {
		return reply{}, err
	}
	switch r.URL.Query().Get("format") {
	case "csv":
		write, err := s.reportCSV(r, rep)
		return reply{write: write}, err
	case "docx":
		w, err := s.reportDocx(rep)
		return reply{write: w}, err
	}
	data, err := s.reportPage(r, rep)
	if err != nil {
		return reply{}, err
	}
	return show("report", data), nil
}

// reportPage is the report page's data. The report itself (its headings,
// columns, article labels, decisions and the round's status) is rendered in
// the document's language, as it goes with the document whoever reads it;
// the page around it (header, menu, the links to download and print) is in
// the reader's. Printing the page prints the report in the document's
// language too.
func (s *Server) reportPage(r *http.Request, rep *review.Report) (map[string]any, error) {
	var body bytes.Buffer
	if err := s.views.partials[s.documentLanguage(rep.Document)].ExecuteTemplate(&body, "report_body", rep); err != nil {
		return nil, err
	}
	return map[string]any{
		"Title":  s.tr(r, "review.title.report", "Title", rep.Document.Title),
		"Report": rep,
		// html/template escaped it as it rendered it.
		"ReportBody": template.HTML(body.String()),
	}, nil
}

// reportJSON is the report in the API: the document it is about and the
// report, its words (decision_label, a suggestion that deletes the quoted
// words) in the document's language like the HTML and the CSV.
type reportJSON struct {
	DocumentID int64  `json:"document_id"`
	Title      string `json:"title"`
	Language   string `json:"language"`
	*review.Report
}

// reportJSON puts rep's words in the document's language.
func (s *Server) reportJSON(rep *review.Report) reportJSON {
	lang := s.documentLanguage(rep.Document)
	l := s.catalog.For(lang)
	for i := range rep.Rows {
		row := &rep.Rows[i]
		row.Decision = l.Label("decision", cmp.Or(row.DecisionCode, "undecided"))
		if row.Deletes {
			row.Suggestion = l.T("review.delete_words")
		}
	}
	return reportJSON{DocumentID: rep.Document.ID, Title: rep.Document.Title, Language: lang, Report: rep}
}

// reportCSV writes the report as a CSV download in the document's
// language: the comment table (table=comments, the default) or the
// participants (table=participants).
func (s *Server) reportCSV(r *http.Request, rep *review.Report) (writeBody, error) {
	name := "consultation-report-document-" + strconv.FormatInt(rep.Document.ID, 10) + "-round-" + strconv.Itoa(rep.Round.Number)
	var write func(http.ResponseWriter)
	switch table := r.URL.Query().Get("table"); table {
	case "", "comments":
		text := s.reportCSVText(rep)
		write = func(w http.ResponseWriter) { rep.WriteCSVIn(w, s.zone(), text) }
	case "participants":
		name += "-participants"
		text := s.participantsCSVText(rep)
		write = func(w http.ResponseWriter) { rep.WriteParticipantsCSV(w, text) }
	default:
		return nil, policydesk.Errorf(policydesk.EInvalid, "table is comments or participants.").On("table")
	}
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		write(w)
	}, nil
}
