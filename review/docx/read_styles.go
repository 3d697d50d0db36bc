package docx

import (
	"strconv"
	"strings"
)

// onOff reads a WordprocessingML toggle such as <w:b/> or <w:b w:val="0"/>.
type onOff struct {
	Val *string `xml:"val,attr"`
}

func (o *onOff) on() bool {
	if o == nil {
		return false
	}
	if o.Val == nil {
		return true
	}
	v := strings.ToLower(*o.Val)
	return v != "0" && v != "false" && v != "off"
}

type valAttr struct {
	Val string `xml:"val,attr"`
}

type numPr struct {
	ILvl  *valAttr `xml:"ilvl"`
	NumID *valAttr `xml:"numId"`
}

// styleXML is one w:style of styles.xml, as far as the reader needs it.
type styleXML struct {
	Type    string   `xml:"type,attr"`
	ID      string   `xml:"styleId,attr"`
	Name    valAttr  `xml:"name"`
	BasedOn *valAttr `xml:"basedOn"`
	PPr     struct {
		OutlineLvl *valAttr `xml:"outlineLvl"`
		NumPr      *numPr   `xml:"numPr"`
	} `xml:"pPr"`
	RPr struct {
		B *onOff `xml:"b"`
		I *onOff `xml:"i"`
	} `xml:"rPr"`
}

// style is what a paragraph or character style gives its text, with what
// it is based on resolved.
type style struct {
	heading      int // 1-6 for a heading or title style, 0 otherwise
	numID, ilvl  int // numbering from the style; numID 0 for none
	bold, italic bool
}

// styles maps style ids to what they give.
type styles map[string]style

// readStyles reads word/styles.xml (through the main part's relationship),
// none if the document has no styles part.
func (p *Package) readStyles() (styles, error) {
	name, err := p.RelatedPart(p.Main, "/styles")
	if err != nil || name == "" {
		return styles{}, err
	}
	var doc struct {
		Styles []styleXML `xml:"style"`
	}
	if err := p.unmarshal(name, &doc); err != nil {
		return nil, err
	}
	byID := make(map[string]*styleXML, len(doc.Styles))
	for i := range doc.Styles {
		byID[doc.Styles[i].ID] = &doc.Styles[i]
	}
	out := make(styles, len(doc.Styles))
	for id := range byID {
		out[id] = resolveStyle(byID, id)
	}
	return out, nil
}

// resolveStyle follows basedOn (at most 20 steps, so a cycle ends) and
// returns the style's heading level, numbering and emphasis.
func resolveStyle(byID map[string]*styleXML, id string) style {
	var st style
	var haveHeading, haveNum, haveB, haveI bool
	for steps := 0; steps < 20 && id != ""; steps++ {
		x := byID[id]
		if x == nil {
			break
		}
		if !haveHeading {
			if lvl := headingOf(x); lvl >= 0 {
				st.heading, haveHeading = lvl, true
			}
		}
		if !haveNum && x.PPr.NumPr != nil && x.PPr.NumPr.NumID != nil {
			st.numID, _ = strconv.Atoi(x.PPr.NumPr.NumID.Val)
			if x.PPr.NumPr.ILvl != nil {
				st.ilvl, _ = strconv.Atoi(x.PPr.NumPr.ILvl.Val)
			}
			haveNum = true
		}
		if !haveB && x.RPr.B != nil {
			st.bold, haveB = x.RPr.B.on(), true
		}
		if !haveI && x.RPr.I != nil {
			st.italic, haveI = x.RPr.I.on(), true
		}
		id = ""
		if x.BasedOn != nil {
			id = x.BasedOn.Val
		}
	}
	return st
}

// headingOf returns the heading level a style declares by its name or id
// (Word's "heading 1", LibreOffice's "Heading 1", pandoc's "Heading1",
// "Title") or its outline level; 0 for a style that says it is body
// text, -1 when it says nothing.
func headingOf(x *styleXML) int {
	for _, n := range []string{x.Name.Val, x.ID} {
		n = strings.ToLower(strings.ReplaceAll(n, " ", ""))
		if n == "title" {
			return 1
		}
		if rest, ok := strings.CutPrefix(n, "heading"); ok {
			if lvl, err := strconv.Atoi(rest); err == nil && lvl >= 1 && lvl <= 9 {
				return min(lvl, 6)
			}
		}
	}
	if x.PPr.OutlineLvl != nil {
		return outlineLevel(x.PPr.OutlineLvl.Val)
	}
	return -1
}

// outlineLevel turns w:outlineLvl (0-8 headings, 9 body text) into a
// heading level.
func outlineLevel(val string) int {
	n, err := strconv.Atoi(val)
	if err != nil || n < 0 || n >= 9 {
		return 0
	}
	return min(n+1, 6)
}
