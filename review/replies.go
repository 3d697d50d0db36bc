package review

import (
	"context"
	"strings"

	"policydesk"
	"policydesk/drafts/textkit"
)

// Reply adds an answer to a comment's thread.
func (s *Service) Reply(ctx context.Context, commentID int64, body string) (*Reply, error) {
	c, access, err := s.comment(ctx, commentID)
	if err != nil {
		return nil, err
	}
	if !access.Comment && !access.Edit {
		return nil, policydesk.Errorf(policydesk.EForbidden, "You may not reply on this document.")
	}
	body = strings.TrimSpace(textkit.Newlines(body))
	if body == "" {
		return nil, policydesk.Errorf(policydesk.EInvalid, "A reply needs some text.").On("body")
	}
	if err := checkWritten(policydesk.Say("reply"), body, MaxCommentRunes); err != nil {
		return nil, policydesk.OnField("body", err)
	}
	if _, err := s.checkMentions(ctx, c.DocumentID, body); err != nil {
		return nil, err
	}
	u := policydesk.UserFromContext(ctx)
	r := &Reply{CommentID: commentID, AuthorID: u.ID, Author: u.Login, Name: u.Name, Organisation: u.Organisation, Body: body, CreatedAt: s.Drafts.Now().UTC()}
	audit := s.Drafts.AuditEntry(ctx, "comment.reply", "comment", itoa(c.ID), "reply %d", NewID)
	if err := s.Store.AddReply(ctx, r, audit); err != nil {
		return nil, err
	}
	return r, nil
}
