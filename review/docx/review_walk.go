package docx

import (
	"encoding/xml"
	"io"
	"strings"
)

// reviewSkipped are elements whose content is not the document's text:
// properties (which hold formatting changes and paragraph-mark revision
// marks), field instructions, drawings and text boxes, and the fallback
// copy of alternate content.
var reviewSkipped = map[string]bool{
	"pPr": true, "rPr": true, "sectPr": true, "tblPr": true, "tblGrid": true, "trPr": true, "tcPr": true,
	"instrText": true, "delInstrText": true, "drawing": true, "pict": true, "object": true,
	"txbxContent": true, "Fallback": true, "rPrChange": true, "pPrChange": true,
}

// reviewWalker reads word/document.xml once, in order, keeping only the
// paragraph being read and what came before.
type reviewWalker struct {
	comments *commentSet
	paras    []ReviewParagraph
	cur      *paraBuilder
	marks    []mark // the w:ins, w:del, w:moveFrom, w:moveTo around the text
	tables   int    // w:tbl depth
	changes  int
}

// mark is a tracked change element being read.
type mark struct {
	deleted      bool
	author, date string
}

// paraBuilder is the paragraph being read and its change being gathered:
// adjacent deletions and insertions make one change.
type paraBuilder struct {
	orig    strings.Builder
	changes []Change
	open    *Change
}

func newReviewWalker(comments *commentSet) *reviewWalker {
	return &reviewWalker{comments: comments}
}

func (w *reviewWalker) walk(p *Package) error {
	d, c, err := p.Open(p.Main)
	if err != nil {
		return err
	}
	defer c.Close()
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			err = w.start(d, t)
		case xml.EndElement:
			err = w.end(t)
		}
		if err != nil {
			return err
		}
	}
}

func (w *reviewWalker) start(d *Decoder, e xml.StartElement) error {
	switch name := e.Name.Local; {
	case reviewSkipped[name]:
		return d.Skip()
	case name == "p":
		w.cur = &paraBuilder{}
	case name == "tbl":
		w.tables++
	case name == "ins" || name == "moveTo" || name == "del" || name == "moveFrom":
		w.marks = append(w.marks, mark{deleted: name == "del" || name == "moveFrom", author: wordAttr(e, "author"), date: wordAttr(e, "date")})
	case name == "t" || name == "delText":
		s, err := textOf(d)
		if err != nil {
			return err
		}
		return w.text(s, name == "delText")
	case name == "tab" || name == "br" || name == "cr":
		return w.text(" ", false)
	case name == "noBreakHyphen":
		return w.text("-", false)
	case name == "commentRangeStart":
		w.commentStart(wordAttr(e, "id"))
	case name == "commentRangeEnd":
		w.commentEnd(wordAttr(e, "id"))
	case name == "commentReference":
		w.commentReference(wordAttr(e, "id"))
	}
	return nil
}

func (w *reviewWalker) end(e xml.EndElement) error {
	switch e.Name.Local {
	case "p":
		if w.cur != nil {
			if err := w.closeChange(); err != nil {
				return err
			}
			w.paras = append(w.paras, ReviewParagraph{Original: w.cur.orig.String(), Changes: w.cur.changes, Table: w.tables > 0})
			w.cur = nil
		}
	case "tbl":
		w.tables--
	case "ins", "moveTo", "del", "moveFrom":
		if len(w.marks) > 0 {
			w.marks = w.marks[:len(w.marks)-1]
		}
	}
	return nil
}

// text adds text read inside the current marks: to the original, to the
// change being gathered, or to both.
func (w *reviewWalker) text(s string, delText bool) error {
	if w.cur == nil || s == "" {
		return nil
	}
	inserted, deleted := false, delText
	var m mark
	for _, k := range w.marks {
		if k.deleted {
			deleted = true
		} else {
			inserted = true
		}
		if m.author == "" {
			m = k
		}
	}
	b := w.cur
	switch {
	case inserted && deleted: // an insertion deleted again: in neither text
		return nil
	case !inserted && !deleted:
		if err := w.closeChange(); err != nil {
			return err
		}
		b.orig.WriteString(s)
		return nil
	}
	if b.open == nil {
		at := b.orig.Len()
		b.open = &Change{Start: at, End: at, Author: m.author, Date: m.date}
	}
	if deleted {
		b.orig.WriteString(s)
		b.open.Deleted += s
		b.open.End = b.orig.Len()
	} else {
		b.open.Inserted += s
	}
	return nil
}

// closeChange ends the change being gathered in the current paragraph.
func (w *reviewWalker) closeChange() error {
	b := w.cur
	if b == nil || b.open == nil {
		return nil
	}
	c := *b.open
	b.open = nil
	switch {
	case c.Inserted != "" && c.Deleted != "":
		c.Kind = "replace"
	case c.Inserted != "":
		c.Kind = "insert"
	default:
		c.Kind = "delete"
	}
	b.changes = append(b.changes, c)
	w.changes++
	if w.changes+len(w.comments.list) > MaxReviewItems {
		return tooManyItems(w.changes + len(w.comments.list))
	}
	return nil
}

// here is the current place in the text: the paragraph being read and
// the byte in its original, or (between paragraphs) the start of the next.
func (w *reviewWalker) here() (para, at int) {
	if w.cur == nil {
		return len(w.paras), 0
	}
	return len(w.paras), w.cur.orig.Len()
}

// hereEnd is here for the end of a range: between paragraphs, the end of
// the previous one.
func (w *reviewWalker) hereEnd() (para, at int) {
	if w.cur == nil && len(w.paras) > 0 {
		return len(w.paras) - 1, len(w.paras[len(w.paras)-1].Original)
	}
	return w.here()
}

func (w *reviewWalker) commentStart(id string) {
	if c := w.comments.byID[id]; c != nil && !c.Placed {
		c.StartPara, c.Start = w.here()
		c.EndPara, c.End = c.StartPara, c.Start
		c.Placed = true
	}
}

func (w *reviewWalker) commentEnd(id string) {
	if c := w.comments.byID[id]; c != nil && c.Placed {
		c.EndPara, c.End = w.hereEnd()
		c.ended = true
	}
}

// commentReference places a comment that has no range at the reference
// (a point comment), and ends one whose range Word left open.
func (w *reviewWalker) commentReference(id string) {
	c := w.comments.byID[id]
	switch {
	case c == nil || c.ended:
	case !c.Placed:
		c.StartPara, c.Start = w.here()
		c.EndPara, c.End = c.StartPara, c.Start
		c.Placed, c.ended = true, true
	default:
		c.EndPara, c.End = w.hereEnd()
		c.ended = true
	}
}
