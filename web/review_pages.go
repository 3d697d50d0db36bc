package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/drafts"
	"policydesk/review"
	"policydesk/review/redline"
)

// registerReviewPages mounts the redline, rounds, comments and report pages.
func (s *Server) registerReviewPages(r *mux.Router) {
	r.HandleFunc("/documents/{id}/diff", s.pageDiff).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/rounds", s.form(s.pageOpenRound)).Methods(http.MethodPost)
	r.HandleFunc("/documents/{id}/rounds/{r}", s.pageRound).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/rounds/{r}/close", s.form(s.pageCloseRound)).Methods(http.MethodPost)
	r.HandleFunc("/documents/{id}/rounds/{r}/report", s.pageReport).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/comments", s.form(s.pageAddComment)).Methods(http.MethodPost)
	r.HandleFunc("/comments/{cid}/reply", s.form(s.commentAction(s.pageReply))).Methods(http.MethodPost)
	r.HandleFunc("/comments/{cid}/decision", s.form(s.commentAction(s.pageDecide))).Methods(http.MethodPost)
	r.HandleFunc("/comments/{cid}/resolve", s.form(s.commentAction(s.pageResolve))).Methods(http.MethodPost)
	r.HandleFunc("/comments/{cid}/apply", s.form(s.pageApply)).Methods(http.MethodPost)
}

// articleComments groups comments by the article their anchor is in.
type articleComments map[string][]*review.Comment

// pageDiff shows the redline between two versions with the comments on the
// newer one, the version picker, change navigation and the comment form.
func (s *Server) pageDiff(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	from, to, err := s.diffRange(r, id)
	if err == nil {
		var round int
		if round, err = queryInt(r, "round"); err == nil {
			err = s.renderDiff(w, r, id, from, to, round)
		}
	}
	if err != nil {
		s.pageError(w, r, err)
	}
}

func (s *Server) renderDiff(w http.ResponseWriter, r *http.Request, id int64, from, to, round int) error {
	ctx := r.Context()
	doc, access, err := s.Drafts.Document(ctx, id)
	if err != nil {
		return err
	}
	red, a, b, err := s.Review.Diff(ctx, id, from, to)
	if err != nil {
		return err
	}
	versions, err := s.Drafts.Versions(ctx, id)
	if err != nil {
		return err
	}
	rounds, err := s.Review.Rounds(ctx, id)
	if err != nil {
		return err
	}
	var current *review.Round
	for _, rd := range rounds {
		if rd.Number == round {
			current = rd
		}
	}
	if round != 0 && current == nil {
		return policydesk.Errorf(policydesk.ENotFound, "There is no round %d.", round)
	}
	comments, err := s.Review.Comments(ctx, id, review.CommentFilter{Round: round}, to)
	if err != nil {
		return err
	}
	byArticle, loose := groupComments(comments, b)
	view, only := r.URL.Query().Get("view"), r.URL.Query().Get("only")
	if only == "changes" {
		red = changesOnly(red)
	}
	data := map[string]any{
		"Title": "Changes: " + doc.Title, "Doc": doc, "Access": access, "From": a, "To": b,
		"Stats": red.Stats, "Bounded": red.Bounded, "Versions": versions, "Rounds": rounds, "Round": current,
		"Comments": comments, "ByArticle": byArticle, "Loose": loose, "View": view, "Only": only,
		// A round's comments are on its version: the form shows when the
		// later side of the comparison is that version and the round is open.
		"CanComment": access.Comment && (current == nil || current.Status == "open" && current.Version == b.Number),
		"Return":     r.URL.RequestURI(),
		"Decisions":  review.Decisions, "DecisionLabels": review.DecisionLabels,
	}
	if view == "table" {
		data["Rows"] = redline.SideBySide(red)
	} else {
		data["Inline"] = redline.InlineHTML(red)
	}
	s.render(w, r, http.StatusOK, "diff", data)
	return nil
}

// changesOnly keeps the articles that changed, moved, came or went, so a
// reviewer can read just what is new since the last round.
func changesOnly(r *redline.Redline) *redline.Redline {
	out := &redline.Redline{Stats: r.Stats, Bounded: r.Bounded}
	for _, a := range r.Articles {
		if a.Status != "unchanged" || a.Renumbered {
			out.Articles = append(out.Articles, a)
		}
	}
	return out
}

// groupComments files each comment under the article of its anchor in v;
// comments outside any article (or orphaned) are returned apart.
func groupComments(comments []*review.Comment, v *drafts.Version) (articleComments, []*review.Comment) {
	by := articleComments{}
	var loose []*review.Comment
	for _, c := range comments {
		if c.Orphaned || c.ArticleID == "" {
			loose = append(loose, c)
			continue
		}
		by[c.ArticleID] = append(by[c.ArticleID], c)
	}
	return by, loose
}

// pageRound opens a round's redline: from the previous round's version to
// this round's, so reviewers see what changed since they last looked.
func (s *Server) pageRound(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	id, n, err := s.roundParams(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	round, prev, err := s.Review.Round(r.Context(), id, n)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	from := prev
	if from == 0 {
		from = max(round.Version-1, 1)
	}
	if err := s.renderDiff(w, r, id, from, round.Version, n); err != nil {
		s.pageError(w, r, err)
	}
}

// backTo is the page the form came from (its "return" field), if that is on
// this site, else fallback; with #fragment when given.
func backTo(r *http.Request, fallback, fragment string) string {
	to := r.PostFormValue("return")
	if to == "" || !strings.HasPrefix(to, "/") || strings.HasPrefix(to, "//") || strings.HasPrefix(to, "/\\") {
		to = fallback
	}
	if fragment != "" {
		to += "#" + fragment
	}
	return to
}

func docURL(id int64) string { return "/documents/" + strconv.FormatInt(id, 10) }

func (s *Server) pageOpenRound(r *http.Request) (string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return "", err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	round, err := s.Review.OpenRound(r.Context(), id, r.PostFormValue("name"), version, r.PostFormValue("due"))
	if err != nil {
		return "", err
	}
	return docURL(id) + "/rounds/" + strconv.Itoa(round.Number), nil
}

func (s *Server) pageCloseRound(r *http.Request) (string, error) {
	id, n, err := s.roundParams(r)
	if err == nil {
		_, err = s.Review.CloseRound(r.Context(), id, n)
	}
	return docURL(id) + "#rounds", err
}

func (s *Server) pageReport(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	id, n, err := s.roundParams(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	rep, err := s.Review.Report(r.Context(), id, n)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		s.writeReportCSV(w, rep)
		return
	}
	s.render(w, r, http.StatusOK, "report", map[string]any{"Title": "Consultation report: " + rep.Document.Title, "Report": rep})
}

func (s *Server) pageAddComment(r *http.Request) (string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return "", err
	}
	in := review.NewComment{Quote: r.PostFormValue("quote"), Prefix: r.PostFormValue("prefix"), Suffix: r.PostFormValue("suffix"),
		Body: r.PostFormValue("body")}
	in.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	in.Round, _ = strconv.Atoi(r.PostFormValue("round"))
	if sug := r.PostFormValue("suggestion"); sug != "" || r.PostFormValue("delete_words") == "1" {
		in.Suggestion = &sug
	}
	c, err := s.Review.AddComment(r.Context(), id, in)
	if err != nil {
		return "", err
	}
	return backTo(r, docURL(id)+"/diff", "comment-"+strconv.FormatInt(c.ID, 10)), nil
}

// commentAction runs act on the comment named in the route and returns the
// browser to the page it came from, at that comment.
func (s *Server) commentAction(act func(r *http.Request, cid int64) error) formFunc {
	return func(r *http.Request) (string, error) {
		cid, err := pathID(r, "cid")
		if err == nil {
			err = act(r, cid)
		}
		return backTo(r, "/documents", "comment-"+strconv.FormatInt(cid, 10)), err
	}
}

func (s *Server) pageReply(r *http.Request, cid int64) error {
	_, err := s.Review.Reply(r.Context(), cid, r.PostFormValue("body"))
	return err
}

func (s *Server) pageDecide(r *http.Request, cid int64) error {
	_, err := s.Review.Decide(r.Context(), cid, r.PostFormValue("decision"), r.PostFormValue("reason"))
	return err
}

func (s *Server) pageResolve(r *http.Request, cid int64) error {
	_, err := s.Review.Resolve(r.Context(), cid, r.PostFormValue("resolved") != "0")
	return err
}

// pageApply applies a suggestion and shows the new version's redline.
func (s *Server) pageApply(r *http.Request) (string, error) {
	cid, err := pathID(r, "cid")
	if err != nil {
		return "", err
	}
	base, _ := strconv.Atoi(r.PostFormValue("base"))
	v, err := s.Review.Apply(r.Context(), cid, base)
	if err != nil {
		return "", err
	}
	q := url.Values{"from": {strconv.Itoa(v.Number - 1)}, "to": {strconv.Itoa(v.Number)}}
	return docURL(v.DocumentID) + "/diff?" + q.Encode(), nil
}
