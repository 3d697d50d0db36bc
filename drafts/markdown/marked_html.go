package markdown

import (
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"policydesk"
)

// markHTML turns the sentinels in the HTML goldmark wrote for a marked
// source into elements. It writes every tag of that HTML as it was, and
// wraps only runs of text, closing its elements before each tag and
// opening them again after it, so the result is as well formed as the
// input. Besides the wrappers it changes three things: sentinels leave
// attribute values (a link or image whose URL the guard refuses once they
// are gone loses it), ids go (the redline shows an article twice), and
// the draft's own strikethrough becomes <s>, so that every <del> is a
// deletion. The HTML is returned cut where each change id's number goes
// (see markedRendering), the first change continuing last when it is
// last; withIDs false gives no ids.
func markHTML(in string, states []state, withIDs bool, last int) (markedRendering, error) {
	m := &marker{states: states, withIDs: withIDs, last: last}
	m.b.Grow(len(in) + len(in)/4)
	z := html.NewTokenizer(strings.NewReader(in))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				return markedRendering{}, policydesk.Errorf(policydesk.EInternal, "The marked text could not be read back: %v.", z.Err())
			}
			m.close()
			return markedRendering{parts: append(m.parts, m.b.String()), last: m.last}, nil
		case html.TextToken:
			m.text(string(z.Text()))
		case html.StartTagToken:
			m.tag(z.Token(), true)
		case html.SelfClosingTagToken, html.EndTagToken:
			m.tag(z.Token(), false)
		}
		// Comments ("raw HTML omitted") and doctypes show nothing: left out.
	}
}

// marker is the state of markHTML.
type marker struct {
	b       strings.Builder
	parts   []string // the HTML before each change id's number
	states  []state
	withIDs bool
	last    int      // the change of the last id given
	cur     int      // the state of the text being read
	open    bool     // its wrapper is open
	stack   []string // the elements open around the text
}

// wrappable says whether text s inside the open elements may be wrapped:
// only inside elements that hold text, and white space inside a list item
// is the gap before its paragraph (an <ins> there would be an invisible
// stop of the change navigation). Between the items of a list, the rows
// of a table or the blocks of a quote an element would be misplaced.
func (m *marker) wrappable(s string) bool {
	if len(m.stack) == 0 {
		return false
	}
	switch m.stack[len(m.stack)-1] {
	case "ul", "ol", "table", "thead", "tbody", "tfoot", "tr", "blockquote":
		return false
	case "li":
		return strings.TrimSpace(s) != ""
	}
	return true
}

// text writes a run of text, switching state at each sentinel.
func (m *marker) text(s string) {
	for len(s) > 0 {
		i := strings.IndexFunc(s, isSentinel)
		if i < 0 {
			m.run(s)
			return
		}
		m.run(s[:i])
		hi, n1 := utf8.DecodeRuneInString(s[i:])
		lo, n2 := utf8.DecodeRuneInString(s[i+n1:])
		s = s[i+n1:]
		if hi >= sentHi && lo >= sentLo && lo < sentHi {
			s = s[n2:]
			if k := int(hi-sentHi)<<sentBits | int(lo-sentLo); k < len(m.states) && k != m.cur {
				m.close()
				m.cur = k
			}
		}
	}
}

// run writes text without sentinels in the current state.
func (m *marker) run(s string) {
	if s == "" {
		return
	}
	if !m.open && m.cur != 0 && m.wrappable(s) {
		m.wrap(m.states[m.cur])
	}
	m.b.WriteString(html.EscapeString(s))
}

// wrap opens the elements of st.
func (m *marker) wrap(st state) {
	comments := st.comments
	switch st.mark {
	case MarkInsert, MarkDelete:
		name := "ins"
		if st.mark == MarkDelete {
			name, comments = "del", ""
		}
		m.b.WriteString("<" + name)
		if m.withIDs && st.change != 0 && st.change != m.last {
			m.last = st.change
			m.b.WriteString(` id="`)
			m.parts = append(m.parts, m.b.String())
			m.b.Reset()
			m.b.WriteString(`"`)
		}
		m.b.WriteString(">")
	}
	if comments != "" {
		m.b.WriteString(`<mark class="anchor" data-comments="` + html.EscapeString(comments) + `">`)
	}
	m.open = true
}

// close ends the current wrapper, if open.
func (m *marker) close() {
	if !m.open {
		return
	}
	st := m.states[m.cur]
	if st.comments != "" && st.mark != MarkDelete {
		m.b.WriteString("</mark>")
	}
	switch st.mark {
	case MarkInsert:
		m.b.WriteString("</ins>")
	case MarkDelete:
		m.b.WriteString("</del>")
	}
	m.open = false
}

// tag writes a tag as goldmark wrote it, cleaned (see markHTML).
func (m *marker) tag(t html.Token, start bool) {
	m.close()
	if t.DataAtom == atom.Del {
		t.DataAtom, t.Data = atom.S, "s"
	}
	if t.Type == html.EndTagToken {
		if n := len(m.stack); n > 0 {
			m.stack = m.stack[:n-1]
		}
		m.b.WriteString("</" + t.Data + ">")
		return
	}
	if start && !void(t.DataAtom) {
		m.stack = append(m.stack, t.Data)
	}
	m.b.WriteString("<" + t.Data)
	for _, a := range t.Attr {
		if a.Key == "id" {
			continue
		}
		v := stripSentinels(a.Val)
		if (a.Key == "href" || a.Key == "src") && !allowedURL([]byte(v)) {
			continue
		}
		m.b.WriteString(" " + a.Key + `="` + html.EscapeString(v) + `"`)
	}
	if t.Type == html.SelfClosingTagToken {
		m.b.WriteString(" />")
	} else {
		m.b.WriteString(">")
	}
}

// stripSentinels removes sentinels from an attribute value, where goldmark
// writes them as they are (a title, an image's alt text, a code block's
// language) or percent-encoded (a URL).
func stripSentinels(v string) string {
	if !strings.ContainsFunc(v, isSentinel) && !strings.Contains(v, "%F") && !strings.Contains(v, "%f") {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); {
		r, n := utf8.DecodeRuneInString(v[i:])
		if isSentinel(r) {
			i += n
			continue
		}
		if k := encodedSentinel(v[i:]); k > 0 {
			i += k
			continue
		}
		b.WriteString(v[i : i+n])
		i += n
	}
	return b.String()
}

// encodedSentinel returns the length of a percent-encoded sentinel
// ("%F4%80%80%80") at the start of s, or 0.
func encodedSentinel(s string) int {
	if len(s) < 12 {
		return 0
	}
	var buf [4]byte
	for k := range buf {
		p := s[3*k:]
		hi, lo := digitValue(p[1]), digitValue(p[2])
		if p[0] != '%' || hi < 0 || lo < 0 {
			return 0
		}
		buf[k] = byte(hi<<4 | lo)
	}
	if r, n := utf8.DecodeRune(buf[:]); n == 4 && isSentinel(r) {
		return 12
	}
	return 0
}

// void reports whether an element has no end tag; goldmark writes the
// ones it uses without the XHTML slash.
func void(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.Hr, atom.Img, atom.Input, atom.Wbr:
		return true
	}
	return false
}
