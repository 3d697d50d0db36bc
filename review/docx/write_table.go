package docx

// The comparative table: one row per article, its text as it was (deleted
// words struck through) beside its text as proposed (inserted words
// underlined), and the explanation, on landscape pages.

import (
	"context"
	"strings"

	"policydesk/review/redline"
)

// ComparisonRow is one article of the comparative table.
type ComparisonRow struct {
	Article Cell         // the article column: its heading, status, numbers
	Ops     []redline.Op // the article's ops: the earlier text is equal + deleted, the proposed equal + inserted
	Reasons Cell         // the explanation column: reasons from the review, or none
}

// Comparison is the comparative table of two versions.
type Comparison struct {
	Intro   []Para    // paragraphs above the table: title, versions
	Columns [4]string // headings: article, current text, proposed text, explanation
	Rows    []ComparisonRow
}

// Comparative writes the comparative table as a .docx on landscape
// pages. Each text is rendered from its Markdown as the version export
// renders it; one beyond the parser's bounds is shown as its lines.
func Comparative(ctx context.Context, p Parser, c Comparison, meta Meta) ([]byte, error) {
	d := &Doc{}
	for _, para := range c.Intro {
		d.Paragraph(para)
	}
	d.items = append(d.items, item{kind: itemTable, table: &tableShape{cols: 4, widths: []int{12, 33, 33, 22}}}, item{kind: itemRow})
	for _, h := range c.Columns {
		d.items = append(d.items, item{kind: itemCell, style: "header"})
		d.para(Para{{Text: h, Bold: true}}, "TableText")
	}
	for _, row := range c.Rows {
		d.items = append(d.items, item{kind: itemRow}, item{kind: itemCell})
		d.cell(row.Article)
		for _, earlier := range []bool{true, false} {
			items, err := columnItems(ctx, p, row.Ops, earlier)
			if err != nil {
				return nil, err
			}
			d.items = append(d.items, item{kind: itemCell})
			d.items = append(d.items, items...)
		}
		d.items = append(d.items, item{kind: itemCell})
		d.cell(row.Reasons)
	}
	d.items = append(d.items, item{kind: itemTableEnd})
	return d.Write(meta, true)
}

func (d *Doc) cell(c Cell) {
	for _, p := range c {
		d.para(p, "TableText")
	}
	if len(c) == 0 {
		d.items = append(d.items, item{kind: itemPara, style: "TableText"})
	}
}

// columnItems renders one side of an article, its changes marked as
// formatting: struck through in the earlier text, underlined in the
// proposed.
func columnItems(ctx context.Context, p Parser, ops []redline.Op, earlier bool) ([]item, error) {
	skip, changed, look := redline.OpInsert, redline.OpDelete, fmtDeleted
	if !earlier {
		skip, changed, look = redline.OpDelete, redline.OpInsert, fmtInserted
	}
	var text strings.Builder
	var spans []opSpan
	for _, op := range ops {
		if op.Op == skip || op.Text == "" {
			continue
		}
		spans = append(spans, opSpan{a: text.Len(), b: -1, n: len(op.Text), deleted: op.Op == changed})
		text.WriteString(op.Text)
	}
	fl, err := parseFlow(ctx, p, text.String())
	if err != nil {
		return nil, err
	}
	var out []item
	var para []item
	newSide(spans, true, 0).cut(fl.items, func(it item, sp *opSpan, _ int) {
		switch it.kind {
		case itemTable, itemRow, itemCell, itemTableEnd, itemNote:
		case itemPara:
			if strings.HasPrefix(it.style, "Heading") {
				for k := range para {
					para[k].f |= fmtBold
				}
			}
			it.style = "TableText"
			out = append(append(out, para...), it)
			para = para[:0]
		default:
			if sp != nil && sp.deleted {
				it.f |= look
			}
			para = append(para, it)
		}
	})
	if len(para) > 0 || len(out) == 0 {
		out = append(append(out, para...), item{kind: itemPara, style: "TableText"})
	}
	return out, nil
}
