package review

import (
	"context"
	"slices"
	"strings"

	"policydesk"
	"policydesk/drafts/textkit"
)

// Decide records the editor's answer to a comment. A reason is required
// unless the comment is accepted, as public consultation rules demand.
func (s *Service) Decide(ctx context.Context, commentID int64, decision, reason string) (*Comment, error) {
	c, err := s.editorsComment(ctx, commentID, policydesk.Say("Only the document's legal experts decide on comments."))
	if err != nil {
		return nil, err
	}
	if decision == "" {
		return nil, policydesk.Errorf(policydesk.EInvalid, "Choose a decision: accepted, partially accepted or not accepted.").On("decision")
	}
	if !slices.Contains(Decisions, decision) {
		return nil, policydesk.Errorf(policydesk.EInvalid, "A decision is one of: accepted, partially, rejected.").On("decision")
	}
	if c.AppliedVersion != 0 && !accepts(decision) {
		// The report would say the proposal was refused while the text carries it.
		return nil, policydesk.Errorf(policydesk.EConflict, "The wording of comment %d is already in version %d, so it cannot be recorded as not accepted; record it as accepted or partially accepted.", c.ID, c.AppliedVersion).On("decision")
	}
	reason = strings.TrimSpace(textkit.Newlines(reason))
	if err := checkWritten(policydesk.Say("reason"), reason, MaxCommentRunes); err != nil {
		return nil, policydesk.OnField("reason", err)
	}
	if decision != "accepted" && reason == "" {
		return nil, policydesk.Errorf(policydesk.EInvalid, "Give the reason for a decision other than accepted.").On("reason")
	}
	s.recordDecision(ctx, c, decision, reason)
	if err := s.updateComment(ctx, c, "decide", "%s", decisionWords[decision]); err != nil {
		return nil, err
	}
	return c, nil
}

// accepts tells whether a decision takes the wording in, wholly or in
// part.
func accepts(decision string) bool {
	return decision == "accepted" || decision == "partially"
}

// recordDecision marks c as decided by the caller, now.
func (s *Service) recordDecision(ctx context.Context, c *Comment, decision, reason string) {
	u := policydesk.UserFromContext(ctx)
	c.Decision, c.Reason, c.DecidedBy, c.DecidedByID, c.DecidedAt = decision, reason, u.Login, u.ID, s.Drafts.Now().UTC()
}

// Resolve closes or reopens a comment's thread (its author or an editor).
func (s *Service) Resolve(ctx context.Context, commentID int64, resolved bool) (*Comment, error) {
	c, access, err := s.comment(ctx, commentID)
	if err != nil {
		return nil, err
	}
	u := policydesk.UserFromContext(ctx)
	if !access.Edit && c.AuthorID != u.ID {
		return nil, policydesk.Errorf(policydesk.EForbidden, "Only the comment's author or the document's legal experts can resolve it.")
	}
	status, action := "open", "reopen"
	if resolved {
		status, action = "resolved", "resolve"
	}
	c.Status = status
	if err := s.updateComment(ctx, c, action, ""); err != nil {
		return nil, err
	}
	return c, nil
}

// decisionWords name the decisions in the audit log.
var decisionWords = map[string]policydesk.Words{
	"accepted":  policydesk.Say("accepted"),
	"partially": policydesk.Say("partially accepted"),
	"rejected":  policydesk.Say("not accepted"),
}
