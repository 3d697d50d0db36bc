package web

import (
	"net/http"
	"strings"

	"policydesk"
	"policydesk/drafts/accounts"
)

// maxInvitedReviewers bounds the invitations one round opening sends.
const maxInvitedReviewers = 20

// reviewersByMail turns the reviewers named by e-mail address (those with
// an "@") into logins: the account with that address, else a new invited
// reviewer whose link is mailed in the document's language (see
// accounts.InviteReviewer). Logins pass through as they are; the round's
// own checks follow.
func (s *Server) reviewersByMail(r *http.Request, docID int64, reviewers []string) ([]string, error) {
	var addresses int
	for _, rv := range reviewers {
		if strings.Contains(rv, "@") {
			addresses++
		}
	}
	if addresses == 0 {
		return reviewers, nil
	}
	if addresses > maxInvitedReviewers {
		return nil, policydesk.Errorf(policydesk.EInvalid, "A round invites at most %d reviewers by e-mail at once.", maxInvitedReviewers).On("reviewers")
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
