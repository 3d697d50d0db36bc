package review

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"unicode"

	"policydesk/drafts"
)

// Report is the consultation report of one round: every comment with the
// drafter's answer, as Kosovo's rules on public consultation require.
type Report struct {
	Document *drafts.Document
	Round    *Round
	Rows     []ReportRow
	// Undecided counts comments still waiting for a decision.
	Undecided int
}

// ReportRow is one contribution and its answer.
type ReportRow struct {
	No           int
	Reviewer     string
	Organisation string
	Article      string
	Paragraph    string
	Quote        string
	Comment      string
	Suggestion   string
	Decision     string // label: Accepted / Partially accepted / Not accepted
	Reason       string
	Replies      []*Reply
}

// Report gathers the round's comments in the order they were made.
func (s *Service) Report(ctx context.Context, docID int64, round int) (*Report, error) {
	doc, _, err := s.Drafts.Document(ctx, docID)
	if err != nil {
		return nil, err
	}
	r, err := s.Store.FindRound(ctx, docID, round)
	if err != nil {
		return nil, err
	}
	comments, err := s.Store.FindComments(ctx, CommentFilter{DocumentID: docID, Round: round})
	if err != nil {
		return nil, err
	}
	rep := &Report{Document: doc, Round: r, Rows: make([]ReportRow, 0, len(comments))}
	for i, c := range comments {
		row := ReportRow{No: i + 1, Reviewer: c.AuthorName, Organisation: c.Organisation, Article: c.ArticleNum,
			Paragraph: c.Paragraph, Quote: c.Quote, Comment: c.Body, Decision: DecisionLabels[c.Decision], Reason: c.Reason, Replies: c.Replies}
		if c.HasSuggestion {
			row.Suggestion = c.Suggestion
			if row.Suggestion == "" {
				row.Suggestion = "(delete these words)"
			}
		}
		if c.Decision == "" {
			rep.Undecided++
		}
		rep.Rows = append(rep.Rows, row)
	}
	return rep, nil
}

// WriteCSV writes the report as CSV with a UTF-8 byte order mark, so that
// spreadsheet programs open Albanian and Serbian letters correctly. Cells
// that a spreadsheet would run as a formula are prefixed with a quote.
func (rep *Report) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"No.", "Reviewer", "Organisation", "Article", "Paragraph", "Quoted text", "Comment", "Suggested wording", "Decision", "Reason"})
	for _, r := range rep.Rows {
		cw.Write([]string{strconv.Itoa(r.No), cell(r.Reviewer), cell(r.Organisation), cell(r.Article), cell(r.Paragraph),
			cell(r.Quote), cell(r.Comment), cell(r.Suggestion), cell(r.Decision), cell(r.Reason)})
	}
	cw.Flush()
	return cw.Error()
}

// formulaStarts are the characters a spreadsheet takes as the start of a
// formula, in their ASCII and fullwidth forms.
const formulaStarts = "=+-@＝＋－＠"

// cell defuses CSV formula injection: a cell whose first visible character
// starts a formula gets a leading quote, also when whitespace (which
// spreadsheets skip: spaces, tabs, line breaks, no-break spaces) or
// invisible format characters (zero-width, bidi controls, BOM) come first;
// so does any cell that begins with a tab or carriage return, as OWASP
// advises.
func cell(s string) string {
	for i, r := range s {
		switch {
		case i == 0 && (r == '\t' || r == '\r'):
			return "'" + s
		case unicode.IsSpace(r) || unicode.Is(unicode.Cf, r):
			continue
		case strings.ContainsRune(formulaStarts, r):
			return "'" + s
		}
		return s
	}
	return s
}
