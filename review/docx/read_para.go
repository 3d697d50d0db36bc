package docx

import (
	"encoding/xml"
	"strconv"
	"strings"
)

// spanKind tells text from the marks a paragraph holds between texts.
type spanKind uint8

const (
	spanText  spanKind = iota
	spanBreak          // a line break within the paragraph
	spanNote           // a footnote or endnote reference
)

// span is a stretch of a paragraph with one formatting.
type span struct {
	kind         spanKind
	text         string
	bold, italic bool
	link         string // an http, https or mailto target; "" for none
	note         int    // the footnote's number, for spanNote
}

// para is one w:p read: its style, numbering and text.
type para struct {
	style       string
	outline     int // heading level from w:outlineLvl; -1 when not set
	numID, ilvl int
	hasNum      bool
	spans       []span
}

// runProps is the formatting of the run being read.
type runProps struct {
	bold, italic, hidden bool
}

// field is a complex field (w:fldChar begin ... separate ... end) being
// read: its instruction is left out, its result kept.
type field struct {
	instr    strings.Builder
	inResult bool
	link     string
}

// paraState is what is open while a paragraph is read.
type paraState struct {
	p      *para
	run    runProps
	links  []string // hyperlinks open, innermost last
	fields []*field
}

// paragraph reads a w:p whose start element was just read, through its
// end.
func (r *reader) paragraph() (*para, error) {
	st := &paraState{p: &para{outline: -1}}
	err := r.children(func(t xml.StartElement) (bool, error) { return r.inline(st, t) }, st.closeElement)
	return st.p, err
}

func (st *paraState) closeElement(name string) {
	switch name {
	case "hyperlink":
		if len(st.links) > 0 {
			st.links = st.links[:len(st.links)-1]
		}
	case "r":
		st.run = runProps{}
	}
}

// inline handles one element inside a paragraph. It returns true when it
// read the element through its end; otherwise the element stays open and
// its content is read as part of the paragraph.
func (r *reader) inline(st *paraState, t xml.StartElement) (bool, error) {
	switch t.Name.Local {
	case "pPr":
		return true, r.paraProps(st.p)
	case "rPr":
		return true, r.runProps(&st.run)
	case "t":
		s, err := r.text()
		if err == nil {
			r.addText(st, s)
		}
		return true, err
	case "instrText":
		s, err := r.text()
		if err == nil && len(st.fields) > 0 && st.fields[len(st.fields)-1].instr.Len() < 4096 {
			st.fields[len(st.fields)-1].instr.WriteString(s)
		}
		return true, err
	case "fldChar":
		r.fieldChar(st, attr(t, "fldCharType"))
	case "fldSimple":
		r.counts.fields++
	case "tab", "noBreakHyphen":
		r.addText(st, map[string]string{"tab": " ", "noBreakHyphen": "-"}[t.Name.Local])
	case "br", "cr":
		if typ := attr(t, "type"); typ == "page" || typ == "column" {
			r.addText(st, " ")
		} else if !st.hidden() {
			st.p.spans = append(st.p.spans, span{kind: spanBreak})
		}
	case "footnoteReference", "endnoteReference":
		if !st.hidden() {
			if n := r.noteNumber(t.Name.Local[:3], attr(t, "id")); n > 0 {
				st.p.spans = append(st.p.spans, span{kind: spanNote, note: n})
			}
		}
	case "hyperlink":
		st.links = append(st.links, r.hyperlink(t))
	case "commentReference":
		r.counts.comments++
	case "ins", "moveTo":
		r.counts.tracked++
	case "del", "moveFrom":
		r.counts.tracked++
		return true, r.skip()
	case "drawing", "pict", "object", "AlternateContent":
		return true, r.picture()
	case "oMath", "oMathPara":
		r.counts.equations++
		return true, r.skip()
	case "delText", "sym", "footnoteRef", "endnoteRef", "separator", "continuationSeparator", "sdtPr":
		return true, r.skip()
	}
	return false, nil
}

// hidden says whether text read now is not shown: a field's instruction,
// or text formatted as hidden.
func (st *paraState) hidden() bool {
	if st.run.hidden {
		return true
	}
	for _, f := range st.fields {
		if !f.inResult {
			return true
		}
	}
	return false
}

func (r *reader) addText(st *paraState, s string) {
	if s == "" || st.hidden() {
		return
	}
	link := ""
	if n := len(st.links); n > 0 {
		link = st.links[n-1]
	}
	for i := len(st.fields) - 1; i >= 0 && link == ""; i-- {
		link = st.fields[i].link
	}
	// Runs of one formatting are joined when written, not here, so that
	// a paragraph of many runs costs linear time.
	st.p.spans = append(st.p.spans, span{text: s, bold: st.run.bold, italic: st.run.italic, link: link})
}

// fieldChar follows a complex field: its instruction is hidden and its
// result shown; a HYPERLINK field's result is a link.
func (r *reader) fieldChar(st *paraState, typ string) {
	switch typ {
	case "begin":
		if len(st.fields) < MaxDepth {
			st.fields = append(st.fields, &field{})
		}
		r.counts.fields++
	case "separate":
		if n := len(st.fields); n > 0 {
			f := st.fields[n-1]
			f.inResult = true
			f.link = fieldLink(f.instr.String())
		}
	case "end":
		if n := len(st.fields); n > 0 {
			st.fields = st.fields[:n-1]
		}
	}
}

// fieldLink returns the target of a HYPERLINK field instruction, if it is
// a link Policy Desk keeps.
func fieldLink(instr string) string {
	f := strings.Fields(instr)
	if len(f) < 2 || !strings.EqualFold(f[0], "HYPERLINK") {
		return ""
	}
	for _, a := range f[1:] {
		if !strings.HasPrefix(a, `\`) {
			return keptLink(strings.Trim(a, `"`))
		}
	}
	return ""
}

// hyperlink returns the kept target of a w:hyperlink: its relationship's
// external target; a link within the document (w:anchor) keeps its text
// only.
func (r *reader) hyperlink(t xml.StartElement) string {
	for _, a := range t.Attr {
		if a.Name.Local == "id" && strings.Contains(a.Name.Space, "relationships") {
			return keptLink(r.links[a.Value])
		}
	}
	return ""
}

// keptLink returns target if it is an http, https or mailto URL, "" for
// anything else (files, scripts, other documents' bookmarks).
func keptLink(target string) string {
	target = strings.TrimSpace(target)
	low := strings.ToLower(target)
	for _, scheme := range []string{"http://", "https://", "mailto:"} {
		if strings.HasPrefix(low, scheme) && len(target) > len(scheme) && len(target) <= 2048 {
			return target
		}
	}
	return ""
}

// paraProps reads w:pPr: the style, the outline level and the numbering.
// Tracked changes of the properties (w:pPrChange) are deeper and ignored.
func (r *reader) paraProps(p *para) error {
	return r.walk(func(path []string, t xml.StartElement) {
		switch strings.Join(path, "/") {
		case "pStyle":
			p.style = attr(t, "val")
		case "outlineLvl":
			p.outline = outlineLevel(attr(t, "val"))
		case "numPr/numId":
			p.numID, _ = strconv.Atoi(attr(t, "val"))
			p.hasNum = true
		case "numPr/ilvl":
			p.ilvl, _ = strconv.Atoi(attr(t, "val"))
		}
	})
}

// runProps reads w:rPr: bold, italic, a character style and hidden text.
func (r *reader) runProps(rp *runProps) error {
	var b, i *bool
	err := r.walk(func(path []string, t xml.StartElement) {
		if len(path) != 1 {
			return
		}
		on := toggle(t)
		switch path[0] {
		case "b":
			b = &on
		case "i":
			i = &on
		case "vanish":
			rp.hidden = on
		case "rStyle":
			st := r.styles[attr(t, "val")]
			rp.bold, rp.italic = st.bold, st.italic
		}
	})
	if b != nil {
		rp.bold = *b
	}
	if i != nil {
		rp.italic = *i
	}
	return err
}

func toggle(t xml.StartElement) bool {
	for _, a := range t.Attr {
		if a.Name.Local == "val" {
			v := strings.ToLower(a.Value)
			return v != "0" && v != "false" && v != "off"
		}
	}
	return true
}

// attr returns the value of t's attribute with that local name.
func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
