package review

import (
	"context"
	"strings"
	"time"

	"policydesk"
	"policydesk/drafts/textkit"
	"policydesk/timefmt"
)

// Extension is one move of a round's due date, with its reason.
type Extension struct {
	At     time.Time `json:"at"`
	ByID   int64     `json:"-"`
	By     string    `json:"by"` // login
	OldDue string    `json:"old_due"`
	NewDue string    `json:"new_due"`
	Reason string    `json:"reason"`
}

// WaitingRound is an open round that waits for one of its reviewers.
type WaitingRound struct {
	DocumentID int64  `json:"document"`
	Title      string `json:"title"`
	// Language is the document's: its title is shown in it.
	Language string `json:"language"`
	Round    int    `json:"round"`
	Name     string `json:"name"`
	Due      string `json:"-"` // YYYY-MM-DD or ""
	Status   string `json:"status"`
	Comments int    `json:"comments"`
	Overdue  bool   `json:"overdue"`
}

// maxWaiting bounds the rounds the inbox lists as waiting.
const maxWaiting = 100

// ExtendRound moves an open round's due date later, for a reason that is
// kept with it and audited. due is a date (dd.mm.yyyy or YYYY-MM-DD).
func (s *Service) ExtendRound(ctx context.Context, docID int64, number int, due, reason string) (*Round, error) {
	r, _, err := s.openRoundAsEditor(ctx, docID, number)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(textkit.Newlines(reason))
	if reason == "" {
		return nil, policydesk.Errorf(policydesk.EInvalid, "Say why the round is extended.").On("reason")
	}
	if err := checkWritten(policydesk.Say("reason"), reason, MaxReasonRunes); err != nil {
		return nil, policydesk.OnField("reason", err)
	}
	d, err := timefmt.ParseDate(strings.TrimSpace(due))
	if err != nil {
		return nil, policydesk.OnField("due", policydesk.AsError(err))
	}
	newDue := timefmt.ISODate(d)
	if r.Due != "" && newDue <= r.Due {
		return nil, policydesk.Errorf(policydesk.EInvalid, "The new due date must be later than the current one, %s.", timefmt.ShowISODate(r.Due)).On("due")
	}
	e := &Extension{At: s.Drafts.Now().UTC(), ByID: policydesk.UserFromContext(ctx).ID, OldDue: r.Due, NewDue: newDue, Reason: reason}
	audit := s.Drafts.AuditEntry(ctx, "round.extend", "document", itoa(docID), "round %d: due %s instead of %s, because: %s",
		number, dateWords(newDue), dateWords(r.Due), reason)
	if err := s.Store.ExtendRound(ctx, docID, number, e, audit); err != nil {
		return nil, err
	}
	return s.RoundDetail(ctx, docID, number)
}

// dateWords is an ISO date as people write it here, or "-" for none.
func dateWords(iso string) string {
	if iso == "" {
		return "-"
	}
	return timefmt.ShowISODate(iso)
}

// WaitingRounds lists the open rounds where the caller is a reviewer and
// not done, and may still read the document: overdue first (due before
// today), then soonest due, those without a due date last.
func (s *Service) WaitingRounds(ctx context.Context, today time.Time) ([]*WaitingRound, error) {
	u := policydesk.UserFromContext(ctx)
	if u == nil {
		return nil, policydesk.Errorf(policydesk.EUnauthorized, "Log in first.")
	}
	rounds, err := s.Store.FindWaitingRounds(ctx, u.ID, maxWaiting)
	if err != nil {
		return nil, err
	}
	out := []*WaitingRound{}
	iso := timefmt.ISODate(today)
	for _, w := range rounds {
		if _, _, err := s.Drafts.Document(ctx, w.DocumentID); policydesk.ErrorCode(err) == policydesk.ENotFound || policydesk.ErrorCode(err) == policydesk.EForbidden {
			continue
		} else if err != nil {
			return nil, err
		}
		w.Overdue = w.Due != "" && w.Due < iso
		out = append(out, w)
	}
	return out, nil
}
