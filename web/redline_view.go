package web

import (
	"context"
	"html/template"

	"policydesk/drafts/markdown"
	"policydesk/review/redline"
)

// The redline's views show each article's text rendered as the document
// page renders it (headings, lists, tables, bold), with the changed words
// in <ins> and <del> and the words comments are anchored on in <mark>,
// by markdown.RenderMarked (see redline_marked.go for the source it is
// given). Every change gets an id c1, c2, ... on its first element, in
// document order, for next/previous navigation. An article that cannot be
// rendered (beyond the renderer's limits) shows its Markdown source with
// <ins>/<del> as before, through templates/partials/redline.html.

// redlinePart is one op as the source view shows it, with the change id on
// the first op of a change.
type redlinePart struct {
	Op, Text, ID string
}

// markedText is one rendered text of the redline, or the source view of it
// when it could not be rendered.
type markedText struct {
	HTML  template.HTML
	Parts []redlinePart
	Plain bool // shown as source: Parts, not HTML
}

// inlineArticle is one article of the inline view: a section with id
// "chg-N" and a header line such as "Neni 5 → Neni 6 (renumbered)".
type inlineArticle struct {
	N                 int
	Status, ID, Label string
	Bounded           bool // the work budget cut this article's diff short
	Text              markedText
}

// comparativeRow is one line of the side-by-side comparative table: the
// earlier text (equal + deleted) and the proposed text (equal + inserted).
type comparativeRow struct {
	Status, FromNum, ToNum, Heading string
	StatusLabel                     string // Status in the reader's language
	ID                              string // article identity, "" when unknown
	Bounded                         bool
	Earlier, Proposed               markedText
}

// redlineView renders the texts of one page: change numbers and ids run on
// from article to article.
type redlineView struct {
	ctx      context.Context
	renderer *markdown.Renderer
	anchors  *anchorRuns // comments anchored in the later version; nil for none
	change   int         // the last change number given
	ids      markdown.ChangeIDs
	words    redline.Words // of the articles' header lines
}

func newRedlineView(ctx context.Context, r *markdown.Renderer, anchors *anchorRuns) *redlineView {
	return &redlineView{ctx: ctx, renderer: r, anchors: anchors, ids: markdown.ChangeIDs{Prefix: "c"}, words: redline.English}
}

func keepAll(string) bool        { return true }
func keepEarlier(op string) bool { return op != redline.OpInsert }
func keepLater(op string) bool   { return op != redline.OpDelete }

// text renders the ops of art that keep admits. It fails only when the
// request ended; any other failure shows the source.
func (v *redlineView) text(art *redline.Article, keep func(string) bool) (markedText, error) {
	first := v.change
	anchors := v.anchors
	if !keep(redline.OpInsert) {
		anchors = nil // anchors are in the later version, not the earlier
	}
	m := articleSource(art, keep, &v.change, anchors)
	html, err := v.renderer.RenderMarked(v.ctx, m.src.String(), m.spans, &v.ids)
	if err == nil {
		return markedText{HTML: html}, nil
	}
	if v.ctx.Err() != nil {
		return markedText{}, v.ctx.Err()
	}
	v.change = first
	return markedText{Parts: v.parts(art.Ops, keep), Plain: true}, nil
}

// parts is the source view of the ops keep admits, numbering changes as
// text does.
func (v *redlineView) parts(ops []redline.Op, keep func(string) bool) []redlinePart {
	var ps []redlinePart
	inChange := false
	for _, op := range ops {
		if op.Op == redline.OpEqual {
			inChange = false
		} else if !inChange {
			v.change++
			inChange = true
		}
		if !keep(op.Op) {
			continue
		}
		p := redlinePart{Op: op.Op, Text: op.Text}
		if op.Op != redline.OpEqual {
			p.ID = v.ids.Next(v.change)
		}
		ps = append(ps, p)
	}
	return ps
}

func (v *redlineView) inlineArticles(r *redline.Redline) ([]inlineArticle, error) {
	out := make([]inlineArticle, len(r.Articles))
	for k := range r.Articles {
		art := &r.Articles[k]
		text, err := v.text(art, keepAll)
		if err != nil {
			return nil, err
		}
		out[k] = inlineArticle{N: k + 1, Status: art.Status, ID: art.ID, Label: redline.LabelIn(*art, v.words), Bounded: art.Bounded, Text: text}
	}
	return out, nil
}

// comparativeRows renders each article twice: as it was, with its
// deletions, and as proposed, with its insertions. Each column's changes
// get ids of their own.
func (v *redlineView) comparativeRows(r *redline.Redline) ([]comparativeRow, error) {
	rows := make([]comparativeRow, len(r.Articles))
	for k := range r.Articles {
		art := &r.Articles[k]
		row := comparativeRow{Status: art.Status, StatusLabel: v.words.Status(art.Status), FromNum: art.FromNum, ToNum: art.ToNum, Heading: art.Heading, ID: art.ID, Bounded: art.Bounded}
		if art.Preamble {
			row.Heading = v.words.Preamble
		}
		var err error
		if row.Earlier, err = v.text(art, keepEarlier); err != nil {
			return nil, err
		}
		if row.Proposed, err = v.text(art, keepLater); err != nil {
			return nil, err
		}
		rows[k] = row
	}
	return rows, nil
}
