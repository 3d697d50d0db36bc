package web

import (
	"net/http"

	"policydesk"
	"policydesk/review"
)

func (s *Server) apiRounds(r *http.Request, id int64) (int, any, error) {
	rounds, err := s.Review.Rounds(r.Context(), id)
	return http.StatusOK, map[string]any{"rounds": rounds}, err
}

// newRoundJSON is the body of POST /documents/{id}/rounds.
type newRoundJSON struct {
	Name    string `json:"name"`
	Version int    `json:"version"`
	Due     string `json:"due"`
	// WorkingDays is the consultation period, instead of Due.
	WorkingDays int `json:"working_days"`
	// Reviewers are logins; Instructions tell them what is asked.
	Reviewers    []string `json:"reviewers"`
	Instructions string   `json:"instructions"`
}

func (s *Server) apiOpenRound(r *http.Request, id int64, in *newRoundJSON) (int, any, error) {
	due, err := s.roundDue(r, in.Due, in.WorkingDays, in.WorkingDays != 0)
	if err != nil {
		return 0, nil, err
	}
	spec := review.RoundSpec{Name: in.Name, Version: in.Version, Due: due, Reviewers: in.Reviewers, Instructions: in.Instructions}
	if spec.Reviewers, err = s.reviewersByMail(r, id, spec); err != nil {
		return 0, nil, err
	}
	round, err := s.Review.OpenRoundWith(r.Context(), id, spec)
	return http.StatusCreated, round, err
}

func (s *Server) apiCloseRound(r *http.Request, id int64, n int) (int, any, error) {
	round, err := s.Review.CloseRound(r.Context(), id, n)
	return http.StatusOK, round, err
}

func (s *Server) apiReopenRound(r *http.Request, id int64, n int) (int, any, error) {
	round, err := s.Review.ReopenRound(r.Context(), id, n)
	return http.StatusOK, round, err
}

// apiReport answers a round's consultation report as an HTML page or, with
// ?format=csv, as a CSV download, or with ?format=json as JSON.
func (s *Server) apiReport(r *http.Request, id int64, n int) (int, any, error) {
	rep, err := s.Review.Report(r.Context(), id, n)
	if err != nil {
		return 0, nil, err
	}
	switch format := r.URL.Query().Get("format"); format {
	case "csv":
		write, err := s.reportCSV(r, rep)
		return http.StatusOK, write, err
	case "json":
		return http.StatusOK, s.reportJSON(rep), nil
	case "docx":
		w, err := s.reportDocx(rep)
		return http.StatusOK, w, err
	case "html", "":
		data, err := s.reportPage(r, rep)
		return http.StatusOK, writeBody(func(w http.ResponseWriter) { s.render(w, r, http.StatusOK, "report", data) }), err
	}
	return 0, nil, policydesk.Errorf(policydesk.EInvalid, "format is csv, docx, html or json.")
}
