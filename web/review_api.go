package web

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/review"
	"policydesk/review/redline"
)

// registerReviewAPI mounts redlines, rounds, comments and reports.
func (s *Server) registerReviewAPI(r *mux.Router) {
	r.HandleFunc("/documents/{id}/diff", s.apiDiff).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/rounds", s.api(s.apiRounds)).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/rounds", s.api(s.apiOpenRound)).Methods(http.MethodPost)
	r.HandleFunc("/documents/{id}/rounds/{r}/close", s.api(s.apiCloseRound)).Methods(http.MethodPost)
	r.HandleFunc("/documents/{id}/rounds/{r}/report", s.apiReport).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/comments", s.api(s.apiComments)).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/comments", s.api(s.apiAddComment)).Methods(http.MethodPost)
	r.HandleFunc("/comments/{cid}/replies", s.api(s.apiReply)).Methods(http.MethodPost)
	r.HandleFunc("/comments/{cid}/decision", s.api(s.apiDecide)).Methods(http.MethodPost)
	r.HandleFunc("/comments/{cid}/resolve", s.api(s.apiResolve)).Methods(http.MethodPost)
	r.HandleFunc("/comments/{cid}/apply", s.api(s.apiApply)).Methods(http.MethodPost)
}

// queryInt reads an optional positive integer query parameter.
func queryInt(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, policydesk.Errorf(policydesk.EInvalid, "%s must be a positive whole number.", name)
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
	writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "stats": red.Stats, "bounded": red.Bounded, "articles": red.Articles})
}

func (s *Server) apiRounds(r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	rounds, err := s.Review.Rounds(r.Context(), id)
	return http.StatusOK, map[string]any{"rounds": rounds}, err
}

func (s *Server) apiOpenRound(r *http.Request) (int, any, error) {
	var in struct {
		Name    string `json:"name"`
		Version int    `json:"version"`
		Due     string `json:"due"`
	}
	id, err := decodeWithID(r, &in, "id")
	if err != nil {
		return 0, nil, err
	}
	round, err := s.Review.OpenRound(r.Context(), id, in.Name, in.Version, in.Due)
	return http.StatusCreated, round, err
}

func (s *Server) roundParams(r *http.Request) (int64, int, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, 0, err
	}
	n, err := pathInt(r, "r")
	return id, n, err
}

func (s *Server) apiCloseRound(r *http.Request) (int, any, error) {
	id, n, err := s.roundParams(r)
	if err != nil {
		return 0, nil, err
	}
	round, err := s.Review.CloseRound(r.Context(), id, n)
	return http.StatusOK, round, err
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
		s.apiError(w, r, policydesk.Errorf(policydesk.EInvalid, "format is csv or html."))
	}
}

func (s *Server) writeReportCSV(w http.ResponseWriter, rep *review.Report) {
	name := "consultation-report-document-" + strconv.FormatInt(rep.Document.ID, 10) + "-round-" + strconv.Itoa(rep.Round.Number) + ".csv"
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	rep.WriteCSV(w)
}

func (s *Server) apiComments(r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	version, err := queryInt(r, "version")
	if err != nil {
		return 0, nil, err
	}
	round, err := queryInt(r, "round")
	if err != nil {
		return 0, nil, err
	}
	comments, err := s.Review.Comments(r.Context(), id, review.CommentFilter{Round: round}, version)
	return http.StatusOK, map[string]any{"comments": comments}, err
}

func (s *Server) apiAddComment(r *http.Request) (int, any, error) {
	var in struct {
		Version    int     `json:"version"`
		Round      int     `json:"round"`
		Quote      string  `json:"quote"`
		Prefix     string  `json:"prefix"`
		Suffix     string  `json:"suffix"`
		Body       string  `json:"body"`
		Suggestion *string `json:"suggestion"`
	}
	id, err := decodeWithID(r, &in, "id")
	if err != nil {
		return 0, nil, err
	}
	c, err := s.Review.AddComment(r.Context(), id, review.NewComment(in))
	return http.StatusCreated, c, err
}

func (s *Server) apiReply(r *http.Request) (int, any, error) {
	var in struct {
		Body string `json:"body"`
	}
	cid, err := decodeWithID(r, &in, "cid")
	if err != nil {
		return 0, nil, err
	}
	reply, err := s.Review.Reply(r.Context(), cid, in.Body)
	return http.StatusCreated, reply, err
}

func (s *Server) apiDecide(r *http.Request) (int, any, error) {
	var in struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
	}
	cid, err := decodeWithID(r, &in, "cid")
	if err != nil {
		return 0, nil, err
	}
	c, err := s.Review.Decide(r.Context(), cid, in.Decision, in.Reason)
	return http.StatusOK, c, err
}

func (s *Server) apiResolve(r *http.Request) (int, any, error) {
	var in struct {
		Resolved *bool `json:"resolved"`
	}
	cid, err := decodeWithID(r, &in, "cid")
	if err != nil {
		return 0, nil, err
	}
	c, err := s.Review.Resolve(r.Context(), cid, in.Resolved == nil || *in.Resolved)
	return http.StatusOK, c, err
}

func (s *Server) apiApply(r *http.Request) (int, any, error) {
	var in struct {
		Base *int `json:"base"`
	}
	cid, err := decodeWithID(r, &in, "cid")
	if err != nil {
		return 0, nil, err
	}
	if in.Base == nil {
		return 0, nil, policydesk.Errorf(policydesk.EInvalid, "Name the head version you are applying onto in \"base\".")
	}
	v, err := s.Review.Apply(r.Context(), cid, *in.Base)
	if err != nil {
		return 0, nil, err
	}
	v.Body = ""
	return http.StatusCreated, v, nil
}
