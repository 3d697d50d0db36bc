package web

import (
	"net/http"

	"policydesk"
	"policydesk/review"
)

// apiComments lists the document's comments, anchored in ?version= (by
// default the head), of one ?round= (with the earlier rounds' comments
// still open, "carried") or of all.
func (s *Server) apiComments(r *http.Request, id int64) (int, any, error) {
	version, err := queryInt(r, "version")
	if err != nil {
		return 0, nil, err
	}
	round, err := queryInt(r, "round")
	if err != nil {
		return 0, nil, err
	}
	comments, err := s.comments(r, id, round, version)
	return http.StatusOK, map[string]any{"comments": comments}, err
}

// apiRoundComments lists round n's comments with those carried from
// earlier rounds, anchored in ?version=, by default the round's version.
func (s *Server) apiRoundComments(r *http.Request, id int64, n int) (int, any, error) {
	version, err := queryInt(r, "version")
	if err != nil {
		return 0, nil, err
	}
	if version == 0 {
		round, _, err := s.Review.Round(r.Context(), id, n)
		if err != nil {
			return 0, nil, err
		}
		version = round.Version
	}
	comments, err := s.comments(r, id, n, version)
	return http.StatusOK, map[string]any{"comments": comments}, err
}

// comments lists a round's comments, with those carried from earlier
// rounds, or every comment when round is 0; anchored in version at.
func (s *Server) comments(r *http.Request, id int64, round, at int) ([]*review.Comment, error) {
	if round == 0 {
		return s.Review.Comments(r.Context(), id, review.CommentFilter{}, at)
	}
	return s.Review.RoundComments(r.Context(), id, round, at)
}

// newCommentJSON is the body of POST /documents/{id}/comments.
type newCommentJSON struct {
	Version    int     `json:"version"`
	Round      int     `json:"round"`
	Quote      string  `json:"quote"`
	Prefix     string  `json:"prefix"`
	Suffix     string  `json:"suffix"`
	Body       string  `json:"body"`
	Suggestion *string `json:"suggestion"`
}

func (s *Server) apiAddComment(r *http.Request, id int64, in *newCommentJSON) (int, any, error) {
	c, err := s.Review.AddComment(r.Context(), id, review.NewComment(*in))
	return http.StatusCreated, c, err
}

type replyJSON struct {
	Body string `json:"body"`
}

func (s *Server) apiReply(r *http.Request, cid int64, in *replyJSON) (int, any, error) {
	reply, err := s.Review.Reply(r.Context(), cid, in.Body)
	return http.StatusCreated, reply, err
}

type decisionJSON struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

func (s *Server) apiDecide(r *http.Request, cid int64, in *decisionJSON) (int, any, error) {
	c, err := s.Review.Decide(r.Context(), cid, in.Decision, in.Reason)
	return http.StatusOK, c, err
}

// resolveJSON is the body of POST /comments/{cid}/resolve; without
// "resolved" the comment is resolved.
type resolveJSON struct {
	Resolved *bool `json:"resolved"`
}

func (s *Server) apiResolve(r *http.Request, cid int64, in *resolveJSON) (int, any, error) {
	c, err := s.Review.Resolve(r.Context(), cid, in.Resolved == nil || *in.Resolved)
	return http.StatusOK, c, err
}

type applyJSON struct {
	Base *int `json:"base"`
}

func (s *Server) apiApply(r *http.Request, cid int64, in *applyJSON) (int, any, error) {
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
