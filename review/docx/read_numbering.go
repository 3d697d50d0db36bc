package docx

import (
	"strconv"
	"strings"
)

// maxLevels is how many list levels Word has (w:ilvl 0-8).
const maxLevels = 9

type lvlXML struct {
	ILvl    int      `xml:"ilvl,attr"`
	Start   *valAttr `xml:"start"`
	NumFmt  valAttr  `xml:"numFmt"`
	LvlText *valAttr `xml:"lvlText"`
	Restart *valAttr `xml:"lvlRestart"`
}

type numberingXML struct {
	Abstract []struct {
		ID     string   `xml:"abstractNumId,attr"`
		Levels []lvlXML `xml:"lvl"`
	} `xml:"abstractNum"`
	Nums []struct {
		ID        int     `xml:"numId,attr"`
		Abstract  valAttr `xml:"abstractNumId"`
		Overrides []struct {
			ILvl  int      `xml:"ilvl,attr"`
			Start *valAttr `xml:"startOverride"`
			Lvl   *lvlXML  `xml:"lvl"`
		} `xml:"lvlOverride"`
	} `xml:"num"`
}

// level is one level of a list: how its number is written.
type level struct {
	start   int
	format  string // w:numFmt: decimal, lowerLetter, bullet, none...
	text    string // w:lvlText, "%1." or "Neni %1"
	restart int    // restart after this level (0-based) is used; -1 never
	defined bool
}

// list is one w:num: its levels and the counters it shares with the
// other w:num of its abstract numbering, as Word counts them: a w:num
// continues the numbers of the others unless it overrides a level's
// start, which restarts that level where the w:num is first used.
type list struct {
	levels   [maxLevels]level
	override [maxLevels]bool // w:startOverride not yet applied
	*counters
}

type counters struct {
	count   [maxLevels]int
	started [maxLevels]bool
}

// numbering holds the document's lists by w:numId.
type numbering map[int]*list

// readNumbering reads word/numbering.xml, none if there is none.
func (p *Package) readNumbering() (numbering, error) {
	name, err := p.RelatedPart(p.Main, "/numbering")
	if err != nil || name == "" {
		return numbering{}, err
	}
	var x numberingXML
	if err := p.unmarshal(name, &x); err != nil {
		return nil, err
	}
	abstract := map[string][]lvlXML{}
	for _, a := range x.Abstract {
		abstract[a.ID] = a.Levels
	}
	out := numbering{}
	shared := map[string]*counters{}
	for _, n := range x.Nums {
		if shared[n.Abstract.Val] == nil {
			shared[n.Abstract.Val] = &counters{}
		}
		l := &list{counters: shared[n.Abstract.Val]}
		for _, lx := range abstract[n.Abstract.Val] {
			l.set(lx)
		}
		for _, o := range n.Overrides {
			if o.Lvl != nil {
				o.Lvl.ILvl = o.ILvl
				l.set(*o.Lvl)
			}
			if o.Start != nil && o.ILvl >= 0 && o.ILvl < maxLevels {
				l.levels[o.ILvl].start = atoiOr(o.Start.Val, 1)
				l.override[o.ILvl] = true
			}
		}
		out[n.ID] = l
	}
	return out, nil
}

func (l *list) set(x lvlXML) {
	if x.ILvl < 0 || x.ILvl >= maxLevels {
		return
	}
	lv := level{start: 1, format: x.NumFmt.Val, restart: x.ILvl - 1, defined: true}
	if x.Start != nil {
		lv.start = atoiOr(x.Start.Val, 1)
	}
	if x.LvlText != nil {
		lv.text = x.LvlText.Val
	}
	if x.Restart != nil {
		lv.restart = atoiOr(x.Restart.Val, x.ILvl) - 1
	}
	l.levels[x.ILvl] = lv
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return n
}

// next counts one more paragraph at level ilvl of list numID and returns
// its label as Word shows it ("Neni 3", "2.", "1.1.", "b)"), and whether
// the level is a bullet. A paragraph with no list gets "".
func (n numbering) next(numID, ilvl int) (label string, bullet bool) {
	l := n[numID]
	if l == nil || ilvl < 0 || ilvl >= maxLevels || !l.levels[ilvl].defined {
		return "", false
	}
	if l.override[ilvl] {
		l.override[ilvl], l.started[ilvl] = false, false
	}
	if l.started[ilvl] {
		l.count[ilvl]++
	} else {
		l.count[ilvl], l.started[ilvl] = l.levels[ilvl].start, true
	}
	for d := ilvl + 1; d < maxLevels; d++ {
		if r := l.levels[d].restart; r >= 0 && ilvl <= r {
			l.started[d] = false
		}
	}
	lv := l.levels[ilvl]
	if lv.format == "bullet" {
		// pandoc marks paragraphs that continue a list item with a
		// bullet level that shows nothing.
		return "", strings.TrimSpace(lv.text) != ""
	}
	return l.label(lv.text), false
}

// label fills in lvlText's placeholders: %1 is level 0's counter written
// in level 0's format, and so on.
func (l *list) label(text string) string {
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '%' && i+1 < len(text) && text[i+1] >= '1' && text[i+1] <= '9' {
			d := int(text[i+1] - '1')
			v := l.count[d]
			if !l.started[d] {
				v = l.levels[d].start
			}
			b.WriteString(formatNumber(v, l.levels[d].format))
			i++
			continue
		}
		b.WriteByte(c)
	}
	return strings.TrimSpace(b.String())
}

// formatNumber writes n in a w:numFmt; formats Policy Desk has no use for
// (ordinals, Asian counting systems) are written as decimals.
func formatNumber(n int, format string) string {
	switch format {
	case "none":
		return ""
	case "lowerLetter":
		return letters(n, 'a')
	case "upperLetter":
		return letters(n, 'A')
	case "lowerRoman":
		return strings.ToLower(roman(n))
	case "upperRoman":
		return roman(n)
	case "decimalZero":
		if n >= 0 && n < 10 {
			return "0" + strconv.Itoa(n)
		}
	}
	return strconv.Itoa(n)
}

// letters writes n as Word does: a..z, then aa..zz, then aaa...
func letters(n int, base byte) string {
	if n < 1 || n > 780 {
		return strconv.Itoa(n)
	}
	return strings.Repeat(string(rune(base+byte((n-1)%26))), (n-1)/26+1)
}

func roman(n int) string {
	if n < 1 || n > 3999 {
		return strconv.Itoa(n)
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}
