package web

import (
	"net/http"
	"strconv"

	"policydesk"
)

// pageOpenRound opens a review round on a version and shows it.
func (s *Server) pageOpenRound(r *http.Request, id int64) (reply, error) {
	due, err := s.roundDueForm(r)
	if err != nil {
		return reply{}, inForm("open-round", err)
	}
	spec := roundSpec(r, due)
	if spec.Reviewers, err = s.reviewersByMail(r, id, spec); err != nil {
		return reply{}, inForm("open-round", err)
	}
	round, err := s.Review.OpenRoundWith(r.Context(), id, spec)
	if err != nil {
		return reply{}, inForm("open-round", err)
	}
	return seeOther(roundURL(id, round.Number)), nil
}

// pageConfirmClose asks the editor to confirm closing a round, saying what
// closing does; the page works without JavaScript.
func (s *Server) pageConfirmClose(r *http.Request, id int64, n int) (reply, error) {
	doc, access, err := s.Drafts.Document(r.Context(), id)
	if err != nil {
		return reply{}, err
	}
	if !access.Edit {
		return reply{}, policydesk.Errorf(policydesk.EForbidden, "Only the document's legal experts close review rounds.")
	}
	round, _, err := s.Review.Round(r.Context(), id, n)
	if err != nil {
		return reply{}, err
	}
	return show("round_close", map[string]any{"Title": s.tr(r, "review.title.close", "Number", n, "Title", doc.Title), "Doc": doc, "Round": round}), nil
}

// pageCloseRound closes a round to comments and shows it closed.
func (s *Server) pageCloseRound(r *http.Request, id int64, n int) (reply, error) {
	if _, err := s.Review.CloseRound(r.Context(), id, n); err != nil {
		return reply{}, inForm("close-round", err)
	}
	return seeOther(roundURL(id, n)), nil
}

// pageReopenRound opens a closed round to comments again.
func (s *Server) pageReopenRound(r *http.Request, id int64, n int) (reply, error) {
	if _, err := s.Review.ReopenRound(r.Context(), id, n); err != nil {
		return reply{}, inForm("reopen-round-"+strconv.Itoa(n), err)
	}
	return seeOther(roundURL(id, n)), nil
}

func roundURL(id int64, n int) string { return docURL(id) + "/rounds/" + strconv.Itoa(n) }
