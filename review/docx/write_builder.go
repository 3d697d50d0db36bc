package docx

// Doc builds the documents that are not a version's text, the comparative
// table and the consultation report, from headings, paragraphs and tables
// of plain text the caller has put in the document's language.

// Run is text with its formatting.
type Run struct {
	Text         string
	Bold, Italic bool
}

// Para is a paragraph: runs one after the other.
type Para []Run

// Text is a paragraph of plain text.
func Text(s string) Para { return Para{{Text: s}} }

// Cell is a table cell: its paragraphs (none is an empty cell).
type Cell []Para

// Doc is a document being built.
type Doc struct {
	items []item
}

// Heading adds a heading of level 1 to 6.
func (d *Doc) Heading(level int, text string) {
	d.items = append(d.items, item{kind: itemText, text: text, start: -1},
		item{kind: itemPara, style: "Heading" + string(rune('0'+min(max(level, 1), 6)))})
}

// Paragraph adds a paragraph.
func (d *Doc) Paragraph(p Para) { d.para(p, "") }

func (d *Doc) para(p Para, style string) {
	for _, r := range p {
		var f format
		if r.Bold {
			f |= fmtBold
		}
		if r.Italic {
			f |= fmtItalic
		}
		d.items = append(d.items, item{kind: itemText, text: r.Text, f: f, start: -1})
	}
	d.items = append(d.items, item{kind: itemPara, style: style})
}

// Table adds a table: widths are the columns' shares of the text width
// (in any unit; nil for equal columns), header the heading row (repeated
// on every page; nil for none).
func (d *Doc) Table(widths []int, header []string, rows [][]Cell) {
	cols := len(widths)
	if cols == 0 && len(header) > 0 {
		cols = len(header)
	} else if cols == 0 && len(rows) > 0 {
		cols = len(rows[0])
	}
	d.items = append(d.items, item{kind: itemTable, table: &tableShape{cols: cols, widths: widths}})
	if header != nil {
		d.items = append(d.items, item{kind: itemRow})
		for _, h := range header {
			d.items = append(d.items, item{kind: itemCell, style: "header"})
			d.para(Para{{Text: h, Bold: true}}, "TableText")
		}
	}
	for _, row := range rows {
		d.items = append(d.items, item{kind: itemRow})
		for _, cell := range row {
			d.items = append(d.items, item{kind: itemCell})
			for _, p := range cell {
				d.para(p, "TableText")
			}
			if len(cell) == 0 {
				d.items = append(d.items, item{kind: itemPara, style: "TableText"})
			}
		}
	}
	d.items = append(d.items, item{kind: itemTableEnd})
}

// Write writes the document as a .docx, on landscape pages if asked.
func (d *Doc) Write(meta Meta, landscape bool) ([]byte, error) {
	return writeDocument(newXMLWriter(meta.Author, meta.Modified), d.items, nil, meta, landscape)
}
