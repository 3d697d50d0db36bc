package docx

// Writing a flow as WordprocessingML: paragraphs, runs, tables, hyperlinks,
// footnote references and tracked changes, every piece of text escaped and
// cleared of what XML 1.0 cannot hold.

import (
	"bufio"
	"strconv"
	"time"
	"unicode/utf8"
)

// Namespaces of the parts written.
const (
	nsW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsR = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
)

// xmlWriter writes one part's XML. Hyperlinks become relationships of the
// part (links); tracked changes carry author and date.
type xmlWriter struct {
	*bufio.Writer
	links  []string       // relationship rIdL<n+1> → URL
	linkID map[string]int // URL → its index in links
	author string
	date   string
	change int // the id of the last tracked change

	textWidth             int // twips between the margins, for table columns
	inRow, inCell, header bool
	grid                  []int // the widths of the open table's columns
	col                   int   // the next cell's column
}

func newXMLWriter(author string, date time.Time) *xmlWriter {
	return &xmlWriter{linkID: map[string]int{}, textWidth: portraitWidth, author: author, date: date.UTC().Format("2006-01-02T15:04:05Z")}
}

// text writes s escaped.
func (x *xmlWriter) text(s string) { escape(x.Writer, s) }

// escape writes s escaped, without the characters XML 1.0 forbids
// (controls other than tab and newline, C1 controls, U+FFFE, U+FFFF,
// broken UTF-8).
func escape(w interface{ WriteString(string) (int, error) }, s string) {
	start := 0 // the first byte not yet written
	for i := 0; i < len(s); {
		c := s[i]
		n, keep := 1, ""
		switch {
		case c >= 0x20 && c < 0x7f && c != '<' && c != '>' && c != '&' && c != '"' || c == '\t' || c == '\n':
			i++
			continue
		case c >= utf8.RuneSelf:
			var r rune
			r, n = utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError && r != 0xFFFE && r != 0xFFFF && (r < 0x80 || r > 0x9f) {
				i += n
				continue
			}
		case c == '<':
			keep = "&lt;"
		case c == '>':
			keep = "&gt;"
		case c == '&':
			keep = "&amp;"
		case c == '"':
			keep = "&quot;"
		}
		w.WriteString(s[start:i])
		w.WriteString(keep)
		i += n
		start = i
	}
	w.WriteString(s[start:])
}

// attr writes ` name="value"`, escaped.
func (x *xmlWriter) attr(name, value string) {
	x.WriteString(" " + name + `="`)
	x.text(value)
	x.WriteByte('"')
}

// changeOpen opens a w:ins or w:del with the change's author and date.
func (x *xmlWriter) changeOpen(m tracking) {
	x.change++
	x.WriteString("<w:" + changeTag(m) + ` w:id="` + strconv.Itoa(x.change) + `"`)
	x.attr("w:author", x.author)
	x.WriteString(` w:date="` + x.date + `">`)
}

func changeTag(m tracking) string {
	if m == markDelete {
		return "del"
	}
	return "ins"
}

// run writes one run: its formatting, its text (w:delText when deleted),
// tabs as w:tab, within a hyperlink and a tracked change when it has them.
func (x *xmlWriter) run(it item) {
	if it.link != "" {
		x.WriteString(`<w:hyperlink r:id="` + x.linkRel(it.link) + `">`)
	}
	if it.mark != markNone {
		x.changeOpen(it.mark)
	}
	x.WriteString("<w:r>")
	x.runProps(it)
	switch it.kind {
	case itemBreak:
		x.WriteString("<w:br/>")
	case itemNote:
		x.WriteString(`<w:footnoteReference w:id="` + strconv.Itoa(int(it.note)+1) + `"/>`)
	default:
		x.runText(it.text, it.mark == markDelete)
	}
	x.WriteString("</w:r>")
	if it.mark != markNone {
		x.WriteString("</w:" + changeTag(it.mark) + ">")
	}
	if it.link != "" {
		x.WriteString("</w:hyperlink>")
	}
}

func (x *xmlWriter) runProps(it item) {
	var style string
	switch {
	case it.kind == itemNote:
		style = "FootnoteReference"
	case it.link != "":
		style = "Hyperlink"
	case it.f&fmtCode != 0:
		style = "CodeChar"
	}
	if style == "" && it.f&(fmtBold|fmtItalic|fmtStrike|fmtInserted|fmtDeleted) == 0 {
		return
	}
	x.WriteString("<w:rPr>")
	if style != "" {
		x.WriteString(`<w:rStyle w:val="` + style + `"/>`)
	}
	if it.f&fmtBold != 0 {
		x.WriteString("<w:b/>")
	}
	if it.f&fmtItalic != 0 {
		x.WriteString("<w:i/>")
	}
	if it.f&(fmtStrike|fmtDeleted) != 0 {
		x.WriteString("<w:strike/>")
	}
	switch {
	case it.f&fmtDeleted != 0:
		x.WriteString(`<w:color w:val="C00000"/>`)
	case it.f&fmtInserted != 0:
		x.WriteString(`<w:color w:val="1F5FAF"/><w:u w:val="single"/>`)
	}
	x.WriteString("</w:rPr>")
}

// runText writes text as w:t (w:delText) pieces between w:tab and w:br.
func (x *xmlWriter) runText(s string, deleted bool) {
	tag := "w:t"
	if deleted {
		tag = "w:delText"
	}
	for s != "" {
		i := 0
		for i < len(s) && s[i] != '\t' && s[i] != '\n' {
			i++
		}
		if i > 0 {
			x.WriteString("<" + tag + ` xml:space="preserve">`)
			x.text(s[:i])
			x.WriteString("</" + tag + ">")
		}
		if i < len(s) {
			if s[i] == '\t' {
				x.WriteString("<w:tab/>")
			} else {
				x.WriteString("<w:br/>")
			}
			i++
		}
		s = s[i:]
	}
}

// linkRel returns the relationship id of a hyperlink to url.
func (x *xmlWriter) linkRel(url string) string {
	k, ok := x.linkID[url]
	if !ok {
		k = len(x.links)
		x.links = append(x.links, url)
		x.linkID[url] = k
	}
	return "rIdL" + strconv.Itoa(k+1)
}

// paraOpen opens a paragraph with the style, indentation and tracked mark
// of its paragraph mark p.
func (x *xmlWriter) paraOpen(p item) {
	x.WriteString("<w:p>")
	if p.style == "" && p.level == 0 && p.mark == markNone {
		return
	}
	x.WriteString("<w:pPr>")
	if p.style != "" {
		x.WriteString(`<w:pStyle w:val="` + p.style + `"/>`)
	}
	if p.level > 0 {
		x.WriteString(`<w:ind w:left="` + strconv.Itoa(360*int(p.level)) + `"/>`)
	}
	if p.mark != markNone {
		x.WriteString("<w:rPr>")
		x.changeOpen(p.mark)
		x.WriteString("</w:" + changeTag(p.mark) + "></w:rPr>")
	}
	x.WriteString("</w:pPr>")
}

// items writes a flow's items: paragraphs (each closed by its mark) and
// tables.
func (x *xmlWriter) items(items []item) {
	var para []item // the runs of the paragraph being read
	for _, it := range items {
		switch it.kind {
		case itemText, itemBreak, itemNote:
			para = append(para, it)
		case itemPara:
			x.paraOpen(it)
			for _, r := range para {
				x.run(r)
			}
			x.WriteString("</w:p>")
			para = para[:0]
		case itemTable:
			x.tableOpen(it.table)
		case itemRow:
			x.rowOpen()
		case itemCell:
			x.cellOpen(it.style == "header")
		case itemTableEnd:
			x.tableClose()
		}
	}
	if len(para) > 0 {
		x.items(append(para, item{kind: itemPara}))
	}
}

// tableOpen starts a table of cols columns across the text width, as
// wide as their shares in widths, or equal.
func (x *xmlWriter) tableOpen(shape *tableShape) {
	cols, widths := 1, []int(nil)
	if shape != nil {
		cols, widths = max(shape.cols, 1), shape.widths
	}
	x.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`)
	total := 0
	for _, w := range widths {
		total += max(w, 0)
	}
	x.grid = x.grid[:0]
	for k := range cols {
		width := x.textWidth / cols
		if len(widths) == cols && total > 0 {
			width = x.textWidth * max(widths[k], 0) / total
		}
		x.grid = append(x.grid, width)
		x.WriteString(`<w:gridCol w:w="` + strconv.Itoa(width) + `"/>`)
	}
	x.WriteString("</w:tblGrid>")
	x.inRow, x.inCell = false, false
}

func (x *xmlWriter) rowOpen() {
	x.cellClose()
	if x.inRow {
		x.WriteString("</w:tr>")
	}
	x.WriteString("<w:tr>")
	x.inRow, x.header, x.col = true, false, 0
}

// cellOpen starts a cell; a header cell makes its row repeat on each page.
func (x *xmlWriter) cellOpen(header bool) {
	x.cellClose()
	if header && !x.header {
		x.WriteString(`<w:trPr><w:tblHeader/></w:trPr>`)
		x.header = true
	}
	x.WriteString("<w:tc><w:tcPr>")
	if x.col < len(x.grid) {
		x.WriteString(`<w:tcW w:w="` + strconv.Itoa(x.grid[x.col]) + `" w:type="dxa"/>`)
	}
	if header {
		x.WriteString(`<w:shd w:val="clear" w:color="auto" w:fill="E7E6E6"/>`)
	}
	x.WriteString("</w:tcPr>")
	x.inCell = true
	x.col++
}

func (x *xmlWriter) cellClose() {
	if x.inCell {
		x.WriteString("</w:tc>")
		x.inCell = false
	}
}

func (x *xmlWriter) tableClose() {
	x.cellClose()
	if x.inRow {
		x.WriteString("</w:tr>")
		x.inRow = false
	}
	x.WriteString("</w:tbl>")
}
