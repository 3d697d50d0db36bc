package web

import (
	"net/http"
	"net/url"
	"strconv"

	"policydesk/review"
)

// pageAddComment anchors a comment to the words quoted from a version and
// returns to the page the form was on, at the new comment.
func (s *Server) pageAddComment(r *http.Request, id int64) (reply, error) {
	in := review.NewComment{Quote: r.PostFormValue("quote"), Prefix: r.PostFormValue("prefix"), Suffix: r.PostFormValue("suffix"),
		Body: r.PostFormValue("body")}
	in.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	in.Round, _ = strconv.Atoi(r.PostFormValue("round"))
	if sug := r.PostFormValue("suggestion"); sug != "" || r.PostFormValue("delete_words") == "1" {
		in.Suggestion = &sug
	}
	c, err := s.Review.AddComment(r.Context(), id, in)
	if err != nil {
		return reply{}, inForm("comment", err)
	}
	return seeOther(withNotice(backTo(r, docURL(id)+"/diff", ""), noticeCommentAdded, "comment-"+strconv.FormatInt(c.ID, 10), 0)), nil
}

// commentAction runs act on the comment named in the route and returns the
// browser to the page it came from, at that comment, saying what was done
// (the notice code act returns). A refusal shows that page again with the
// comment's form (form-cid, as "decide-12") as typed.
func commentAction(form string, act func(r *http.Request, cid int64) (string, error)) pageFunc {
	return pageOnID("cid", func(r *http.Request, cid int64) (reply, error) {
		id := strconv.FormatInt(cid, 10)
		code, err := act(r, cid)
		if err != nil {
			return reply{}, inForm(form+"-"+id, err)
		}
		return seeOther(withNotice(backTo(r, "/documents", ""), code, "comment-"+id, 0)), nil
	})
}

func (s *Server) pageReply(r *http.Request, cid int64) (string, error) {
	_, err := s.Review.Reply(r.Context(), cid, r.PostFormValue("body"))
	return noticeReplyAdded, err
}

func (s *Server) pageDecide(r *http.Request, cid int64) (string, error) {
	_, err := s.Review.Decide(r.Context(), cid, r.PostFormValue("decision"), r.PostFormValue("reason"))
	return noticeDecisionRecorded, err
}

func (s *Server) pageResolve(r *http.Request, cid int64) (string, error) {
	resolved := r.PostFormValue("resolved") != "0"
	_, err := s.Review.Resolve(r.Context(), cid, resolved)
	if !resolved {
		return noticeReopened, err
	}
	return noticeResolved, err
}

// pageApply applies a suggestion and shows the new version's redline, at
// the comment, saying so.
func (s *Server) pageApply(r *http.Request, cid int64) (reply, error) {
	base, _ := strconv.Atoi(r.PostFormValue("base"))
	v, err := s.Review.Apply(r.Context(), cid, base)
	if err != nil {
		return reply{}, err
	}
	q := url.Values{"from": {strconv.Itoa(v.Number - 1)}, "to": {strconv.Itoa(v.Number)}}
	return seeOther(withNotice(docURL(v.DocumentID)+"/diff?"+q.Encode(), noticeApplied, "comment-"+strconv.FormatInt(cid, 10), v.Number)), nil
}
