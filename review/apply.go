package review

import (
	"context"
	"fmt"

	"policydesk"
	"policydesk/drafts"
	"policydesk/review/anchor"
)

// Apply writes the comment's suggested wording over its words in the head
// and saves that as a new version. base must be the head (a stale base is a
// *drafts.ConflictError). The comment is marked accepted and resolved.
func (s *Service) Apply(ctx context.Context, commentID int64, base int) (*drafts.Version, error) {
	c, err := s.editorsComment(ctx, commentID, policydesk.Say("Only the document's legal experts apply suggestions."))
	if err != nil {
		return nil, err
	}
	if !c.HasSuggestion {
		return nil, policydesk.Errorf(policydesk.EInvalid, "Comment %d proposes no wording.", c.ID)
	}
	if c.AppliedVersion != 0 {
		// A suggestion that keeps the quoted words would otherwise go in twice.
		return nil, policydesk.Errorf(policydesk.EConflict, "The suggestion of comment %d is already in version %d.", c.ID, c.AppliedVersion)
	}
	head, err := s.versionOrHead(ctx, c.DocumentID, 0)
	if err != nil {
		return nil, err
	}
	if err := s.newCommentMapper(head).mapComment(ctx, c.DocumentID, c); err != nil {
		return nil, err
	}
	if c.Outdated {
		return nil, policydesk.Errorf(policydesk.EConflict, "The words of comment %d have changed since it was made; apply the suggestion by hand in the editor.", c.ID)
	}
	start, end := anchor.ByteOffset(head.Body, c.Anchor.Start), anchor.ByteOffset(head.Body, c.Anchor.End)
	body := head.Body[:start] + c.Suggestion + head.Body[end:]
	msg := fmt.Sprintf("Applied the suggestion of comment %d by %s", c.ID, c.Author)
	if c.ArticleNum != "" {
		msg += " (article " + c.ArticleNum + ")"
	}
	v, err := s.Drafts.SaveVersion(ctx, c.DocumentID, base, body, msg)
	if err != nil {
		return nil, err
	}
	// Wording that went in is accepted, or partially accepted if the editor
	// said so; never "not accepted".
	if !accepts(c.Decision) {
		s.recordDecision(ctx, c, "accepted", "")
	}
	c.Status, c.AppliedVersion = "resolved", v.Number
	if err := s.updateComment(ctx, c, "apply", "version %d", v.Number); err != nil {
		return nil, err
	}
	return v, nil
}
