package web

import (
	"net/http"
	"strconv"
)

// pageOpenRound opens a review round on a version and shows it.
func (s *Server) pageOpenRound(r *http.Request, id int64) (reply, error) {
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	round, err := s.Review.OpenRound(r.Context(), id, r.PostFormValue("name"), version, r.PostFormValue("due"))
	if err != nil {
		return reply{}, inForm("open-round", err)
	}
	return seeOther(docURL(id) + "/rounds/" + strconv.Itoa(round.Number)), nil
}

// pageCloseRound closes a round to comments.
func (s *Server) pageCloseRound(r *http.Request, id int64, n int) (reply, error) {
	_, err := s.Review.CloseRound(r.Context(), id, n)
	return seeOther(docURL(id) + "#rounds"), err
}
