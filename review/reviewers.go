package review

import (
	"context"
	"slices"
	"strings"
	"time"

	"policydesk"
	"policydesk/drafts/textkit"
)

// Statuses of a round's reviewer: invited until they first open the
// round's page, commenting once they commented in it, done when they say
// they have finished (undoable while the round is open).
const (
	ReviewerInvited    = "invited"
	ReviewerOpened     = "opened"
	ReviewerCommenting = "commenting"
	ReviewerDone       = "done"
)

// Limits on what a round asks of its reviewers.
const (
	MaxReviewers         = 50
	MaxInstructionsRunes = 5000
	MaxReasonRunes       = 1000
)

// Reviewer is one user asked to review a round, and how far they got.
type Reviewer struct {
	UserID   int64     `json:"-"`
	Login    string    `json:"login"`
	Name     string    `json:"name"`
	Status   string    `json:"status"`
	Comments int       `json:"comments"` // their comments in the round
	OpenedAt time.Time `json:"opened_at,omitzero"`
	DoneAt   time.Time `json:"done_at,omitzero"`
	// Share, when set on a round being opened, makes the reviewer (who may
	// not read the document yet) a reviewer member of it in the same write
	// as the round, audited by this entry: a round refused leaves nobody
	// shared.
	Share *policydesk.AuditEntry `json:"-"`
}

// Settle sets Status from the times and the comment count.
func (r *Reviewer) Settle() {
	switch {
	case !r.DoneAt.IsZero():
		r.Status = ReviewerDone
	case r.Comments > 0:
		r.Status = ReviewerCommenting
	case !r.OpenedAt.IsZero():
		r.Status = ReviewerOpened
	default:
		r.Status = ReviewerInvited
	}
}

// RoundReviewerStore keeps rounds' reviewers, extensions and what waits
// for each user. Changes to a closed round are EConflict and write nothing.
type RoundReviewerStore interface {
	// AddReviewer makes the user a reviewer of an open round (nothing if
	// they are one already).
	// AddReviewer adds rv (its UserID; its Share, if set, shares the
	// document with them in the same write) to an open round.
	AddReviewer(ctx context.Context, docID int64, number int, rv *Reviewer, at time.Time, audit *policydesk.AuditEntry) error
	// RemoveReviewer is ENotFound when the user is not a reviewer.
	RemoveReviewer(ctx context.Context, docID int64, number int, userID int64, audit *policydesk.AuditEntry) error
	// FindReviewers returns a round's reviewers by login, settled.
	FindReviewers(ctx context.Context, docID int64, number int) ([]*Reviewer, error)
	// MarkReviewerOpened records the first time a reviewer opened the
	// round; nothing if they are not one or opened it before.
	MarkReviewerOpened(ctx context.Context, docID int64, number int, userID int64, at time.Time) error
	// SetReviewerDone sets (at) or, with a zero at, clears the time the
	// reviewer finished; ENotFound when the user is not a reviewer.
	SetReviewerDone(ctx context.Context, docID int64, number int, userID int64, at time.Time, audit *policydesk.AuditEntry) error
	// ExtendRound moves an open round's due date from e.OldDue to
	// e.NewDue and records e; EConflict if the due date is no longer
	// e.OldDue.
	ExtendRound(ctx context.Context, docID int64, number int, e *Extension, audit *policydesk.AuditEntry) error
	FindExtensions(ctx context.Context, docID int64, number int) ([]*Extension, error)
	// FindWaitingRounds returns up to limit open rounds where the user is
	// a reviewer and not done, soonest due first, those without a due
	// date last.
	FindWaitingRounds(ctx context.Context, userID int64, limit int) ([]*WaitingRound, error)
}

// RoundSpec is what opening a round takes.
type RoundSpec struct {
	Name    string
	Version int    // 0: the head
	Due     string // a date (dd.mm.yyyy or YYYY-MM-DD) or ""
	// Reviewers are logins of existing users.
	Reviewers    []string
	Instructions string
}

// checkInstructions normalises and checks a round's instructions.
func checkInstructions(s string) (string, error) {
	s = strings.TrimSpace(textkit.Newlines(s))
	return s, policydesk.OnField("instructions", checkWritten(policydesk.Say("instructions"), s, MaxInstructionsRunes))
}

// reviewerUsers finds the users of logins (duplicates once) and makes
// sure each may read the document: one who may not is shared it as a
// reviewer member when the caller manages the document, else refused.
// Nothing is shared until every login is known.
func (s *Service) reviewerUsers(ctx context.Context, docID int64, manage bool, logins []string) (users []*policydesk.User, unshared map[string]bool, err error) {
	if len(logins) > MaxReviewers {
		return nil, nil, policydesk.Errorf(policydesk.EInvalid, "A round can have at most %d reviewers.", MaxReviewers).On("reviewers")
	}
	unshared = map[string]bool{}
	seen := map[string]bool{}
	for _, login := range logins {
		login = strings.TrimPrefix(strings.TrimSpace(login), "@")
		if login == "" || seen[strings.ToLower(login)] {
			continue
		}
		seen[strings.ToLower(login)] = true
		u, reads, err := s.reader(ctx, docID, login)
		if err != nil {
			return nil, nil, policydesk.OnField("reviewers", err)
		}
		if !reads {
			if !manage {
				return nil, nil, policydesk.Errorf(policydesk.EForbidden, "%s may not read this document, and only its owner or its editors can share it; ask them to share it first.", u.Login).On("reviewers")
			}
			unshared[u.Login] = true
		}
		users = append(users, u)
	}
	return users, unshared, nil
}

// reader finds the user of login and tells whether they may read the
// document now.
func (s *Service) reader(ctx context.Context, docID int64, login string) (*policydesk.User, bool, error) {
	u, err := s.Drafts.Users.FindUserByLogin(ctx, login)
	if policydesk.ErrorCode(err) == policydesk.ENotFound {
		return nil, false, policydesk.Errorf(policydesk.EInvalid, "There is no user %q.", login)
	} else if err != nil {
		return nil, false, err
	}
	if u.Disabled {
		return nil, false, policydesk.Errorf(policydesk.EInvalid, "The account of %s is disabled; it cannot review.", u.Login)
	}
	doc, role, err := s.Drafts.Docs.FindDocumentAs(ctx, docID, u.ID)
	if err != nil {
		return nil, false, err
	}
	return u, policydesk.Policy(u, doc, role).Read, nil
}

// AddReviewer asks one more user to review an open round.
func (s *Service) AddReviewer(ctx context.Context, docID int64, number int, login string) (*Round, error) {
	_, access, err := s.openRoundAsEditor(ctx, docID, number)
	if err != nil {
		return nil, err
	}
	users, unshared, err := s.reviewerUsers(ctx, docID, access.Manage, []string{login})
	if err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, policydesk.Errorf(policydesk.EInvalid, "Name the reviewer by their login.").On("reviewers")
	}
	u := users[0]
	rv := &Reviewer{UserID: u.ID}
	if unshared[u.Login] {
		rv.Share = s.Drafts.MemberAudit(ctx, docID, u.Login, "reviewer")
	}
	audit := s.Drafts.AuditEntry(ctx, "round.reviewer.add", "document", itoa(docID), "round %d: %s", number, u.Login)
	if err := s.Store.AddReviewer(ctx, docID, number, rv, s.Drafts.Now().UTC(), audit); err != nil {
		return nil, err
	}
	return s.RoundDetail(ctx, docID, number)
}

// RemoveReviewer withdraws a reviewer from an open round; their comments
// stay.
func (s *Service) RemoveReviewer(ctx context.Context, docID int64, number int, login string) (*Round, error) {
	if _, _, err := s.openRoundAsEditor(ctx, docID, number); err != nil {
		return nil, err
	}
	u, err := s.Drafts.Users.FindUserByLogin(ctx, login)
	if policydesk.ErrorCode(err) == policydesk.ENotFound {
		return nil, policydesk.Errorf(policydesk.ENotFound, "%s is not a reviewer of round %d.", login, number)
	} else if err != nil {
		return nil, err
	}
	audit := s.Drafts.AuditEntry(ctx, "round.reviewer.remove", "document", itoa(docID), "round %d: %s", number, u.Login)
	if err := s.Store.RemoveReviewer(ctx, docID, number, u.ID, audit); err != nil {
		return nil, err
	}
	return s.RoundDetail(ctx, docID, number)
}

// openRoundAsEditor loads an open round of a document the caller edits.
func (s *Service) openRoundAsEditor(ctx context.Context, docID int64, number int) (*Round, policydesk.Access, error) {
	_, access, err := s.Drafts.Document(ctx, docID)
	if err != nil {
		return nil, access, err
	}
	if !access.Edit {
		return nil, access, policydesk.Errorf(policydesk.EForbidden, "Only the document's legal experts can do this.")
	}
	r, err := s.Store.FindRound(ctx, docID, number)
	if err != nil {
		return nil, access, err
	}
	if r.Status != "open" {
		return nil, access, policydesk.Errorf(policydesk.EConflict, "Round %d is closed.", number)
	}
	return r, access, nil
}

// RoundDetail returns a readable document's round with its extensions
// and its reviewers: all of them for the document's editors, else only
// the caller (if one).
func (s *Service) RoundDetail(ctx context.Context, docID int64, number int) (*Round, error) {
	_, access, err := s.Drafts.Document(ctx, docID)
	if err != nil {
		return nil, err
	}
	r, err := s.Store.FindRound(ctx, docID, number)
	if err != nil {
		return nil, err
	}
	if r.Reviewers, err = s.Store.FindReviewers(ctx, docID, number); err != nil {
		return nil, err
	}
	if !access.Edit {
		me := policydesk.UserFromContext(ctx)
		r.Reviewers = slices.DeleteFunc(r.Reviewers, func(rv *Reviewer) bool { return me == nil || rv.UserID != me.ID })
	}
	r.Extensions, err = s.Store.FindExtensions(ctx, docID, number)
	return r, err
}

// OpenedBy records that the caller opened the round's page, if they are
// one of its reviewers and it is the first time (a write: call it only
// for a reviewer who has not opened the round yet).
func (s *Service) OpenedBy(ctx context.Context, docID int64, number int) error {
	u := policydesk.UserFromContext(ctx)
	if u == nil {
		return nil
	}
	return s.Store.MarkReviewerOpened(ctx, docID, number, u.ID, s.Drafts.Now().UTC())
}

// SetDone records that the caller, a reviewer of the open round, has
// finished reviewing it (done) or has not after all (!done).
func (s *Service) SetDone(ctx context.Context, docID int64, number int, done bool) (*Round, error) {
	r, _, err := s.Round(ctx, docID, number)
	if err != nil {
		return nil, err
	}
	if r.Status != "open" {
		return nil, policydesk.Errorf(policydesk.EConflict, "Round %d is closed.", number)
	}
	u := policydesk.UserFromContext(ctx)
	var at time.Time
	audit := s.Drafts.AuditEntry(ctx, "round.reviewer.undone", "document", itoa(docID), "round %d: not finished after all", number)
	if done {
		at = s.Drafts.Now().UTC()
		audit = s.Drafts.AuditEntry(ctx, "round.reviewer.done", "document", itoa(docID), "round %d: finished reviewing", number)
	}
	err = s.Store.SetReviewerDone(ctx, docID, number, u.ID, at, audit)
	if policydesk.ErrorCode(err) == policydesk.ENotFound {
		return nil, policydesk.Errorf(policydesk.EForbidden, "You are not a reviewer of round %d.", number)
	}
	if err != nil {
		return nil, err
	}
	return s.RoundDetail(ctx, docID, number)
}
