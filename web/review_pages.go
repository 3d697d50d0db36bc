package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"policydesk/drafts"
	"policydesk/review"
	"policydesk/review/redline"
)

// registerReviewPages mounts the redline, rounds, comments and report pages.
func (s *Server) registerReviewPages(r *mux.Router) {
	r.HandleFunc("/documents/{id}/diff", s.pageDiff).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/rounds", s.pageOpenRound).Methods(http.MethodPost)
	r.HandleFunc("/documents/{id}/rounds/{r}", s.pageRound).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/rounds/{r}/close", s.pageCloseRound).Methods(http.MethodPost)
	r.HandleFunc("/documents/{id}/rounds/{r}/report", s.pageReport).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/comments", s.pageAddComment).Methods(http.MethodPost)
	r.HandleFunc("/comments/{cid}/reply", s.pageReply).Methods(http.MethodPost)
	r.HandleFunc("/comments/{cid}/decision", s.pageDecide).Methods(http.MethodPost)
	r.HandleFunc("/comments/{cid}/resolve", s.pageResolve).Methods(http.MethodPost)
	r.HandleFunc("/comments/{cid}/apply", s.pageApply).Methods(http.MethodPost)
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
		return drafts.Errorf(drafts.ENotFound, "There is no round %d.", round)
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
		"Stats": red.Stats, "Versions": versions, "Rounds": rounds, "Round": current,
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
	out := &redline.Redline{Stats: r.Stats}
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

// back redirects to the page the form came from, if it is on this site.
func back(w http.ResponseWriter, r *http.Request, fallback, fragment string) {
	to := r.PostFormValue("return")
	if to == "" || !strings.HasPrefix(to, "/") || strings.HasPrefix(to, "//") || strings.HasPrefix(to, "/\\") {
		to = fallback
	}
	if fragment != "" {
		to += "#" + fragment
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func docURL(id int64) string { return "/documents/" + strconv.FormatInt(id, 10) }

func (s *Server) pageOpenRound(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	id, err := pathID(r, "id")
	if err == nil {
		err = formError(r)
	}
	var round *review.Round
	if err == nil {
		version, _ := strconv.Atoi(r.PostFormValue("version"))
		round, err = s.Review.OpenRound(r.Context(), id, r.PostFormValue("name"), version, r.PostFormValue("due"))
	}
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, docURL(id)+"/rounds/"+strconv.Itoa(round.Number), http.StatusSeeOther)
}

func (s *Server) pageCloseRound(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	id, n, err := s.roundParams(r)
	if err == nil {
		_, err = s.Review.CloseRound(r.Context(), id, n)
	}
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, docURL(id)+"#rounds", http.StatusSeeOther)
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

func (s *Server) pageAddComment(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	id, err := pathID(r, "id")
	if err == nil {
		err = formError(r)
	}
	if err != nil {
		s.pageError(w, r, err)
		return
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
		s.pageError(w, r, err)
		return
	}
	back(w, r, docURL(id)+"/diff", "comment-"+strconv.FormatInt(c.ID, 10))
}

func (s *Server) commentForm(w http.ResponseWriter, r *http.Request) (int64, bool) {
	if !s.requireUser(w, r) {
		return 0, false
	}
	cid, err := pathID(r, "cid")
	if err == nil {
		err = formError(r)
	}
	if err != nil {
		s.pageError(w, r, err)
		return 0, false
	}
	return cid, true
}

func (s *Server) pageReply(w http.ResponseWriter, r *http.Request) {
	cid, ok := s.commentForm(w, r)
	if !ok {
		return
	}
	if _, err := s.Review.Reply(r.Context(), cid, r.PostFormValue("body")); err != nil {
		s.pageError(w, r, err)
		return
	}
	back(w, r, "/documents", "comment-"+strconv.FormatInt(cid, 10))
}

func (s *Server) pageDecide(w http.ResponseWriter, r *http.Request) {
	cid, ok := s.commentForm(w, r)
	if !ok {
		return
	}
	if _, err := s.Review.Decide(r.Context(), cid, r.PostFormValue("decision"), r.PostFormValue("reason")); err != nil {
		s.pageError(w, r, err)
		return
	}
	back(w, r, "/documents", "comment-"+strconv.FormatInt(cid, 10))
}

func (s *Server) pageResolve(w http.ResponseWriter, r *http.Request) {
	cid, ok := s.commentForm(w, r)
	if !ok {
		return
	}
	if _, err := s.Review.Resolve(r.Context(), cid, r.PostFormValue("resolved") != "0"); err != nil {
		s.pageError(w, r, err)
		return
	}
	back(w, r, "/documents", "comment-"+strconv.FormatInt(cid, 10))
}

// pageApply applies a suggestion and shows the new version's redline.
func (s *Server) pageApply(w http.ResponseWriter, r *http.Request) {
	cid, ok := s.commentForm(w, r)
	if !ok {
		return
	}
	base, _ := strconv.Atoi(r.PostFormValue("base"))
	v, err := s.Review.Apply(r.Context(), cid, base)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	c, err := s.Review.Store.FindComment(r.Context(), cid)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	q := url.Values{"from": {strconv.Itoa(v.Number - 1)}, "to": {strconv.Itoa(v.Number)}}
	http.Redirect(w, r, docURL(c.DocumentID)+"/diff?"+q.Encode(), http.StatusSeeOther)
}
