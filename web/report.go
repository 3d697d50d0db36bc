package web

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"policydesk/review"
)

// pageReport shows a round's consultation report, or downloads it as CSV
// with ?format=csv.
func (s *Server) pageReport(r *http.Request, id int64, n int) (reply, error) {
	rep, err := s.Review.Report(r.Context(), id, n)
	if err != nil {
		return reply{}, err
	}
	if r.URL.Query().Get("format") == "csv" {
		return reply{write: reportCSV(rep, s.zone(), s.reportCSVText(rep))}, nil
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

// reportCSV writes the report as a CSV download, in text's words.
func reportCSV(rep *review.Report, loc *time.Location, text review.CSVText) writeBody {
	return func(w http.ResponseWriter) {
		name := "consultation-report-document-" + strconv.FormatInt(rep.Document.ID, 10) + "-round-" + strconv.Itoa(rep.Round.Number) + ".csv"
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		rep.WriteCSVIn(w, loc, text)
	}
}
