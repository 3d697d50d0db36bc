package web

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"policydesk/drafts/markdown"
	"policydesk/review"
	"policydesk/review/redline"
)

// The source of an article as the redline renders it: its ops joined
// (the inline view: equal, deleted and inserted text; the comparative
// table's columns: equal and deleted, or equal and inserted), with a span
// per op that is a change, and per run of words a comment is anchored on.

// markedSource collects a text and its spans.
type markedSource struct {
	src   strings.Builder
	spans []markdown.Span
}

// add appends text marked as mark, part of change, under comments.
func (m *markedSource) add(text string, mark markdown.Mark, change int, comments string) {
	if text == "" {
		return
	}
	start := m.src.Len()
	m.src.WriteString(text)
	if mark == markdown.MarkNone && comments == "" {
		return
	}
	if n := len(m.spans); n > 0 {
		if last := &m.spans[n-1]; last.End == start && last.Mark == mark && last.Change == change && last.Comments == comments {
			last.End = m.src.Len()
			return
		}
	}
	m.spans = append(m.spans, markdown.Span{Start: start, End: m.src.Len(), Mark: mark, Change: change, Comments: comments})
}

// opMark is how an op kind is marked.
func opMark(op string) markdown.Mark {
	switch op {
	case redline.OpInsert:
		return markdown.MarkInsert
	case redline.OpDelete:
		return markdown.MarkDelete
	}
	return markdown.MarkNone
}

// articleSource is the source of art's ops of the kinds in keep, with
// changes numbered on from *change (a change is a run of ops between two
// equal ones) and the anchors of the later version marked.
func articleSource(art *redline.Article, keep func(op string) bool, change *int, anchors *anchorRuns) markedSource {
	var m markedSource
	bpos := art.ToStart // where the next equal or inserted op is in the later version
	inChange := false
	ops := insertionsFirst(art.Ops, keep)
	for _, op := range ops {
		if op.Op == redline.OpEqual {
			inChange = false
		} else if !inChange {
			*change++
			inChange = true
		}
		c := 0
		if inChange {
			c = *change
		}
		switch {
		case !keep(op.Op):
			if op.Op != redline.OpDelete {
				bpos += len(op.Text)
			}
		case op.Op == redline.OpDelete || bpos < 0:
			m.add(op.Text, opMark(op.Op), c, "")
		default:
			anchors.split(bpos, op.Text, func(text, comments string) { m.add(text, opMark(op.Op), c, comments) })
			bpos += len(op.Text)
		}
	}
	return m
}

// insertionsFirst returns ops with a deletion and the insertion after it
// swapped when the insertion opens a line of the later version with block
// markers ("> ", "- ", "## "): the markers must start the line for the
// rendered text to be a quote, list or heading, and the deleted words
// then follow them. ops is returned as it is when nothing moves.
func insertionsFirst(ops []redline.Op, keep func(string) bool) []redline.Op {
	if !keep(redline.OpDelete) || !keep(redline.OpInsert) {
		return ops
	}
	var out []redline.Op
	lineStart := true // the later version's text so far ends a line
	for k, op := range ops {
		if op.Op == redline.OpDelete && lineStart && k+1 < len(ops) && ops[k+1].Op == redline.OpInsert && opensBlock(ops[k+1].Text) {
			if out == nil {
				out = slices.Clone(ops)
			}
			out[k], out[k+1] = ops[k+1], op
		}
		if op.Op != redline.OpDelete && op.Text != "" {
			lineStart = strings.HasSuffix(op.Text, "\n")
		}
	}
	if out == nil {
		return ops
	}
	return out
}

// opensBlock reports whether s starts with a character that may open a
// block: a heading, quote, list or table row.
func opensBlock(s string) bool {
	return s != "" && strings.IndexByte("#>-*+|0123456789", s[0]) >= 0
}

// anchorRuns are the comments anchored in the later version, as runs of
// its bytes: comments[k] holds from at[k] to at[k+1].
type anchorRuns struct {
	at       []int
	comments []string
}

// newAnchorRuns converts the anchors of the comments that are placed in
// version number (code points of body) to byte runs of body.
func newAnchorRuns(body string, number int, comments []*review.Comment) *anchorRuns {
	type edge struct {
		cp, pos int
		open    bool
		id      string
	}
	var edges []edge
	for _, c := range comments {
		a := c.Anchor
		if c.Outdated || a.Version != number || a.End <= a.Start || a.Start < 0 {
			continue
		}
		id := "comment-" + strconv.FormatInt(c.ID, 10)
		edges = append(edges, edge{cp: a.Start, open: true, id: id}, edge{cp: a.End, id: id})
	}
	if len(edges) == 0 {
		return nil
	}
	sort.SliceStable(edges, func(i, j int) bool { return edges[i].cp < edges[j].cp })
	// One walk over body turns code points into bytes.
	cp, pos := 0, 0
	for k := range edges {
		for cp < edges[k].cp && pos < len(body) {
			_, n := utf8.DecodeRuneInString(body[pos:])
			pos += n
			cp++
		}
		edges[k].pos = pos
	}
	runs := &anchorRuns{}
	var open []string
	for k := 0; k < len(edges); {
		at := edges[k].pos
		for ; k < len(edges) && edges[k].pos == at; k++ {
			if edges[k].open {
				open = append(open, edges[k].id)
			} else if i := indexOf(open, edges[k].id); i >= 0 {
				open = append(open[:i], open[i+1:]...)
			}
		}
		runs.at = append(runs.at, at)
		runs.comments = append(runs.comments, strings.Join(open, " "))
	}
	return runs
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// split calls emit for the pieces of text, which starts at byte pos of the
// later version, each with the comments anchored on it.
func (r *anchorRuns) split(pos int, text string, emit func(text, comments string)) {
	if r == nil {
		emit(text, "")
		return
	}
	k := sort.SearchInts(r.at, pos+1) - 1 // the run holding pos, -1 before the first
	for text != "" {
		end, comments := len(text), ""
		if k >= 0 {
			comments = r.comments[k]
		}
		if k+1 < len(r.at) && r.at[k+1]-pos < end {
			end = r.at[k+1] - pos
		}
		emit(text[:end], comments)
		text, pos = text[end:], pos+end
		k++
	}
}
