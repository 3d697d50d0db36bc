package review

import (
	"context"
	"io"
	"strconv"
	"time"

	"policydesk/csvsafe"
	"policydesk/drafts"
	"policydesk/timefmt"
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
	DecisionCode string // accepted, partially, rejected or "" (undecided)
	Deletes      bool   // the suggestion deletes the quoted words
	Reason       string
	Received     time.Time // when the comment was made
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
			Paragraph: c.Paragraph, Quote: c.Quote, Comment: c.Body, Decision: DecisionLabels[c.Decision], DecisionCode: c.Decision, Reason: c.Reason, Received: c.CreatedAt, Replies: c.Replies}
		if c.HasSuggestion {
			row.Suggestion = c.Suggestion
			if row.Suggestion == "" {
				row.Deletes = true
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

// CSVText are the words of the CSV in one language: the column headings
// (the last, when received, is followed by the time zone's name), the word
// for each decision code ("" is undecided), and the suggestion that deletes
// the quoted words. The web layer fills it from its catalog in the
// document's language.
type CSVText struct {
	Columns  [11]string
	Decision func(code string) string
	Deleted  string
}

// EnglishCSV are the words of WriteCSV.
var EnglishCSV = CSVText{
	Columns: [11]string{"No.", "Reviewer", "Organisation", "Article", "Paragraph", "Quoted text", "Comment",
		"Suggested wording", "Decision", "Reason", "Received"},
	Decision: func(code string) string { return DecisionLabels[code] },
	Deleted:  "(delete these words)",
}

// WriteCSV writes the report as CSV in English; see WriteCSVIn.
func (rep *Report) WriteCSV(w io.Writer, loc *time.Location) error {
	return rep.WriteCSVIn(w, loc, EnglishCSV)
}

// WriteCSVIn writes the report as CSV (see csvsafe: a byte order mark for
// spreadsheet programs, formulas defused) with text's words, with the time
// each contribution was received shown in loc.
func (rep *Report) WriteCSVIn(w io.Writer, loc *time.Location, text CSVText) error {
	cw, err := csvsafe.NewWriter(w)
	if err != nil {
		return err
	}
	head := text.Columns
	head[10] += " (" + loc.String() + ")"
	cw.Write(head[:]...)
	for _, r := range rep.Rows {
		suggestion := r.Suggestion
		if r.Deletes {
			suggestion = text.Deleted
		}
		cw.Write(strconv.Itoa(r.No), r.Reviewer, r.Organisation, r.Article, r.Paragraph,
			r.Quote, r.Comment, suggestion, text.Decision(r.DecisionCode), r.Reason, timefmt.Format(r.Received, loc))
	}
	return cw.Flush()
}
