package docx

import (
	"encoding/xml"
	"strings"
)

// block is a paragraph or a table of a body, a table cell or a note.
type block struct {
	para  *para
	table [][]string // rows of cells, each cell's text as inline Markdown
}

// blocks reads paragraphs and tables until the element just started ends,
// passing each to emit. Content controls, custom XML and tracked
// insertions are read through; tracked deletions are left out.
func (r *reader) blocks(emit func(block) error) error {
	return r.children(func(t xml.StartElement) (bool, error) {
		switch t.Name.Local {
		case "p":
			p, err := r.paragraph()
			if err == nil {
				err = emit(block{para: p})
			}
			return true, err
		case "tbl":
			rows, err := r.table()
			if err == nil {
				err = emit(block{table: rows})
			}
			return true, err
		case "sectPr", "altChunk", "sdtPr", "tblPr", "tcPr", "Choice":
			// mc:AlternateContent is read through its mc:Fallback only.
			return true, r.skip()
		case "del", "moveFrom":
			r.counts.tracked++
			return true, r.skip()
		case "ins", "moveTo":
			r.counts.tracked++
		}
		return false, nil
	}, nil)
}

// table reads a w:tbl through its end: its rows of cells. A table inside a
// cell is flattened into the cell's text.
func (r *reader) table() ([][]string, error) {
	var rows [][]string
	err := r.children(func(t xml.StartElement) (bool, error) {
		switch t.Name.Local {
		case "tr":
			rows = append(rows, nil)
		case "tc":
			cell, err := r.cell()
			if len(rows) == 0 {
				rows = append(rows, nil)
			}
			rows[len(rows)-1] = append(rows[len(rows)-1], cell)
			return true, err
		case "tblPr", "tblGrid", "trPr", "tblPrEx":
			return true, r.skip()
		case "del":
			r.counts.tracked++
			return true, r.skip()
		}
		return false, nil
	}, nil)
	return rows, err
}

// cell reads a w:tc through its end into one line of inline Markdown.
func (r *reader) cell() (string, error) {
	var parts []string
	err := r.blocks(func(b block) error {
		if b.para == nil {
			r.counts.nestedTables++
		}
		if s := r.flat(b, true); s != "" {
			parts = append(parts, s)
		}
		return nil
	})
	return strings.Join(parts, " "), err
}

// flat returns a block as one line of inline Markdown: a paragraph with
// its number, a table's cells one after the other.
func (r *reader) flat(b block, number bool) string {
	if b.para == nil {
		var cells []string
		for _, row := range b.table {
			for _, c := range row {
				if c != "" {
					cells = append(cells, c)
				}
			}
		}
		return strings.Join(cells, " ")
	}
	label, bullet := "", false
	if number {
		label, bullet = r.numberOf(b.para)
	}
	text := inline(b.para.spans, false)
	switch {
	case bullet:
		label = "•"
	case label != "":
		label = escapeText(label, false)
	}
	return strings.TrimSpace(label + " " + text)
}

// numberOf counts the paragraph in its list, if it has one (its own or its
// style's), and returns its label or that it is a bullet.
func (r *reader) numberOf(p *para) (label string, bullet bool) {
	st := r.styles[p.style]
	numID, ilvl := st.numID, st.ilvl
	if p.hasNum {
		numID = p.numID
		if p.ilvl != 0 || numID != st.numID {
			ilvl = p.ilvl
		}
	}
	if numID == 0 {
		return "", false
	}
	return r.lists.next(numID, ilvl)
}

// headingOf returns the paragraph's heading level, 0 for body text.
func (r *reader) headingOf(p *para) int {
	if p.outline >= 0 {
		return p.outline
	}
	return max(r.styles[p.style].heading, 0)
}
