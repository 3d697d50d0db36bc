package web

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"policydesk/drafts"
	"policydesk/review"
	"policydesk/review/redline"
)

// registerReviewAPI mounts redlines, rounds, comments and reports.
func (s *Server) registerReviewAPI(r *mux.Router) {
	r.HandleFunc("/documents/{id}/diff", s.apiDiff).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/rounds", s.apiRounds).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/rounds", s.apiOpenRound).Methods(http.MethodPost)
	r.HandleFunc("/documents/{id}/rounds/{r}/close", s.apiCloseRound).Methods(http.MethodPost)
	r.HandleFunc("/documents/{id}/rounds/{r}/report", s.apiReport).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/comments", s.apiComments).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/comments", s.apiAddComment).Methods(http.MethodPost)
	r.HandleFunc("/comments/{cid}/replies", s.apiReply).Methods(http.MethodPost)
	r.HandleFunc("/comments/{cid}/decision", s.apiDecide).Methods(http.MethodPost)
	r.HandleFunc("/comments/{cid}/resolve", s.apiResolve).Methods(http.MethodPost)
	r.HandleFunc("/comments/{cid}/apply", s.apiApply).Methods(http.MethodPost)
}

// queryInt reads an optional positive integer query parameter.
func queryInt(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, drafts.Errorf(drafts.EInvalid, "%s must be a positive whole number.", name)
	}
	return n, nil
}

// diffRange reads from/to, defaulting to the head against the version before it.
func (s *Server) diffRange(r *http.Request, id int64) (from, to int, err error) {
	if from, err = queryInt(r, "from"); err != nil {
		return
	}
	if to, err = queryInt(r, "to"); err != nil {
		return
	}
	if from == 0 || to == 0 {
		doc, _, derr := s.Drafts.Document(r.Context(), id)
		if derr != nil {
			return 0, 0, derr
		}
		if to == 0 {
			to = doc.Head
		}
		if from == 0 {
			from = max(to-1, 1)
		}
	}
	return from, to, nil
}

func (s *Server) apiDiff(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	from, to, err := s.diffRange(r, id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	red, _, _, err := s.Review.Diff(r.Context(), id, from, to)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "html" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(redline.InlineHTML(red)))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "stats": red.Stats, "articles": red.Articles})
}

func (s *Server) apiRounds(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	rounds, err := s.Review.Rounds(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rounds": rounds})
}

func (s *Server) apiOpenRound(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name    string `json:"name"`
		Version int    `json:"version"`
		Due     string `json:"due"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	round, err := s.Review.OpenRound(r.Context(), id, in.Name, in.Version, in.Due)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, round)
}

func (s *Server) roundParams(r *http.Request) (int64, int, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, 0, err
	}
	n, err := pathInt(r, "r")
	return id, n, err
}

func (s *Server) apiCloseRound(w http.ResponseWriter, r *http.Request) {
	id, n, err := s.roundParams(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	round, err := s.Review.CloseRound(r.Context(), id, n)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, round)
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) {
	id, n, err := s.roundParams(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	rep, err := s.Review.Report(r.Context(), id, n)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	switch format := r.URL.Query().Get("format"); format {
	case "csv":
		s.writeReportCSV(w, rep)
	case "html", "":
		s.render(w, r, http.StatusOK, "report", map[string]any{"Title": "Consultation report", "Report": rep})
	default:
		s.apiError(w, r, drafts.Errorf(drafts.EInvalid, "format is csv or html."))
	}
}

func (s *Server) writeReportCSV(w http.ResponseWriter, rep *review.Report) {
	name := "consultation-report-document-" + strconv.FormatInt(rep.Document.ID, 10) + "-round-" + strconv.Itoa(rep.Round.Number) + ".csv"
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	rep.WriteCSV(w)
}

func (s *Server) apiComments(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	version, err := queryInt(r, "version")
	if err == nil {
		var round int
		if round, err = queryInt(r, "round"); err == nil {
			var comments []*review.Comment
			comments, err = s.Review.Comments(r.Context(), id, review.CommentFilter{Round: round}, version)
			if err == nil {
				writeJSON(w, http.StatusOK, map[string]any{"comments": comments})
				return
			}
		}
	}
	s.apiError(w, r, err)
}

func (s *Server) apiAddComment(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Version    int     `json:"version"`
		Round      int     `json:"round"`
		Quote      string  `json:"quote"`
		Prefix     string  `json:"prefix"`
		Suffix     string  `json:"suffix"`
		Body       string  `json:"body"`
		Suggestion *string `json:"suggestion"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	c, err := s.Review.AddComment(r.Context(), id, review.NewComment(in))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (s *Server) apiReply(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Body string `json:"body"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	reply, err := s.Review.Reply(r.Context(), cid, in.Body)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, reply)
}

func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	c, err := s.Review.Decide(r.Context(), cid, in.Decision, in.Reason)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) apiResolve(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Resolved *bool `json:"resolved"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	resolved := in.Resolved == nil || *in.Resolved
	c, err := s.Review.Resolve(r.Context(), cid, resolved)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) apiApply(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Base *int `json:"base"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	if in.Base == nil {
		s.apiError(w, r, drafts.Errorf(drafts.EInvalid, "Name the head version you are applying onto in \"base\"."))
		return
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	v, err := s.Review.Apply(r.Context(), cid, *in.Base)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	v.Body = ""
	writeJSON(w, http.StatusCreated, v)
}
