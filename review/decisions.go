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
	c, access, err := s.comment(ctx, commentID)
	if err != nil {
		return nil, err
	}
	if !access.Edit {
		return nil, policydesk.Errorf(policydesk.EForbidden, "Only the document's legal experts decide on comments.")
	}
	if !slices.Contains(Decisions, decision) {
		return nil, policydesk.Errorf(policydesk.EInvalid, "A decision is one of: accepted, partially, rejected.")
	}
	if c.AppliedVersion != 0 && decision != "accepted" && decision != "partially" {
		// The report would say the proposal was refused while the text carries it.
		return nil, policydesk.Errorf(policydesk.EConflict, "The wording of comment %d is already in version %d, so it cannot be recorded as not accepted; record it as accepted or partially accepted.", c.ID, c.AppliedVersion)
	}
	reason = strings.TrimSpace(textkit.Newlines(reason))
	if err := checkWritten("reason", reason, MaxCommentRunes); err != nil {
		return nil, err
	}
	if decision != "accepted" && reason == "" {
		return nil, policydesk.Errorf(policydesk.EInvalid, "Give the reason for a decision other than accepted.")
	}
	u := policydesk.UserFromContext(ctx)
	c.Decision, c.Reason, c.DecidedBy, c.DecidedByID, c.DecidedAt = decision, reason, u.Login, u.ID, s.Drafts.Now().UTC()
	audit := s.Drafts.AuditEntry(ctx, "comment.decide", "comment", itoa(c.ID), decision)
	if err := s.Store.UpdateComment(ctx, c, audit); err != nil {
		return nil, err
	}
	return c, nil
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
	c.Status = "open"
	if resolved {
		c.Status = "resolved"
	}
	audit := s.Drafts.AuditEntry(ctx, "comment."+map[bool]string{true: "resolve", false: "reopen"}[resolved], "comment", itoa(c.ID), "")
	if err := s.Store.UpdateComment(ctx, c, audit); err != nil {
		return nil, err
	}
	return c, nil
}
