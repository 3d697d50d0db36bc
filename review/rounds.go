package review

import (
	"context"
	"fmt"
	"strings"

	"policydesk"
	"policydesk/timefmt"
)

// OpenRound opens review round N+1 on a version of the document.
func (s *Service) OpenRound(ctx context.Context, docID int64, name string, version int, due string) (*Round, error) {
	return s.OpenRoundWith(ctx, docID, RoundSpec{Name: name, Version: version, Due: due})
}

// OpenRoundWith opens review round N+1 with its reviewers and instructions.
// Reviewers who may not read the document are shared it as reviewers when
// the caller manages it; otherwise the round is refused.
func (s *Service) OpenRoundWith(ctx context.Context, docID int64, spec RoundSpec) (*Round, error) {
	doc, access, err := s.Drafts.Document(ctx, docID)
	if err != nil {
		return nil, err
	}
	if !access.Edit {
		return nil, policydesk.Errorf(policydesk.EForbidden, "Only the document's legal experts can do this.")
	}
	r, err := s.newRound(docID, doc.Head, spec)
	if err != nil {
		return nil, err
	}
	users, unshared, err := s.reviewerUsers(ctx, docID, access.Manage, spec.Reviewers)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		rv := &Reviewer{UserID: u.ID, Login: u.Login, Name: u.Name, Status: ReviewerInvited}
		if unshared[u.Login] {
			rv.Share = s.Drafts.MemberAudit(ctx, docID, u.Login, "reviewer")
		}
		r.Reviewers = append(r.Reviewers, rv)
	}
	r.OpenedBy, r.CreatedAt = policydesk.UserFromContext(ctx).ID, s.Drafts.Now().UTC()
	// The store puts the round's number in place of NewRound.
	audit := s.Drafts.AuditEntry(ctx, "round.open", "document", itoa(docID), "round %d: %s on version %d", NewRound, r.Name, r.Version)
	if err := s.Store.CreateRound(ctx, r, audit); err != nil {
		return nil, err
	}
	return r, nil
}

// CheckRound checks, without writing anything, what OpenRoundWith would
// check of spec: that the caller may open a round on the document, its
// name, version, due date and instructions, and its reviewers. The web
// checks a round so before it invites the reviewers named by e-mail
// address, whom it leaves out of spec.
func (s *Service) CheckRound(ctx context.Context, docID int64, spec RoundSpec) error {
	doc, access, err := s.Drafts.Document(ctx, docID)
	if err != nil {
		return err
	}
	if !access.Edit {
		return policydesk.Errorf(policydesk.EForbidden, "Only the document's legal experts can do this.")
	}
	if _, err = s.newRound(docID, doc.Head, spec); err != nil {
		return err
	}
	_, _, err = s.reviewerUsers(ctx, docID, access.Manage, spec.Reviewers)
	return err
}

// NewRound stands in a round.open audit detail for the number the store
// gives the round.
const NewRound = 0

// newRound checks a round's name, version, due date and instructions.
func (s *Service) newRound(docID int64, head int, spec RoundSpec) (*Round, error) {
	name := strings.TrimSpace(spec.Name)
	if err := checkLine(policydesk.Say("round name"), name, 200); err != nil {
		return nil, policydesk.OnField("name", err)
	}
	version := spec.Version
	if version == 0 {
		version = head
	}
	if version < 1 || version > head {
		return nil, policydesk.Errorf(policydesk.EInvalid, "Version %d does not exist; the newest is %d.", version, head).On("version")
	}
	due := strings.TrimSpace(spec.Due)
	if due != "" {
		d, err := timefmt.ParseDate(due)
		if err != nil {
			return nil, policydesk.OnField("due", policydesk.AsError(err))
		}
		due = timefmt.ISODate(d)
	}
	instructions, err := checkInstructions(spec.Instructions)
	if err != nil {
		return nil, err
	}
	r := &Round{DocumentID: docID, Name: name, Version: version, Due: due, Status: "open", Instructions: instructions}
	if r.Name == "" {
		r.Name = fmt.Sprintf("Round on version %d", version)
	}
	return r, nil
}

// CloseRound ends a round; comments on it stay and can still be decided.
func (s *Service) CloseRound(ctx context.Context, docID int64, number int) (*Round, error) {
	return s.setRoundStatus(ctx, docID, number, "round.close", func(audit *policydesk.AuditEntry) error {
		return s.Store.CloseRound(ctx, docID, number, s.Drafts.Now().UTC(), audit)
	})
}

// ReopenRound opens a closed round to comments again (EConflict if it is
// open), for a round closed too early or by mistake.
func (s *Service) ReopenRound(ctx context.Context, docID int64, number int) (*Round, error) {
	return s.setRoundStatus(ctx, docID, number, "round.reopen", func(audit *policydesk.AuditEntry) error {
		return s.Store.ReopenRound(ctx, docID, number, audit)
	})
}

// setRoundStatus runs a round's closing or reopening by an editor, audited
// as action, and returns the round as it is then.
func (s *Service) setRoundStatus(ctx context.Context, docID int64, number int, action string, set func(*policydesk.AuditEntry) error) (*Round, error) {
	if _, err := s.editable(ctx, docID); err != nil {
		return nil, err
	}
	if err := set(s.Drafts.AuditEntry(ctx, action, "document", itoa(docID), "round %d", number)); err != nil {
		return nil, err
	}
	return s.Store.FindRound(ctx, docID, number)
}

// Rounds lists a readable document's rounds, oldest first.
func (s *Service) Rounds(ctx context.Context, docID int64) ([]*Round, error) {
	if _, _, err := s.Drafts.Document(ctx, docID); err != nil {
		return nil, err
	}
	return s.Store.FindRounds(ctx, docID)
}

// Round returns one round and the version the previous round was on (0 if
// this is the first), which is what its redline compares against.
func (s *Service) Round(ctx context.Context, docID int64, number int) (*Round, int, error) {
	if _, _, err := s.Drafts.Document(ctx, docID); err != nil {
		return nil, 0, err
	}
	r, err := s.Store.FindRound(ctx, docID, number)
	if err != nil {
		return nil, 0, err
	}
	prev := 0
	if number > 1 {
		p, err := s.Store.FindRound(ctx, docID, number-1)
		if err != nil {
			return nil, 0, err
		}
		prev = p.Version
	}
	return r, prev, nil
}
