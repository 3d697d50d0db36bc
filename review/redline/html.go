package redline

import (
	"html/template"
	"strconv"
	"strings"
)

// The views render the Markdown source, escaped by html/template, with
// <ins>/<del> around changes. Every change (a run of ops between two equal
// ops) gets an id c1, c2, ... in document order for next/previous
// navigation; the page is expected to use white-space: pre-wrap.
var views = template.Must(template.New("parts").Parse(
	`{{range .}}{{if eq .Op "insert"}}<ins{{with .ID}} id="{{.}}"{{end}}>{{.Text}}</ins>` +
		`{{else if eq .Op "delete"}}<del{{with .ID}} id="{{.}}"{{end}}>{{.Text}}</del>` +
		`{{else}}{{.Text}}{{end}}{{end}}`))

func init() {
	template.Must(views.New("inline").Parse(`{{range .}}` +
		`<section class="art art-{{.Status}}" id="chg-{{.N}}" data-article="{{.ID}}">` +
		`<div class="art-head">{{.Label}}{{if .Bounded}} <span class="bounded-note">shown coarsely</span>{{end}}</div>` +
		`<div class="art-text">{{template "parts" .Parts}}</div></section>
{{end}}`))
}

// part is one op as rendered, with the change id on the first op of a change.
type part struct {
	Op, Text, ID string
}

type view struct {
	N                 int
	Status, ID, Label string
	Bounded           bool
	Parts             []part
}

// InlineHTML renders the whole redline as one document: each article in a
// <section class="art art-STATUS" id="chg-N" data-article="ID"> with a
// header line such as "Neni 5 → Neni 6 (renumbered)", followed by
// <span class="bounded-note">shown coarsely</span> when the work budget cut
// the article's diff short.
func InlineHTML(r *Redline) template.HTML {
	var sb strings.Builder
	n := 0
	views := make([]view, len(r.Articles))
	for k, art := range r.Articles {
		views[k] = view{N: k + 1, Status: art.Status, ID: art.ID, Label: Label(art), Bounded: art.Bounded, Parts: parts(art.Ops, &n)}
	}
	if err := lookup("inline").Execute(&sb, views); err != nil {
		panic(err) // the template is static and its data plain strings
	}
	return template.HTML(sb.String())
}

// Row is one line of the side-by-side comparative table.
type Row struct {
	Status   string
	FromNum  string
	ToNum    string
	Heading  string
	Label    string // header line, as in the inline view
	Earlier  template.HTML
	Proposed template.HTML
	ID       string // article identity, "" when unknown
	Anchor   string // "chg-N", the same as the inline view's section id
	Bounded  bool   // the work budget cut this article's diff short
}

// SideBySide renders each article's earlier text (equal + deleted) and
// proposed text (equal + inserted). A change's id goes on its insertion,
// or on its deletion when nothing was inserted, so ids stay unique.
func SideBySide(r *Redline) []Row {
	rows := make([]Row, len(r.Articles))
	n := 0
	for k, art := range r.Articles {
		ps := parts(art.Ops, &n)
		moveIDs(ps)
		var earlier, proposed []part
		for _, p := range ps {
			switch p.Op {
			case OpEqual:
				earlier, proposed = append(earlier, p), append(proposed, p)
			case OpDelete:
				earlier = append(earlier, p)
			case OpInsert:
				proposed = append(proposed, p)
			}
		}
		rows[k] = Row{Status: art.Status, FromNum: art.FromNum, ToNum: art.ToNum, Heading: art.Heading,
			Label: Label(art), Earlier: render(earlier), Proposed: render(proposed), ID: art.ID,
			Anchor: "chg-" + strconv.Itoa(k+1), Bounded: art.Bounded}
	}
	return rows
}

// moveIDs moves a change id from a deletion to the insertion that follows
// it: in the table the two sit in different cells and only one may carry it.
func moveIDs(ps []part) {
	for k := 0; k+1 < len(ps); k++ {
		if ps[k].ID != "" && ps[k].Op == OpDelete && ps[k+1].Op == OpInsert {
			ps[k+1].ID, ps[k].ID = ps[k].ID, ""
		}
	}
}

func render(ps []part) template.HTML {
	var sb strings.Builder
	if err := lookup("parts").Execute(&sb, ps); err != nil {
		panic(err)
	}
	return template.HTML(sb.String())
}

func lookup(name string) *template.Template { return views.Lookup(name) }

// parts numbers the changes of ops, continuing from *n.
func parts(ops []Op, n *int) []part {
	ps := make([]part, len(ops))
	inChange := false
	for k, op := range ops {
		ps[k] = part{Op: op.Op, Text: op.Text}
		if op.Op == OpEqual {
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

// Label is the header line of an article in the views, e.g.
// "Neni 5 → Neni 6 (renumbered)", "Neni 7 (added)", "Preamble".
func Label(art Article) string {
	if art.Preamble {
		switch art.Status {
		case StatusUnchanged:
			return PreambleHeading
		default:
			return PreambleHeading + " (" + art.Status + ")"
		}
	}
	word := articleWord(art)
	name := func(num string) string { return strings.TrimSpace(word + " " + num) }
	var s string
	switch {
	case art.FromNum == "":
		s = name(art.ToNum)
	case art.ToNum == "" || art.FromNum == art.ToNum:
		s = name(art.FromNum)
	default:
		s = name(art.FromNum) + " → " + name(art.ToNum)
	}
	var notes []string
	switch art.Status {
	case StatusUnchanged:
	default:
		notes = append(notes, art.Status)
	}
	if art.Status == StatusMoved && art.Changed {
		notes = append(notes, StatusChanged)
	}
	if art.FromNum != "" && art.ToNum != "" && art.FromNum != art.ToNum && art.Status != StatusMoved {
		notes = append(notes, "renumbered")
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, ", ") + ")"
	}
	return s
}

// articleWord is the word before the number in the heading ("Neni", "Član").
func articleWord(art Article) string {
	num := art.ToNum
	if num == "" {
		num = art.FromNum
	}
	if k := strings.Index(art.Heading, num); k > 0 && num != "" {
		return strings.TrimSpace(art.Heading[:k])
	}
	return "Article"
}
