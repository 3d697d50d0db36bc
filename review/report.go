package review

import (
	"cmp"
	"context"
	"time"

	"policydesk/drafts"
)

// Report is the consultation report of one round as Government Regulation
// No. 05/2016 asks for it: the consultation period, who took part, every
// comment with the drafter's decision and reasons, the replies, and the
// version where each accepted wording was applied.
type Report struct {
	Document *drafts.Document `json:"-"`
	Round    *Round           `json:"round"`
	Period   Period           `json:"period"`
	// Participants are the people who took part, in the order they first
	// did (see Service.Participants for the named reviewers).
	Participants []Participant `json:"participants"`
	Counts       Counts        `json:"counts"`
	Rows         []ReportRow   `json:"comments"`
	// Undecided counts comments still waiting for a decision (Counts.Undecided).
	Undecided int `json:"-"`
}

// Period is when the round was open for comments.
type Period struct {
	Opened time.Time `json:"opened"`
	Due    string    `json:"due,omitempty"` // YYYY-MM-DD
	// Closed is zero while the round is open.
	Closed time.Time `json:"closed,omitzero"`
}

// Participant is a person who took part in a round: commented, replied,
// or was named a reviewer of it.
type Participant struct {
	UserID       int64  `json:"-"`
	Login        string `json:"login"`
	Name         string `json:"name"`
	Organisation string `json:"organisation,omitempty"`
	Comments     int    `json:"comments"`
	Replies      int    `json:"replies"`
	// Commented tells whether they made a comment in the round.
	Commented bool `json:"commented"`
}

// Counts are the round's comments by decision and its replies.
type Counts struct {
	Accepted  int `json:"accepted"`
	Partially int `json:"partially"`
	Rejected  int `json:"rejected"`
	Undecided int `json:"undecided"`
	Replies   int `json:"replies"`
}

// ReportRow is one contribution and its answer.
type ReportRow struct {
	No           int    `json:"no"`
	Reviewer     string `json:"reviewer"`
	Organisation string `json:"organisation,omitempty"`
	Article      string `json:"article,omitempty"`
	Paragraph    string `json:"paragraph,omitempty"`
	Quote        string `json:"quote"`
	Comment      string `json:"comment"`
	Suggestion   string `json:"suggestion,omitempty"`
	Decision     string `json:"decision_label"`    // Accepted / Partially accepted / Not accepted / Not yet decided
	DecisionCode string `json:"decision"`          // accepted, partially, rejected or "" (undecided)
	Deletes      bool   `json:"deletes,omitempty"` // the suggestion deletes the quoted words
	Reason       string `json:"reason"`
	// Received is when the comment was made.
	Received time.Time `json:"received"`
	Replies  []*Reply  `json:"replies"`
	// AppliedVersion is the version holding the accepted wording, 0 when
	// it was not applied (or there is no accepted suggestion).
	AppliedVersion int `json:"applied_version,omitempty"`
}

// Applied tells whether the row's accepted or partially accepted
// suggestion was applied, in AppliedVersion.
func (r ReportRow) Applied() bool {
	return r.AppliedVersion > 0 && (r.DecisionCode == "accepted" || r.DecisionCode == "partially")
}

// Report gathers the round's comments in the order they were made, with
// the round's period, participants and counts.
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
	named, err := s.namedParticipants(ctx, docID, round)
	if err != nil {
		return nil, err
	}
	rep := &Report{Document: doc, Round: r, Rows: make([]ReportRow, 0, len(comments)),
		Period: Period{Opened: r.CreatedAt, Due: r.Due, Closed: r.ClosedAt}}
	people := newParticipants(named)
	for i, c := range comments {
		rep.Rows = append(rep.Rows, reportRow(i+1, c))
		rep.Counts.add(c)
		people.comment(c)
	}
	rep.Undecided = rep.Counts.Undecided
	for i := range people.list {
		people.list[i].Commented = people.list[i].Comments > 0
	}
	rep.Participants = people.list
	return rep, nil
}

// reportRow is comment c as the report's row number no.
func reportRow(no int, c *Comment) ReportRow {
	row := ReportRow{No: no, Reviewer: c.AuthorName, Organisation: c.Organisation, Article: c.ArticleNum,
		Paragraph: c.Paragraph, Quote: c.Quote, Comment: c.Body, Decision: DecisionLabels[c.Decision], DecisionCode: c.Decision,
		Reason: c.Reason, Received: c.CreatedAt, Replies: c.Replies, AppliedVersion: c.AppliedVersion}
	if c.HasSuggestion {
		row.Suggestion = c.Suggestion
		if row.Suggestion == "" {
			row.Deletes = true
			row.Suggestion = "(delete these words)"
		}
	}
	if row.Replies == nil {
		row.Replies = []*Reply{}
	}
	return row
}

// add counts c's decision and replies.
func (n *Counts) add(c *Comment) {
	switch c.Decision {
	case "accepted":
		n.Accepted++
	case "partially":
		n.Partially++
	case "rejected":
		n.Rejected++
	default:
		n.Undecided++
	}
	n.Replies += len(c.Replies)
}

// participants collects a round's people once each, by account.
type participants struct {
	list  []Participant
	index map[int64]int
}

func newParticipants(named []Participant) *participants {
	p := &participants{index: make(map[int64]int, len(named))}
	for _, n := range named {
		p.find(n.UserID, n.Login, n.Name, n.Organisation)
	}
	return p
}

// find returns the participant of the account id, adding it if new.
func (p *participants) find(id int64, login, name, org string) *Participant {
	i, ok := p.index[id]
	if !ok {
		i = len(p.list)
		p.index[id] = i
		p.list = append(p.list, Participant{UserID: id, Login: login, Name: cmp.Or(name, login), Organisation: org})
	}
	return &p.list[i]
}

// comment counts c for its author and each reply for the reply's.
func (p *participants) comment(c *Comment) {
	p.find(c.AuthorID, c.Author, c.AuthorName, c.Organisation).Comments++
	for _, r := range c.Replies {
		p.find(r.AuthorID, r.Author, r.Name, r.Organisation).Replies++
	}
}

// namedParticipants are the round's named reviewers, as Participants says
// or, when it is nil, as the round's reviewers are stored, each with the
// organisation of their account.
func (s *Service) namedParticipants(ctx context.Context, docID int64, round int) ([]Participant, error) {
	if s.Participants != nil {
		return s.Participants(ctx, docID, round)
	}
	reviewers, err := s.Store.FindReviewers(ctx, docID, round)
	if err != nil {
		return nil, err
	}
	out := make([]Participant, 0, len(reviewers))
	for _, r := range reviewers {
		u, err := s.Drafts.Users.FindUserByLogin(ctx, r.Login)
		if err != nil {
			return nil, err
		}
		out = append(out, Participant{UserID: r.UserID, Login: r.Login, Name: r.Name, Organisation: u.Organisation})
	}
	return out, nil
}
