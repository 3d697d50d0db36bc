package review

import (
	"strings"

	"policydesk/review/anchor"
)

// newBodyIndex splits a Markdown body into blocks and normalises them, in
// one pass. A block is a heading, a list item, a table cell, or the lines
// of a paragraph up to a blank line.
func newBodyIndex(body string) *bodyIndex {
	n := newNormText(len(body))
	x := &bodyIndex{body: body, byText: map[string][]int{}}
	open := false
	endBlock := func(at int) {
		if open {
			x.closeBlock(n, at)
			open = false
		}
	}
	startBlock := func() {
		if !open {
			x.blocks = append(x.blocks, [2]int{n.text.Len(), 0})
			open = true
		}
	}
	fenced := false
	for lineStart := 0; lineStart < len(body); {
		lineEnd := strings.IndexByte(body[lineStart:], '\n')
		if lineEnd < 0 {
			lineEnd = len(body)
		} else {
			lineEnd += lineStart
		}
		line := body[lineStart:lineEnd]
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			endBlock(lineStart)
			fenced = !fenced
		case fenced || trimmed == "":
			endBlock(lineStart)
		case strings.HasPrefix(trimmed, "|"):
			endBlock(lineStart)
			x.tableRow(n, line, lineStart)
		default:
			m := anchor.LineMarkup(line)
			if m > 0 || strings.HasPrefix(trimmed, "#") {
				endBlock(lineStart)
			}
			startBlock()
			x.addInline(n, line[m:], lineStart+m)
			n.separate(lineEnd)
			if strings.HasPrefix(trimmed, "#") {
				endBlock(lineEnd)
			}
		}
		lineStart = lineEnd + 1
	}
	endBlock(len(body))
	x.norm, x.src, x.srcEnd = n.text.String(), n.src, n.srcEnd
	for i, b := range x.blocks {
		k := key(x.norm[b[0]:b[1]])
		x.byText[k] = append(x.byText[k], i)
	}
	return x
}

// closeBlock ends the last block at the current end of n, without its
// trailing space; an empty block is dropped.
func (x *bodyIndex) closeBlock(n *normText, at int) {
	b := &x.blocks[len(x.blocks)-1]
	end := n.text.Len()
	if n.space && end > b[0] {
		end-- // the separating space is not the block's
	}
	if end <= b[0] {
		x.blocks = x.blocks[:len(x.blocks)-1]
		return
	}
	b[1] = end
	n.separate(at)
}

// tableRow makes each cell of a Markdown table row a block; the row under
// the header (|---|:--:|) has none.
func (x *bodyIndex) tableRow(n *normText, line string, base int) {
	if strings.Trim(line, "|-: \t") == "" {
		return
	}
	for i := 0; i < len(line); {
		j := i
		for j < len(line) && (line[j] != '|' || j > 0 && line[j-1] == '\\') {
			j++
		}
		if strings.TrimSpace(line[i:j]) != "" {
			x.blocks = append(x.blocks, [2]int{n.text.Len(), 0})
			x.addInline(n, line[i:j], base+i)
			x.closeBlock(n, base+j)
		}
		i = j + 1
	}
}

// addInline normalises a line's text, dropping the targets of links
// ("](url)") and footnote references ("[^1]"), whose text Word does not
// show in the paragraph.
func (x *bodyIndex) addInline(n *normText, s string, base int) {
	for {
		i := strings.Index(s, "](")
		f := strings.Index(s, "[^")
		if i < 0 && f < 0 {
			n.add(s, base)
			return
		}
		if f >= 0 && (i < 0 || f < i) {
			end := strings.IndexByte(s[f:], ']')
			if end < 0 {
				n.add(s, base)
				return
			}
			n.add(s[:f], base)
			s, base = s[f+end+1:], base+f+end+1
			continue
		}
		end := strings.IndexByte(s[i:], ')')
		if end < 0 {
			n.add(s, base)
			return
		}
		n.add(s[:i], base)
		s, base = s[i+end+1:], base+i+end+1
	}
}
