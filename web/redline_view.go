package web

import (
	"strconv"

	"policydesk/review/redline"
)

// The redline's views show the Markdown source with <ins>/<del> around
// changes, through templates/partials/redline.html, so html/template
// escapes every word. Every change (a run of ops between two equal ops)
// gets an id c1, c2, ... in document order for next/previous navigation.

// redlinePart is one op as the views show it, with the change id on the
// first op of a change.
type redlinePart struct {
	Op, Text, ID string
}

// inlineArticle is one article of the inline view: a section with id
// "chg-N" and a header line such as "Neni 5 → Neni 6 (renumbered)".
type inlineArticle struct {
	N                 int
	Status, ID, Label string
	Bounded           bool // the work budget cut this article's diff short
	Parts             []redlinePart
}

// comparativeRow is one line of the side-by-side comparative table: the
// earlier text (equal + deleted) and the proposed text (equal + inserted).
type comparativeRow struct {
	Status, FromNum, ToNum, Heading string
	ID                              string // article identity, "" when unknown
	Bounded                         bool
	Earlier, Proposed               []redlinePart
}

func inlineArticles(r *redline.Redline) []inlineArticle {
	out := make([]inlineArticle, len(r.Articles))
	n := 0
	for k, art := range r.Articles {
		out[k] = inlineArticle{N: k + 1, Status: art.Status, ID: art.ID, Label: redline.Label(art), Bounded: art.Bounded,
			Parts: redlineParts(art.Ops, &n)}
	}
	return out
}

// comparativeRows splits each article's ops between the two columns. A
// change's id goes on its insertion, or on its deletion when nothing was
// inserted, so ids stay unique.
func comparativeRows(r *redline.Redline) []comparativeRow {
	rows := make([]comparativeRow, len(r.Articles))
	n := 0
	for k, art := range r.Articles {
		row := comparativeRow{Status: art.Status, FromNum: art.FromNum, ToNum: art.ToNum, Heading: art.Heading, ID: art.ID, Bounded: art.Bounded}
		ps := redlineParts(art.Ops, &n)
		moveIDs(ps)
		for _, p := range ps {
			switch p.Op {
			case redline.OpEqual:
				row.Earlier, row.Proposed = append(row.Earlier, p), append(row.Proposed, p)
			case redline.OpDelete:
				row.Earlier = append(row.Earlier, p)
			case redline.OpInsert:
				row.Proposed = append(row.Proposed, p)
			}
		}
		rows[k] = row
	}
	return rows
}

// moveIDs moves a change id from a deletion to the insertion that follows
// it: in the table the two sit in different cells and only one may carry it.
func moveIDs(ps []redlinePart) {
	for k := 0; k+1 < len(ps); k++ {
		if ps[k].ID != "" && ps[k].Op == redline.OpDelete && ps[k+1].Op == redline.OpInsert {
			ps[k+1].ID, ps[k].ID = ps[k].ID, ""
		}
	}
}

// redlineParts numbers the changes of ops, continuing from *n.
func redlineParts(ops []redline.Op, n *int) []redlinePart {
	ps := make([]redlinePart, len(ops))
	inChange := false
	for k, op := range ops {
		ps[k] = redlinePart{Op: op.Op, Text: op.Text}
		if op.Op == redline.OpEqual {
			inChange = false
			continue
		}
		if !inChange {
			*n++
			ps[k].ID = "c" + strconv.Itoa(*n)
			inChange = true
		}
	}
	return ps
}
