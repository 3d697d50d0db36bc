package drafts

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
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

// Anchor is the HTML id the Renderer gives this article's heading.
func (a Article) Anchor() string { return ArticleAnchor(a.Num) }

// articleWords start an article heading: the three official languages
// (Albanian, Serbian Latin/Cyrillic, English) plus Slovenian "Člen" and the
// section sign. Matching is hand-written rather than a regexp because the
// renderer runs it on every paragraph and a regexp doubled render time.
var articleWords = []string{"neni", "artikulli", "article", "član", "clan", "člen", "члан", "§"}

// matchArticle recognises heading text such as "Neni 5 – Fushëveprimi" and
// returns the number and title. The word is case-insensitive (EqualFold
// folds Č/č and Ч/ч); the number is digits with an optional letter suffix
// ("5a", "5.a") that may only be followed by a non-letter, so "Neni 5. Akti"
// stays number "5" with title "Akti".
func matchArticle(text string) (num, title string, ok bool) {
	text = stripEmphasis(strings.TrimSpace(text))
	rest, ok := cutArticleWord(text)
	if !ok {
		return "", "", false
	}
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	n := 0
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	if n == 0 {
		return "", "", false
	}
	n += letterSuffix(rest[n:])
	if r, _ := utf8.DecodeRuneInString(rest[n:]); n < len(rest) && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		return "", "", false // "Neni 5x1", "Articles"
	}
	return rest[:n], cleanTitle(rest[n:]), true
}

func cutArticleWord(text string) (string, bool) {
	for _, w := range articleWords {
		if len(text) >= len(w) && strings.EqualFold(text[:len(w)], w) {
			return text[len(w):], true
		}
	}
	return "", false
}

// letterSuffix returns the length of a "a" or ".a" suffix at the start of s,
// or 0 when the letter is followed by more letters (a word, not a suffix).
func letterSuffix(s string) int {
	n := 0
	if n < len(s) && s[n] == '.' {
		n++
	}
	if n >= len(s) || !isASCIILetter(s[n]) {
		return 0
	}
	n++
	if r, _ := utf8.DecodeRuneInString(s[n:]); n < len(s) && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		return 0
	}
	return n
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// matchStandalone recognises a whole line that is an article heading in a
// Word-converted draft: "**Neni 5**", "__Neni 5 – Titulli__" or a bare
// "Neni 5". A bare line must not carry more text, since "Neni 5 i këtij
// ligji ..." starting a sentence is prose, not a heading.
func matchStandalone(line string) (num, title string, ok bool) {
	line = strings.TrimSpace(line)
	if inner, bold := unwrapBold(line); bold {
		return matchArticle(inner)
	}
	num, title, ok = matchArticle(line)
	if !ok || title != "" {
		return "", "", false
	}
	return num, "", true
}

// unwrapBold returns the inside of a line fully wrapped in ** or __.
func unwrapBold(s string) (string, bool) {
	for _, m := range []string{"**", "__"} {
		if len(s) > 2*len(m) && strings.HasPrefix(s, m) && strings.HasSuffix(s, m) {
			inner := s[len(m) : len(s)-len(m)]
			if !strings.Contains(inner, m) {
				return strings.TrimSpace(inner), true
			}
		}
	}
	return "", false
}

// stripEmphasis drops emphasis markers wrapping a whole heading, as in
// "## **Neni 5**", so they do not hide the article word.
func stripEmphasis(s string) string {
	for len(s) > 2 && (s[0] == '*' || s[0] == '_') && s[len(s)-1] == s[0] {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

// cleanTitle strips the separator between number and title.
func cleanTitle(rest string) string {
	rest = strings.TrimSpace(rest)
	rest = strings.TrimLeft(rest, "–—-:.)")
	return strings.TrimSpace(stripEmphasis(strings.TrimSpace(rest)))
}

// ParseOutline returns the articles of body in order. It recognises ATX
// headings of any level, setext headings, and bold or bare "Neni 5" lines
// that start a paragraph; lines inside fenced code blocks are ignored.
func ParseOutline(body string) []Article {
	var arts []Article
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
		if a, ok := sc.articleAt(prevBlank); ok {
			arts = append(arts, a)
		}
		prevBlank = strings.TrimSpace(line) == "" || atxLevel(line) > 0
	}
	for i := range arts {
		if i+1 < len(arts) {
			arts[i].End = arts[i+1].Start
		} else {
			arts[i].End = len(body)
		}
	}
	return arts
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
		num, title, ok := matchArticle(text)
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
		num, title, ok = matchArticle(line)
	} else {
		num, title, ok = matchStandalone(line)
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
		if _, _, ok := matchArticle(t); ok {
			return ""
		}
		return stripEmphasis(t)
	}
	if _, _, ok := matchArticle(line); ok {
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

// atxLevel returns 1-6 for an ATX heading line, else 0.
func atxLevel(line string) int {
	if indent(line) > 3 {
		return 0
	}
	t := strings.TrimLeft(line, " ")
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(t) && t[n] != ' ' && t[n] != '\t') {
		return 0
	}
	return n
}

// atxText returns the heading text without the opening and closing #s.
func atxText(line string) string {
	t := strings.TrimSpace(strings.TrimLeft(strings.TrimLeft(line, " "), "#"))
	if u := strings.TrimRight(t, "#"); u != t && (u == "" || u[len(u)-1] == ' ' || u[len(u)-1] == '\t') {
		t = strings.TrimSpace(u)
	}
	return t
}

// setextLevel returns 1 for a "===" underline, 2 for "---", else 0.
func setextLevel(line string) int {
	t := strings.TrimSpace(line)
	if indent(line) > 3 || t == "" {
		return 0
	}
	switch {
	case strings.Trim(t, "=") == "":
		return 1
	case strings.Trim(t, "-") == "":
		return 2
	}
	return 0
}

func indent(line string) int {
	n := 0
	for n < len(line) && line[n] == ' ' {
		n++
	}
	if n < len(line) && line[n] == '\t' {
		return 4
	}
	return n
}

// opensFence returns the fence marker ("```", "~~~~", ...) that line opens.
func opensFence(line string) string {
	if indent(line) > 3 {
		return ""
	}
	t := strings.TrimLeft(line, " ")
	for _, c := range []byte{'`', '~'} {
		n := 0
		for n < len(t) && t[n] == c {
			n++
		}
		// A backtick fence's info string may not contain a backtick.
		if n >= 3 && (c == '~' || !strings.ContainsRune(t[n:], '`')) {
			return t[:n]
		}
	}
	return ""
}

func closesFence(line, fence string) bool {
	if indent(line) > 3 {
		return false
	}
	t := strings.TrimSpace(line)
	return len(t) >= len(fence) && strings.Trim(t, fence[:1]) == ""
}

// SeqIDs returns an ID generator yielding "a<n+1>", "a<n+2>", ... Pass the
// highest number ever issued for the document (see MaxIDNum) so IDs of
// deleted articles are not reused.
func SeqIDs(after int) func() string {
	n := after
	return func() string {
		n++
		return "a" + strconv.Itoa(n)
	}
}

// MaxIDNum returns the highest n among IDs "a<n>" in arts, or 0.
func MaxIDNum(arts []Article) int {
	max := 0
	for _, a := range arts {
		if n, err := strconv.Atoi(strings.TrimPrefix(a.ID, "a")); err == nil && strings.HasPrefix(a.ID, "a") && n > max {
			max = n
		}
	}
	return max
}

// Matching limits. The similarity search only looks at unmatched previous
// articles near where the current one would be, which keeps AssignIDs
// O(n·simWindow) instead of O(n²) for long regulations.
const (
	minJaccard  = 0.5
	sameJaccard = 0.8 // taken without looking further
	simWindow   = 16
)

// AssignIDs is AssignIDsWith with fresh IDs numbered after the highest ID in
// prev. An ID deleted in an earlier version than prev can therefore come
// back; callers that keep a per-document high-water mark should use
// AssignIDsWith(..., SeqIDs(mark)).
func AssignIDs(prev, cur []Article, bodyPrev, bodyCur string) {
	AssignIDsWith(prev, cur, bodyPrev, bodyCur, SeqIDs(MaxIDNum(prev)))
}

// AssignIDsWith sets cur[i].ID so an article keeps its identity across versions:
//  1. same (normalised) title as an unused previous article → its ID;
//  2. otherwise the unused previous article nearby whose body has the highest
//     word-set Jaccard similarity, if ≥ 0.5 → its ID;
//  3. otherwise nextID().
//
// Each previous ID is used at most once. Numbers are ignored, so renumbering
// keeps IDs. bodyPrev and bodyCur are the texts the Start/End offsets index.
// With no previous articles, IDs are simply handed out in order.
func AssignIDsWith(prev, cur []Article, bodyPrev, bodyCur string, nextID func() string) {
	prevOf := make([]int, len(cur)) // index into prev, or -1
	for i := range prevOf {
		prevOf[i] = -1
	}
	used := make([]bool, len(prev))
	matchByTitle(prev, cur, prevOf, used)
	matchBySimilarity(prev, cur, bodyPrev, bodyCur, prevOf, used)
	for i := range cur {
		if j := prevOf[i]; j >= 0 {
			cur[i].ID = prev[j].ID
		} else {
			cur[i].ID = nextID()
		}
	}
}

func normTitle(t string) string {
	return strings.Join(strings.Fields(strings.ToLower(t)), " ")
}

// matchByTitle pairs articles with equal non-empty titles, in document order
// when a title repeats.
func matchByTitle(prev, cur []Article, prevOf []int, used []bool) {
	byTitle := make(map[string][]int, len(prev))
	for j, a := range prev {
		if t := normTitle(a.Title); t != "" && a.ID != "" {
			byTitle[t] = append(byTitle[t], j)
		}
	}
	for i, a := range cur {
		t := normTitle(a.Title)
		if q := byTitle[t]; t != "" && len(q) > 0 {
			prevOf[i], used[q[0]] = q[0], true
			byTitle[t] = q[1:]
		}
	}
}

type simPair struct {
	cur, prev int
	score     float64
	dist      int // distance from the expected position; breaks ties
}

// matchBySimilarity pairs the remaining articles by body text. The previous
// article at the position implied by the nearest preceding match is tried
// first and taken outright when nearly identical (the usual renumbering or
// retitling case). Otherwise candidates within simWindow of that position
// are scored, and pairs are taken best score first so one good match is not
// stolen by an earlier, weaker one.
func matchBySimilarity(prev, cur []Article, bodyPrev, bodyCur string, prevOf []int, used []bool) {
	prevWords := make([][]uint64, len(prev))
	words := func(j int) []uint64 {
		if prevWords[j] == nil {
			prevWords[j] = wordSet(sectionBody(bodyPrev, prev[j]))
		}
		return prevWords[j]
	}
	var pairs []simPair
	lastCur, lastPrev := -1, -1
	for i := range cur {
		if prevOf[i] >= 0 {
			lastCur, lastPrev = i, prevOf[i]
			continue
		}
		center := lastPrev + (i - lastCur)
		text := sectionBody(bodyCur, cur[i])
		if center < len(prev) && !used[center] && prev[center].ID != "" &&
			(text == sectionBody(bodyPrev, prev[center]) || Jaccard(wordSet(text), words(center)) >= sameJaccard) {
			prevOf[i], used[center] = center, true
			lastCur, lastPrev = i, center
			continue
		}
		w := wordSet(text)
		for j := max(0, center-simWindow); j < min(len(prev), center+simWindow+1); j++ {
			if used[j] || prev[j].ID == "" {
				continue
			}
			if s := Jaccard(w, words(j)); s >= minJaccard {
				pairs = append(pairs, simPair{i, j, s, abs(j - center)})
			}
		}
	}
	// Pairs were appended in (cur, prev) order, so ordering ties by those is
	// the stable sort's order, at an unstable sort's cost (a stable sort of
	// three million pairs took most of a 5 MiB save).
	slices.SortFunc(pairs, func(a, b simPair) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.dist, b.dist), cmp.Compare(a.cur, b.cur), cmp.Compare(a.prev, b.prev))
	})
	for _, p := range pairs {
		if prevOf[p.cur] < 0 && !used[p.prev] {
			prevOf[p.cur], used[p.prev] = p.prev, true
		}
	}
}

// sectionBody is the article text after its heading line; the heading holds
// the number, which changes on renumbering and must not count.
func sectionBody(body string, a Article) string {
	if a.Start < 0 || a.End > len(body) || a.Start > a.End {
		return ""
	}
	s := body[a.Start:a.End]
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return ""
}

// wordSet returns the sorted, distinct FNV-1a hashes of the lowercased words
// of s. Hashes keep the sets small and make Jaccard a linear merge.
func wordSet(s string) []uint64 {
	set := make([]uint64, 0, len(s)/6)
	const offset, prime = 14695981039346656037, 1099511628211
	// Pairs of adjacent words, not single words: articles of one regulation
	// share most of their vocabulary, so single-word overlap calls unrelated
	// articles similar; word pairs keep phrasing and tell them apart.
	h, prev, inWord := uint64(offset), uint64(0), false
	add := func(r rune) {
		h, inWord = (h^uint64(r))*prime, true
	}
	flush := func() {
		if inWord {
			if prev != 0 {
				set = append(set, (prev^(h>>1))*prime)
			}
			prev = h
		}
		h, inWord = offset, false
	}
	for i := 0; i < len(s); {
		// ASCII fast path: most of an Albanian draft is ASCII.
		if c := s[i]; c < utf8.RuneSelf {
			switch {
			case isASCIILetter(c):
				add(rune(c | 0x20))
			case c >= '0' && c <= '9':
				add(rune(c))
			default:
				flush()
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			add(unicode.ToLower(r))
		} else {
			flush()
		}
	}
	flush()
	slices.Sort(set)
	return slices.Compact(set) // non-nil even when empty: marks "computed"
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// Jaccard is the similarity |a∩b| / |a∪b| of two sorted sets of distinct
// hashes; 0 when either is empty. The redline aligns articles with it too.
func Jaccard(a, b []uint64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}
