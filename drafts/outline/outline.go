package outline

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Article is one article ("Neni", "Član", "Article", ...) of a draft.
type Article struct {
	ID      string `json:"id"`      // stable across versions; see AssignIDs
	Num     string `json:"num"`     // number as written, e.g. "5", "5a", "5.a"
	Heading string `json:"heading"` // whole heading text, e.g. "Neni 5 – Fushëveprimi"
	Title   string `json:"title"`   // text after the number, e.g. "Fushëveprimi"; may be ""
	Level   int    `json:"level"`   // ATX/setext heading level 1-6; 0 for a bold or bare line
	Start   int    `json:"start"`   // byte offset of the heading line
	End     int    `json:"end"`     // byte offset where the next article starts, or len(body)
}

// Anchor is the HTML id the markdown Renderer gives this article's heading.
func (a Article) Anchor() string { return ArticleAnchor(a.Num) }

// ArticleAnchor is the HTML id of the heading of article num, so the outline
// can link into the rendered draft. Only [a-z0-9] survive, which keeps the id
// valid and free of anything an attacker could smuggle through a heading.
func ArticleAnchor(num string) string {
	var b strings.Builder
	b.WriteString("art-")
	for _, c := range strings.ToLower(num) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// Parse returns the articles of body in order. It recognises ATX
// headings of any level, setext headings, and bold or bare "Neni 5" lines
// that start a paragraph; lines inside fenced code blocks are ignored.
func Parse(body string) []Article {
	arts, _ := parse(body, true)
	return arts
}

// parse returns the divisions of body, and its articles when wantArts. An
// article ends where the next article or division starts.
func parse(body string, wantArts bool) ([]Article, []Division) {
	var arts []Article
	var divs []Division
	sc := lineScanner{body: body}
	prevBlank := true // start of document counts as a paragraph break
	var fence string
	for sc.next() {
		line := sc.line
		if fence != "" {
			if closesFence(line, fence) {
				fence = ""
				prevBlank = true
			}
			continue
		}
		if f := opensFence(line); f != "" {
			fence = f
			continue
		}
		// No line is both: the article and division words differ.
		isArt, isDiv := false, false
		if wantArts {
			var a Article
			if a, isArt = sc.articleAt(prevBlank); isArt {
				arts = append(arts, a)
			}
		}
		if !isArt {
			var d Division
			if d, isDiv = sc.divisionAt(prevBlank); isDiv {
				divs = append(divs, d)
			}
		}
		// A division line, like a heading, ends the paragraph before the next line.
		prevBlank = strings.TrimSpace(line) == "" || atxLevel(line) > 0 || isDiv
	}
	k := 0 // the first division after article i
	for i := range arts {
		arts[i].End = len(body)
		if i+1 < len(arts) {
			arts[i].End = arts[i+1].Start
		}
		for k < len(divs) && divs[k].Start < arts[i].Start {
			k++
		}
		if k < len(divs) {
			arts[i].End = min(arts[i].End, divs[k].Start)
		}
	}
	return arts, divs
}

// lineScanner walks body line by line, keeping byte offsets.
type lineScanner struct {
	body  string
	pos   int // offset of the next line
	start int // offset of the current line
	line  string
}

func (s *lineScanner) next() bool {
	if s.pos >= len(s.body) {
		return false
	}
	s.start = s.pos
	end := strings.IndexByte(s.body[s.pos:], '\n')
	if end < 0 {
		s.line, s.pos = s.body[s.pos:], len(s.body)
	} else {
		s.line, s.pos = s.body[s.pos:s.pos+end], s.pos+end+1
	}
	s.line = strings.TrimSuffix(s.line, "\r")
	return true
}

// peek returns the following line without consuming it.
func (s *lineScanner) peek() string {
	rest := s.body[s.pos:]
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	return strings.TrimSuffix(rest, "\r")
}

// articleAt reports whether the current line is an article heading.
func (s *lineScanner) articleAt(prevBlank bool) (Article, bool) {
	line := s.line
	if lvl := atxLevel(line); lvl > 0 {
		text := atxText(line)
		num, title, ok := MatchHeading(text)
		if !ok {
			return Article{}, false
		}
		return s.article(num, title, text, lvl), true
	}
	if !prevBlank || indent(line) > 3 {
		return Article{}, false
	}
	lvl := setextLevel(s.peek())
	var num, title string
	var ok bool
	if lvl > 0 {
		num, title, ok = MatchHeading(line)
	} else {
		num, title, ok = MatchStandalone(line)
	}
	if !ok {
		return Article{}, false
	}
	return s.article(num, title, stripEmphasis(strings.TrimSpace(line)), lvl), true
}

func (s *lineScanner) article(num, title, heading string, lvl int) Article {
	heading = stripEmphasis(strings.TrimSpace(heading))
	if title == "" {
		// Under a Markdown heading only another heading or a bold line is a
		// title; a short plain line there is more likely the article text.
		title = s.titleBelow(lvl == 0)
	}
	// The renderer never shows raw HTML, so neither does the outline.
	return Article{Num: num, Heading: stripTags(heading), Title: stripTags(title), Level: lvl, Start: s.start}
}

// stripTags removes HTML tags (not a lone "<", as in "< 18 vjeç") from
// heading text and tidies the spaces left.
func stripTags(s string) string {
	if !strings.ContainsRune(s, '<') {
		return s
	}
	return strings.Join(strings.Fields(htmlTag.ReplaceAllString(s, " ")), " ")
}

var htmlTag = regexp.MustCompile(`<(?:/?[A-Za-z][^>]*|!--.*?--)>`)

// titleBelow finds a title written on its own line under "Neni 5": the next
// non-blank line, if it is a non-article heading, a bold line, or (when
// plainOK) a short line that does not read like a sentence or list item.
func (s *lineScanner) titleBelow(plainOK bool) string {
	rest := s.body[s.pos:]
	for len(rest) > 0 {
		i := strings.IndexByte(rest, '\n')
		line := rest
		if i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		return titleLine(line, plainOK)
	}
	return ""
}

func titleLine(line string, plainOK bool) string {
	if lvl := atxLevel(line); lvl > 0 {
		t := atxText(line)
		if _, _, ok := MatchHeading(t); ok {
			return ""
		}
		if _, _, ok := MatchDivision(t); ok {
			return ""
		}
		return stripEmphasis(t)
	}
	if _, _, ok := MatchHeading(line); ok {
		return ""
	}
	if _, _, ok := MatchDivisionLine(line); ok {
		return ""
	}
	if inner, bold := unwrapBold(line); bold {
		return inner
	}
	if plainOK && looksLikeTitle(line) {
		return line
	}
	return ""
}

// looksLikeTitle accepts short lines that start with a letter and do not end
// like a sentence; numbered paragraphs ("1. ...") and list items fail this.
func looksLikeTitle(line string) bool {
	r, _ := utf8.DecodeRuneInString(line)
	if !unicode.IsLetter(r) || len(strings.Fields(line)) > 12 || line == "---" {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(line)
	return !strings.ContainsRune(".:;,", last) && setextLevel(line) == 0
}
