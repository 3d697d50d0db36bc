package web

import (
	"net/http"
	"strings"

	"policydesk"
	"policydesk/drafts/accounts"
	"policydesk/review"
)

// maxInvitedReviewers bounds the invitations one round opening sends.
const maxInvitedReviewers = 20

// reviewersByMail turns the reviewers named by e-mail address (those with
// an "@") into logins: the account with that address, else a new invited
// reviewer whose link is mailed in the document's language (see
// accounts.InviteReviewer). Logins pass through as they are. Nobody is
// invited for a round that would be refused: the round, with the reviewers
// named by login, is checked first.
func (s *Server) reviewersByMail(r *http.Request, docID int64, spec review.RoundSpec) ([]string, error) {
	reviewers := spec.Reviewers
	var logins []string
	for _, rv := range reviewers {
		if !strings.Contains(rv, "@") {
			logins = append(logins, rv)
		}
	}
	if len(logins) == len(reviewers) {
		return reviewers, nil
	}
	if len(reviewers)-len(logins) > maxInvitedReviewers {
		return nil, policydesk.Errorf(policydesk.EInvalid, "A round invites at most %d reviewers by e-mail at once.", maxInvitedReviewers).On("reviewers")
	}
	spec.Reviewers = logins
	if err := s.Review.CheckRound(r.Context(), docID, spec); err != nil {
		return nil, err
	}
	doc, _, err := s.Drafts.Document(r.Context(), docID)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(reviewers))
	for _, rv := range reviewers {
		if !strings.Contains(rv, "@") {
			out = append(out, rv)
			continue
		}
		u, _, err := s.Accounts.InviteReviewer(r.Context(), accounts.InviteInput{Email: rv, Language: doc.Language})
		if u == nil {
			return nil, policydesk.OnField("reviewers", err)
		}
		// A mail that could not be queued yet still leaves the account
		// and its invitation, which the inviting page can send again.
		out = append(out, u.Login)
	}
	return out, nil
}
