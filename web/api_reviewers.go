package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"policydesk"
)

// apiRound shows one round with its reviewers (status and comment counts)
// and the history of its extensions.
func (s *Server) apiRound(r *http.Request, id int64, n int) (int, any, error) {
	round, err := s.Review.RoundDetail(r.Context(), id, n)
	return http.StatusOK, round, err
}

// onReviewer is a JSON endpoint on one {login} of a round {r}.
func onReviewer(f func(r *http.Request, id int64, n int, login string) (int, any, error)) jsonFunc {
	return onNumber("r", func(r *http.Request, id int64, n int) (int, any, error) {
		return f(r, id, n, mux.Vars(r)["login"])
	})
}

func (s *Server) apiAddReviewer(r *http.Request, id int64, n int, login string) (int, any, error) {
	round, err := s.Review.AddReviewer(r.Context(), id, n, login)
	return http.StatusOK, round, err
}

func (s *Server) apiRemoveReviewer(r *http.Request, id int64, n int, login string) (int, any, error) {
	round, err := s.Review.RemoveReviewer(r.Context(), id, n, login)
	return http.StatusOK, round, err
}

// apiDone says the caller has finished reviewing the round (POST) or has
// not after all (DELETE).
func (s *Server) apiDone(r *http.Request, id int64, n int) (int, any, error) {
	round, err := s.Review.SetDone(r.Context(), id, n, r.Method == http.MethodPost)
	return http.StatusOK, round, err
}

// extendJSON is the body of POST /documents/{id}/rounds/{r}/extend: a new
// due date, or a number of working days after the current one (or after
// today when the round has none), and the reason.
type extendJSON struct {
	Due         string `json:"due"`
	WorkingDays int    `json:"working_days"`
	Reason      string `json:"reason"`
}

func (s *Server) apiExtend(r *http.Request) (int, any, error) {
	id, n, err := numbered(r, "r")
	if err != nil {
		return 0, nil, err
	}
	var in extendJSON
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	round, err := s.extendRound(r, id, n, in)
	return http.StatusOK, round, err
}

// extendRound works out the new due date and extends the round.
func (s *Server) extendRound(r *http.Request, id int64, n int, in extendJSON) (any, error) {
	due := strings.TrimSpace(in.Due)
	if in.WorkingDays != 0 {
		if due != "" {
			return nil, policydesk.Errorf(policydesk.EInvalid, "Give either a due date or a consultation period in working days, not both.").On("working_days")
		}
		round, _, err := s.Review.Round(r.Context(), id, n)
		if err != nil {
			return nil, err
		}
		cal, err := s.calendar()
		if err != nil {
			return nil, err
		}
		from := s.today()
		if round.Due != "" {
			if from, err = time.Parse(time.DateOnly, round.Due); err != nil {
				return nil, err
			}
		}
		d, err := cal.DueDate(r.Context(), from, in.WorkingDays)
		if err != nil {
			return nil, err
		}
		due = d.Format(time.DateOnly)
	} else if due == "" {
		return nil, policydesk.Errorf(policydesk.EInvalid, "Give the new due date or a number of working days.").On("due")
	}
	return s.Review.ExtendRound(r.Context(), id, n, due, in.Reason)
}

// reviewerRoutes: a round's reviewers, their progress and extensions.
func (s *Server) reviewerRoutes(api, pages *mux.Router) {
	api.HandleFunc("/documents/{id}/rounds/{r}", s.api(onNumber("r", s.apiRound))).Methods(http.MethodGet)
	api.HandleFunc("/documents/{id}/rounds/{r}/reviewers/{login}", s.api(onReviewer(s.apiAddReviewer))).Methods(http.MethodPut)
	api.HandleFunc("/documents/{id}/rounds/{r}/reviewers/{login}", s.api(onReviewer(s.apiRemoveReviewer))).Methods(http.MethodDelete)
	api.HandleFunc("/documents/{id}/rounds/{r}/done", s.api(onNumber("r", s.apiDone))).Methods(http.MethodPost, http.MethodDelete)
	api.HandleFunc("/documents/{id}/rounds/{r}/extend", s.api(s.apiExtend)).Methods(http.MethodPost)
	pages.HandleFunc("/documents/{id}/rounds/{r}/done", s.form(pageOnNumber("r", s.pageDone))).Methods(http.MethodPost)
	pages.HandleFunc("/documents/{id}/rounds/{r}/extend", s.form(pageOnNumber("r", s.pageExtend))).Methods(http.MethodPost)
	pages.HandleFunc("/documents/{id}/rounds/{r}/reviewers", s.form(pageOnNumber("r", s.pageAddReviewer))).Methods(http.MethodPost)
	pages.HandleFunc("/documents/{id}/rounds/{r}/reviewers/{login}/remove", s.form(pageOnNumber("r", s.pageRemoveReviewer))).Methods(http.MethodPost)
}
