package docx

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"policydesk"
	"policydesk/drafts/outline"
)

// mdWriter writes the blocks of the main document as Markdown, one block
// a paragraph, blank lines between.
type mdWriter struct {
	r *reader
	b strings.Builder
}

func (w *mdWriter) block(b block) error {
	if b.table != nil {
		w.table(b.table)
	} else if line := w.paragraph(b.para); line != "" {
		w.b.WriteString(line)
		w.b.WriteString("\n\n")
	}
	if w.b.Len() > w.r.max {
		return policydesk.Errorf(policydesk.ETooLarge, "The document's text is larger than %d MiB, the most a version may hold.", w.r.max>>20)
	}
	return nil
}

// paragraph returns one paragraph as Markdown: a heading, an article, a
// numbered paragraph, a list item or text.
func (w *mdWriter) paragraph(p *para) string {
	label, bullet := w.r.numberOf(p)
	level := w.r.headingOf(p)
	plain := strings.TrimSpace(plainText(p.spans))
	if plain == "" && label == "" {
		return ""
	}
	if _, _, ok := outline.MatchHeading(label); ok && label != "" {
		head := strings.TrimRight(label, ".:) ")
		if plain != "" {
			head += " – " + plain
		}
		return heading(max(level, 2), head)
	}
	if level > 0 {
		return heading(level, strings.TrimSpace(label+" "+plain))
	}
	text := inline(p.spans, true)
	switch {
	case bullet:
		return strings.Repeat("  ", min(p.ilvl, 8)) + "- " + text
	case label != "":
		return escapeText(label, false) + " " + text
	}
	if _, _, ok := outline.MatchStandalone(text); ok && len(plain) < 300 {
		// A typed "Neni 5" (bold, or alone on its line) is an article.
		return heading(2, plain)
	}
	return text
}

// heading writes an ATX heading of plain text.
func heading(level int, text string) string {
	text = escapeText(strings.Join(strings.Fields(text), " "), false)
	if strings.HasSuffix(text, "#") {
		text = text[:len(text)-1] + `\#`
	}
	return strings.Repeat("#", min(level, 6)) + " " + text
}

// table writes a GFM pipe table; the first row is its header.
func (w *mdWriter) table(rows [][]string) {
	cols := 0
	for _, row := range rows {
		cols = max(cols, len(row))
	}
	if cols == 0 {
		return
	}
	for i, row := range rows {
		w.b.WriteString("|")
		for c := range cols {
			cell := ""
			if c < len(row) {
				cell = row[c]
			}
			w.b.WriteString(" " + cell + " |")
		}
		w.b.WriteString("\n")
		if i == 0 {
			w.b.WriteString("|" + strings.Repeat(" --- |", cols) + "\n")
		}
	}
	w.b.WriteString("\n")
}

// footnotes writes the notes the text refers to, in number order. The
// renderer has no footnotes, so it reads "[^1]: Ibid." as a link
// definition and would hide the note: a note shaped like one is written
// as text.
func (w *mdWriter) footnotes() {
	for i, key := range w.r.noted {
		text := w.r.notes[key]
		if linkDefinitionShaped(text) {
			w.b.WriteString(`\`)
		}
		w.b.WriteString("[^" + itoa(i+1) + "]: " + text + "\n\n")
	}
}

// linkDefinitionShaped says whether "[^1]: " + text could be a CommonMark
// link reference definition: one word, alone or followed by something
// shaped like a title ("...", '...' or (...)). It may say yes too often,
// never too rarely.
func linkDefinitionShaped(text string) bool {
	text = strings.TrimSpace(text)
	i := strings.IndexFunc(text, unicode.IsSpace)
	if i < 0 {
		return text != ""
	}
	rest := strings.TrimSpace(text[i:])
	closers := map[byte]byte{'"': '"', '\'': '\'', '(': ')'}
	c, ok := closers[rest[0]]
	return ok && len(rest) > 1 && rest[len(rest)-1] == c
}

// plainText is the paragraph's text without formatting.
func plainText(spans []span) string {
	var b strings.Builder
	for _, s := range spans {
		if s.kind == spanText {
			b.WriteString(s.text)
		} else if s.kind == spanBreak {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// inline writes spans as inline Markdown: emphasis, links, footnote
// references and, when breaks, hard line breaks (else spaces).
func inline(spans []span, breaks bool) string {
	var b strings.Builder
	e := emphasis{b: &b, lineStart: true}
	for i := 0; i < len(spans); {
		s := spans[i]
		switch {
		case s.kind == spanNote:
			e.set(false, false)
			e.flushSpace()
			b.WriteString("[^" + itoa(s.note) + "]")
			i++
		case s.kind == spanBreak:
			e.set(false, false)
			if breaks {
				b.WriteString("\\\n")
				e.pending, e.lineStart = "", true
			} else {
				e.pending += " "
			}
			i++
		case s.link != "":
			j := i
			for j < len(spans) && spans[j].kind == spanText && spans[j].link == s.link {
				j++
			}
			e.set(false, false)
			e.flushSpace()
			inner := make([]span, j-i)
			for k, sp := range spans[i:j] {
				sp.link = ""
				inner[k] = sp
			}
			text := strings.TrimSpace(inline(inner, false))
			if text != "" {
				b.WriteString("[" + text + "](" + linkURL(s.link) + ")")
				e.lineStart = false
			}
			i = j
		default:
			e.add(s.text, s.bold, s.italic)
			i++
		}
	}
	e.set(false, false)
	return strings.TrimSpace(b.String())
}

// emphasis opens and closes ** and * around text, keeping spaces outside
// the markers (CommonMark does not see "** a**" as bold).
type emphasis struct {
	b            *strings.Builder
	bold, italic bool
	pending      string // spaces not yet written
	lineStart    bool
}

func (e *emphasis) add(text string, bold, italic bool) {
	text = cleanText(text)
	core := strings.TrimSpace(text)
	if core == "" {
		e.pending += text
		return
	}
	lead := text[:strings.Index(text, core)]
	trail := text[len(lead)+len(core):]
	e.pending += lead
	if bold != e.bold || italic != e.italic {
		e.set(bold, italic)
	}
	e.flushSpace()
	if bold != e.bold || italic != e.italic {
		e.open(bold, italic)
	}
	e.b.WriteString(escapeText(core, e.lineStart))
	e.lineStart = false
	e.pending = trail
}

// set closes the markers open beyond bold and italic.
func (e *emphasis) set(bold, italic bool) {
	if e.italic && (!italic || e.bold != bold) {
		e.b.WriteString("*")
		e.italic = false
	}
	if e.bold && !bold {
		e.b.WriteString("**")
		e.bold = false
	}
}

func (e *emphasis) open(bold, italic bool) {
	if bold && !e.bold {
		e.b.WriteString("**")
		e.bold = true
	}
	if italic && !e.italic {
		e.b.WriteString("*")
		e.italic = true
	}
}

func (e *emphasis) flushSpace() {
	if e.pending != "" && !e.lineStart {
		e.b.WriteString(" ")
	}
	e.pending = ""
}

// cleanText turns tabs and line ends into spaces and drops other control
// characters and the byte-order mark.
func cleanText(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\ufeff' }) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case r < 0x20 || r == 0x7f || r == '\ufeff':
			return -1
		}
		return r
	}, s)
}

// escapeText escapes what Markdown would read as markup, so that a Word
// text shows as written and cannot become HTML or a link. At the start of
// a line it also escapes what would open a heading, quote, list or rule;
// numbers such as "1." and "1.1." are the drafts' paragraph numbers and
// stay.
func escapeText(s string, lineStart bool) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	if lineStart {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s != "" && strings.ContainsRune("#+-=", rune(s[0])) {
			b.WriteByte('\\')
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case strings.IndexByte("\\`*[]<>|~", c) >= 0:
			b.WriteByte('\\')
			b.WriteByte(c)
			i++
		case c == '_':
			n := i
			for n < len(s) && s[n] == '_' {
				n++
			}
			if n-i >= 3 { // a blank to fill in, left as written
				b.WriteString(s[i:n])
			} else {
				b.WriteString(strings.Repeat(`\_`, n-i))
			}
			i = n
		case c == '&' && i+1 < len(s) && (s[i+1] == '#' || isASCIILetter(s[i+1])):
			b.WriteString(`\&`)
			i++
		default:
			_, size := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+size])
			i += size
		}
	}
	return b.String()
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// linkURL writes a kept target as a Markdown link destination: anything
// that could end it or break out of it is percent-encoded.
func linkURL(target string) string {
	var b strings.Builder
	for i := 0; i < len(target); i++ {
		c := target[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>"\`+"`", c) >= 0 {
			b.WriteString(fmt.Sprintf("%%%02X", c))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
