package review

import (
	"io"
	"strconv"
	"strings"
	"time"

	"policydesk/csvsafe"
	"policydesk/timefmt"
)

// CSVText are the words of the CSV in one language: the column headings
// (Received is followed by the time zone's name), the word for each
// decision code ("" is undecided), the suggestion that deletes the quoted
// words, and how a reply is written in its cell. The web layer fills it
// from its catalog in the document's language.
type CSVText struct {
	Columns  [CSVColumns]string
	Decision func(code string) string
	Deleted  string
	// Reply writes one reply of a comment's Replies cell from its
	// author's name, the time written (in the CSV's zone) and its text.
	Reply func(name, when, text string) string
}

// CSVColumns is the number of the CSV's columns. The first eleven are
// those of the first version of the report; newer ones come after them so
// that programs reading the old columns by position keep working.
const CSVColumns = 13

// csvReceived is the position of the Received column.
const csvReceived = 10

// EnglishCSV are the words of WriteCSV.
var EnglishCSV = CSVText{
	Columns: [CSVColumns]string{"No.", "Reviewer", "Organisation", "Article", "Paragraph", "Quoted text", "Comment",
		"Suggested wording", "Decision", "Reason", "Received", "Replies", "Applied in version"},
	Decision: func(code string) string { return DecisionLabels[code] },
	Deleted:  "(delete these words)",
	Reply:    func(name, when, text string) string { return name + ", " + when + ": " + text },
}

// WriteCSV writes the report as CSV in English; see WriteCSVIn.
func (rep *Report) WriteCSV(w io.Writer, loc *time.Location) error {
	return rep.WriteCSVIn(w, loc, EnglishCSV)
}

// WriteCSVIn writes the report as CSV (see csvsafe: a byte order mark for
// spreadsheet programs, formulas defused) with text's words, one row per
// comment, with the time each contribution was received shown in loc, its
// replies one a line, and the version where its accepted wording was
// applied.
func (rep *Report) WriteCSVIn(w io.Writer, loc *time.Location, text CSVText) error {
	cw, err := csvsafe.NewWriter(w)
	if err != nil {
		return err
	}
	head := text.Columns
	head[csvReceived] += " (" + loc.String() + ")"
	cw.Write(head[:]...)
	for _, r := range rep.Rows {
		suggestion := r.Suggestion
		if r.Deletes {
			suggestion = text.Deleted
		}
		applied := ""
		if r.Applied() {
			applied = strconv.Itoa(r.AppliedVersion)
		}
		cw.Write(strconv.Itoa(r.No), r.Reviewer, r.Organisation, r.Article, r.Paragraph,
			r.Quote, r.Comment, suggestion, text.Decision(r.DecisionCode), r.Reason, timefmt.Format(r.Received, loc),
			repliesCell(r.Replies, loc, text), applied)
	}
	return cw.Flush()
}

// ParticipantsCSVText are the words of the participants CSV in one
// language: its column headings (name, login, organisation, comments,
// replies, commented) and the cells for having commented or not.
type ParticipantsCSVText struct {
	Columns [6]string
	Yes, No string
}

// WriteParticipantsCSV writes the round's participants (see
// Report.Participants), one row each, as a second CSV beside the comment
// table: the regulation's report names who took part and whether they
// commented, and a spreadsheet reads one table per file.
func (rep *Report) WriteParticipantsCSV(w io.Writer, text ParticipantsCSVText) error {
	cw, err := csvsafe.NewWriter(w)
	if err != nil {
		return err
	}
	cw.Write(text.Columns[:]...)
	for _, p := range rep.Participants {
		commented := text.No
		if p.Commented {
			commented = text.Yes
		}
		cw.Write(p.Name, p.Login, p.Organisation, strconv.Itoa(p.Comments), strconv.Itoa(p.Replies), commented)
	}
	return cw.Flush()
}

// repliesCell writes a comment's replies, one a paragraph, for one cell.
func repliesCell(replies []*Reply, loc *time.Location, text CSVText) string {
	var b strings.Builder
	for i, r := range replies {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(text.Reply(r.Name, timefmt.Format(r.CreatedAt, loc), r.Body))
	}
	return b.String()
}
