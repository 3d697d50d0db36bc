package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/review"
	"policydesk/timefmt"
)

// roundPanel adds to a round's page its reviewers, their progress, the
// extensions and, for a reviewer, their own entry; and records that the
// caller, if a reviewer, opened the round.
func (s *Server) roundPanel(r *http.Request, data map[string]any, id int64, n int) error {
	ctx := r.Context()
	round, err := s.Review.RoundDetail(ctx, id, n)
	if err != nil {
		return err
	}
	data["Detail"], data["StatusLabels"] = round, s.reviewerStatusLabels(r)
	u := policydesk.UserFromContext(ctx)
	for _, rv := range round.Reviewers {
		if u == nil || rv.UserID != u.ID {
			continue
		}
		data["Me"] = rv
		if rv.OpenedAt.IsZero() {
			if err := s.Review.OpenedBy(ctx, id, n); err != nil {
				// Only the reviewer's "opened" status waits for another visit.
				s.Logger.Warn("round opened", "document", id, "round", n, "err", err)
			} else {
				rv.OpenedAt = s.Drafts.Now()
				rv.Settle()
			}
		}
	}
	return nil
}

// reviewerLogins splits the form's comma- or space-separated logins.
func reviewerLogins(v string) []string {
	return strings.FieldsFunc(v, func(c rune) bool { return c == ',' || c == ';' || c == ' ' || c == '\n' || c == '\r' || c == '\t' })
}

// pageDone marks the caller's review of the round finished (done=1) or
// not finished after all (done=0).
func (s *Server) pageDone(r *http.Request, id int64, n int) (reply, error) {
	if _, err := s.Review.SetDone(r.Context(), id, n, r.PostFormValue("done") != "0"); err != nil {
		return reply{}, inForm("round-done", err)
	}
	return seeOther(roundURL(id, n) + "#reviewers"), nil
}

// pageExtend extends the round from its page's form.
func (s *Server) pageExtend(r *http.Request, id int64, n int) (reply, error) {
	in := extendJSON{Due: r.PostFormValue("due"), Reason: r.PostFormValue("reason")}
	if v := strings.TrimSpace(r.PostFormValue("working_days")); v != "" {
		days, err := workingDaysParam(v)
		if err != nil {
			return reply{}, inForm("extend-round", policydesk.OnField("working_days", policydesk.Errorf(policydesk.EInvalid, "%s", policydesk.ErrorMessage(err))))
		}
		in.WorkingDays = days
	}
	if _, err := s.extendRound(r, id, n, in); err != nil {
		return reply{}, inForm("extend-round", err)
	}
	return seeOther(roundURL(id, n) + "#extensions"), nil
}

// pageAddReviewer asks one more user to review the round.
func (s *Server) pageAddReviewer(r *http.Request, id int64, n int) (reply, error) {
	for _, login := range reviewerLogins(r.PostFormValue("login")) {
		if _, err := s.Review.AddReviewer(r.Context(), id, n, login); err != nil {
			return reply{}, inForm("add-reviewer", policydesk.OnField("login", err))
		}
	}
	return seeOther(roundURL(id, n) + "#reviewers"), nil
}

// pageRemoveReviewer withdraws a reviewer from the round.
func (s *Server) pageRemoveReviewer(r *http.Request, id int64, n int) (reply, error) {
	if _, err := s.Review.RemoveReviewer(r.Context(), id, n, mux.Vars(r)["login"]); err != nil {
		return reply{}, inForm("add-reviewer", err)
	}
	return seeOther(roundURL(id, n) + "#reviewers"), nil
}

// reviewerChoice is a user the round form suggests as a reviewer.
type reviewerChoice struct{ Login, Name string }

// reviewerChoices are the users an editor may name as reviewers: every
// active account where they may share the document, else those it is
// shared with. Nothing for anyone else, or if the list cannot be had.
func (s *Server) reviewerChoices(r *http.Request, id int64, access policydesk.Access) []reviewerChoice {
	if !access.Edit {
		return nil
	}
	var out []reviewerChoice
	if access.Manage && s.Accounts != nil {
		users, err := s.Accounts.Users.FindUsers(r.Context())
		if err != nil {
			s.Logger.Warn("reviewer choices", "err", err)
			return nil
		}
		for _, u := range users {
			if !u.Disabled {
				out = append(out, reviewerChoice{u.Login, u.Name})
			}
		}
		return out
	}
	members, err := s.Drafts.Members(r.Context(), id)
	if err != nil {
		return nil
	}
	for _, m := range members {
		out = append(out, reviewerChoice{m.Login, m.Name})
	}
	return out
}

// roundSpec reads the round form.
func roundSpec(r *http.Request, due string) review.RoundSpec {
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	return review.RoundSpec{Name: r.PostFormValue("name"), Version: version, Due: due,
		Reviewers: reviewerLogins(r.PostFormValue("reviewers")), Instructions: r.PostFormValue("instructions")}
}

// reviewerStatusLabels are the reviewer statuses in the caller's language.
func (s *Server) reviewerStatusLabels(r *http.Request) map[string]string {
	return map[string]string{
		review.ReviewerInvited:    s.tr(r, "reviewers.status.invited"),
		review.ReviewerOpened:     s.tr(r, "reviewers.status.opened"),
		review.ReviewerCommenting: s.tr(r, "reviewers.status.commenting"),
		review.ReviewerDone:       s.tr(r, "reviewers.status.done"),
	}
}

// waitingRound is a round waiting for the caller, as the inbox shows it:
// its due date as dd.mm.yyyy ("" for none) and its address.
type waitingRound struct {
	*review.WaitingRound
	Due string `json:"due"`
	URL string `json:"url"`
}

// roundsWaiting lists the rounds waiting for the caller, overdue first.
func (s *Server) roundsWaiting(r *http.Request) ([]waitingRound, error) {
	rounds, err := s.Review.WaitingRounds(r.Context(), s.today())
	if err != nil {
		return nil, err
	}
	out := make([]waitingRound, len(rounds))
	for i, w := range rounds {
		due := ""
		if w.Due != "" {
			due = timefmt.ShowISODate(w.Due)
		}
		out[i] = waitingRound{w, due, roundURL(w.DocumentID, w.Round)}
	}
	return out, nil
}
