package review

import "context"

// RoundComments is the comment list of round `round`: its own comments and
// those of earlier rounds of the document still open (neither resolved
// nor decided), marked Carried, so that nothing a reviewer raised drops out
// of sight in the next round. All are anchored in version `at` (the head
// when 0); a carried comment whose words are gone there is outdated with
// its original quote. The consultation report of a round (Report) stays
// the round's own comments.
func (s *Service) RoundComments(ctx context.Context, docID int64, round, at int) ([]*Comment, error) {
	target, err := s.versionOrHead(ctx, docID, at)
	if err != nil {
		return nil, err
	}
	if _, err := s.Store.FindRound(ctx, docID, round); err != nil {
		return nil, err
	}
	all, err := s.Store.FindComments(ctx, CommentFilter{DocumentID: docID})
	if err != nil {
		return nil, err
	}
	var carried, own []*Comment
	for _, c := range all {
		switch {
		case c.Round == round:
			own = append(own, c)
		case c.Round != 0 && c.Round < round && stillOpen(c):
			c.Carried = true
			carried = append(carried, c)
		}
	}
	return s.mapComments(ctx, docID, target, append(carried, own...))
}

// stillOpen tells a comment nobody has answered yet: not resolved and
// without a decision.
func stillOpen(c *Comment) bool { return c.Status == "open" && c.Decision == "" }
