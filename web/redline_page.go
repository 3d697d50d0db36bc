package web

import (
	"net/http"

	"policydesk"
	"policydesk/review"
	"policydesk/review/redline"
)

// pageDiff shows the redline between two versions (?from=, ?to=, by
// default the head against the version before it), optionally with one
// round's comments (?round=).
func (s *Server) pageDiff(r *http.Request, id int64) (reply, error) {
	if r.URL.Query().Get("format") == "docx" {
		w, err := s.diffDocx(r, id)
		return reply{write: w}, err
	}
	from, to, err := s.diffRange(r, id)
	if err != nil {
		return reply{}, err
	}
	round, err := queryInt(r, "round")
	if err != nil {
		return reply{}, err
	}
	return s.redlinePage(r, id, from, to, round)
}

// pageRound opens a round's redline: from the previous round's version to
// this round's, so reviewers see what changed since they last looked.
func (s *Server) pageRound(r *http.Request, id int64, n int) (reply, error) {
	round, prev, err := s.Review.Round(r.Context(), id, n)
	if err != nil {
		return reply{}, err
	}
	from := prev
	if from == 0 {
		from = max(round.Version-1, 1)
	}
	rep, err := s.redlinePage(r, id, from, round.Version, n)
	if err != nil {
		return rep, err
	}
	return rep, s.roundPanel(r, rep.data, id, n)
}

// redlinePage is the redline between two versions with the comments on the
// newer one, the version picker, change navigation and the comment form:
// inline, or as the comparative table with ?view=table.
func (s *Server) redlinePage(r *http.Request, id int64, from, to, round int) (reply, error) {
	ctx := r.Context()
	doc, access, err := s.Drafts.Document(ctx, id)
	if err != nil {
		return reply{}, err
	}
	red, a, b, err := s.Review.Diff(ctx, id, from, to)
	if err != nil {
		return reply{}, err
	}
	versions, err := s.Drafts.Versions(ctx, id)
	if err != nil {
		return reply{}, err
	}
	rounds, err := s.Review.Rounds(ctx, id)
	if err != nil {
		return reply{}, err
	}
	current := findRound(rounds, round)
	if round != 0 && current == nil {
		return reply{}, policydesk.Errorf(policydesk.ENotFound, "There is no round %d.", round)
	}
	comments, err := s.comments(r, id, round, to)
	if err != nil {
		return reply{}, err
	}
	view, only := r.URL.Query().Get("view"), r.URL.Query().Get("only")
	if only == "changes" {
		red = changesOnly(red)
	}
	data := map[string]any{
		"Title": s.tr(r, "review.title.changes", "Title", doc.Title), "Doc": doc, "Access": access, "From": a, "To": b,
		"Stats": red.Stats, "Bounded": red.Bounded, "Versions": versions, "Rounds": rounds, "Round": current,
		"Comments": comments, "ByArticle": commentsByArticle(comments), "View": view, "Only": only,
		// A round's comments are on its version: the form shows when the
		// later side of the comparison is that version and the round is open.
		"CanComment": access.Comment && (current == nil || current.Status == "open" && current.Version == b.Number),
		"Return":     r.URL.RequestURI(),
		"Decisions":  review.Decisions,
		"Notice":     s.notice(r, doc.Head),
		"MarginText": marginText(s.localizer(r)),
	}
	// Comments are marked where their words are in the later version.
	v := newRedlineView(ctx, s.Drafts.Renderer, newAnchorRuns(b.Body, b.Number, comments))
	v.words = labelWords(s.localizer(r))
	if view == "table" {
		data["Rows"], err = v.comparativeRows(red)
	} else {
		data["Inline"], err = v.inlineArticles(red)
	}
	if err != nil {
		return reply{}, err
	}
	return show("diff", data), nil
}

func findRound(rounds []*review.Round, number int) *review.Round {
	for _, rd := range rounds {
		if rd.Number == number {
			return rd
		}
	}
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

// commentsByArticle files each comment under the article of its anchor,
// for the comparative table's comment column; comments outside any
// article, or orphaned, are in no row.
func commentsByArticle(comments []*review.Comment) map[string][]*review.Comment {
	by := map[string][]*review.Comment{}
	for _, c := range comments {
		if !c.Orphaned && c.ArticleID != "" {
			by[c.ArticleID] = append(by[c.ArticleID], c)
		}
	}
	return by
}
