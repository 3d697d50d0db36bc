package web

import (
	"cmp"
	"net/http"
	"strconv"

	"policydesk/review"
	"policydesk/review/docx"
	"policydesk/review/redline"
)

// diffDocx writes the redline between ?from= and ?to= as a .docx: with
// tracked changes, or with ?view=table as the comparative table, whose
// explanation column holds the comments on each article (of ?round=, when
// given) with their decisions and reasons. Both are in the document's
// language; the tracked changes carry the later version's author and date.
func (s *Server) diffDocx(r *http.Request, id int64) (writeBody, error) {
	ctx := r.Context()
	from, to, err := s.diffRange(r, id)
	if err != nil {
		return nil, err
	}
	doc, _, err := s.Drafts.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	red, a, b, err := s.Review.Diff(ctx, id, from, to)
	if err != nil {
		return nil, err
	}
	lang := s.documentLanguage(doc)
	l := s.catalog.For(lang)
	meta := docx.Meta{Title: doc.Title, Author: b.Author, Language: lang, Created: doc.CreatedAt, Modified: b.CreatedAt,
		Subject: l.T("review.versions_from_to", "From", a.Number, "To", b.Number)}
	what := "v" + strconv.Itoa(a.Number) + "-v" + strconv.Itoa(b.Number)
	if r.URL.Query().Get("view") != "table" {
		out, err := docx.Redline(ctx, s.Drafts.Renderer, a.Body, b.Body, red, meta)
		if err != nil {
			return nil, err
		}
		return docxDownload(out, docxName(doc, what)), nil
	}
	round, err := queryInt(r, "round")
	if err != nil {
		return nil, err
	}
	comments, err := s.comments(r, id, round, to)
	if err != nil {
		return nil, err
	}
	if r.URL.Query().Get("only") == "changes" {
		red = changesOnly(red)
	}
	c := docx.Comparison{
		Intro: []docx.Para{{{Text: doc.Title, Bold: true}}, docx.Text(l.T("review.view_table") + " · " + meta.Subject)},
		Columns: [4]string{l.T("review.article"), l.T("review.earlier_text", "Number", a.Number),
			l.T("review.proposed_text", "Number", b.Number), l.T("docx.explanation")},
	}
	words, byArticle := labelWords(l), commentsByArticle(comments)
	for k := range red.Articles {
		art := &red.Articles[k]
		c.Rows = append(c.Rows, docx.ComparisonRow{
			Article: docx.Cell{docx.Text(redline.LabelIn(*art, words)), {{Text: words.Status(art.Status), Italic: true}}},
			Ops:     art.Ops,
			Reasons: docxReasons(l.Label, byArticle[art.ID]),
		})
	}
	out, err := docx.Comparative(ctx, s.Drafts.Renderer, c, meta)
	if err != nil {
		return nil, err
	}
	return docxDownload(out, docxName(doc, what+" "+l.T("docx.table_file"))), nil
}

// reasons is the explanation column of an article: each comment on it,
// then its decision and reason when it has one.
func docxReasons(label func(prefix, value string) string, comments []*review.Comment) docx.Cell {
	var cell docx.Cell
	for _, c := range comments {
		cell = append(cell, docx.Para{{Text: c.AuthorName + ": ", Bold: true}, {Text: "“" + c.Quote + "” ", Italic: true}, {Text: c.Body}})
		if c.Decision != "" || c.Reason != "" {
			cell = append(cell, docx.Para{{Text: label("decision", cmp.Or(c.Decision, "undecided")), Bold: true}, {Text: docxPrefixed(": ", c.Reason)}})
		}
	}
	return cell
}

func docxPrefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

func (s *Server) apiDiffDocx(r *http.Request, id int64) (int, any, error) {
	w, err := s.diffDocx(r, id)
	return http.StatusOK, w, err
}
