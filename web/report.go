package web

import (
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
	return show("report", map[string]any{"Title": s.tr(r, "review.title.report", "Title", rep.Document.Title), "Report": rep}), nil
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
