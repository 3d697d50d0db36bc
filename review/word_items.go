package review

import (
	"cmp"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/textkit"
	"policydesk/review/anchor"
	"policydesk/review/docx"
)

// WordImportSummary is what importing a review from Word made.
type WordImportSummary struct {
	// Comments counts Word's comments imported (anchored or not),
	// Suggestions the tracked changes, Replies the answers in Word's
	// comment threads.
	Comments    int `json:"comments"`
	Suggestions int `json:"suggestions"`
	Replies     int `json:"replies"`
	// Unanchored are the items whose words were not found in the round's
	// version: each became a comment on the document, with its text.
	Unanchored []UnanchoredItem `json:"unanchored"`
	// Threads is false when the file had no reply threads (Word before
	// 2013, LibreOffice): each comment was imported on its own.
	Threads bool `json:"threads"`
	// Created are the comments the import made (with their replies), in
	// the file's order.
	Created []*Comment `json:"-"`
}

// UnanchoredItem is an item of a Word review whose words were not found.
type UnanchoredItem struct {
	Kind   string `json:"kind"` // comment | insert | delete | replace
	Text   string `json:"text"`
	Author string `json:"author"`
}

// contextRunes is how much text around an imported anchor its prefix and
// suffix keep.
const contextRunes = 40

// wordItems turns a parsed Word review into comments on one version.
type wordItems struct {
	lang     string
	t        policydesk.Translator
	v        *drafts.Version
	offsets  *anchor.Offsets
	al       *wordAligner
	base     Comment // what every imported comment shares
	comments []*Comment
	sum      WordImportSummary
}

// add makes the comments of every tracked change and every comment.
func (w *wordItems) add(rv *docx.Review) {
	need := map[int]bool{}
	for p, para := range rv.Paragraphs {
		need[p] = len(para.Changes) > 0
	}
	for _, cm := range rv.Comments {
		need[cm.StartPara], need[cm.EndPara] = true, true
	}
	added := addedParagraphs(rv.Paragraphs)
	for _, a := range added {
		need[a.at] = true
	}
	w.al.alignAll(need)
	for p, para := range rv.Paragraphs {
		if insertedWhole(para) {
			continue
		}
		for _, c := range para.Changes {
			w.change(p, para.Original, c)
		}
	}
	for _, a := range added {
		w.addParagraphs(rv.Paragraphs, a)
	}
	byID := map[string]*Comment{}
	words := make(map[string]*docx.Comment, len(rv.Comments))
	for _, cm := range rv.Comments {
		words[cm.ID] = cm
	}
	for _, cm := range rv.Comments {
		if root := threadRoot(words, cm); root != cm && byID[root.ID] != nil {
			w.reply(byID[root.ID], cm)
			continue
		}
		byID[cm.ID] = w.comment(rv, cm)
	}
	w.sum.Threads = rv.Replies
}

// threadRoot follows a comment's Parent to the comment that started its
// thread (a cycle or a dangling parent ends it).
func threadRoot(byID map[string]*docx.Comment, cm *docx.Comment) *docx.Comment {
	root := cm
	for range 10 {
		if root.Parent == "" {
			return root
		}
		p := byID[root.Parent]
		if p == nil {
			return root
		}
		root = p
	}
	return root
}

// change imports one tracked change as a suggestion on the words it
// touches, widened to whole words.
func (w *wordItems) change(p int, text string, c docx.Change) {
	author := cmp.Or(c.Author, "?")
	qa, qb := changeSpan(text, c)
	start, end, ok := 0, 0, qb > qa
	if ok {
		start, end, ok = w.al.bodySpan(p, qa, qb)
	}
	if ok && longer(w.v.Body[start:end], MaxQuoteRunes) {
		ok = false
	}
	if !ok {
		what := w.t.Sentence(w.lang, "A tracked change whose words were not found in the version: “%s” → “%s”. Paragraph: “%s”",
			c.Deleted, c.Inserted, clip(text, 500))
		w.unanchored(c.Kind, author, what)
		return
	}
	// The words around the change that the quote widened to stay.
	suggestion := text[qa:min(max(c.Start, qa), qb)] + c.Inserted + text[min(max(c.End, qa), qb):qb]
	cm := w.anchored(start, end, word(author, w.changeSentence(c.Kind)))
	cm.Suggestion, cm.HasSuggestion = clean(suggestion, MaxCommentRunes), true
	w.sum.Suggestions++
}

// changeSpan is the quote of a change: its words widened to whole words,
// and, when it deletes the space before (or after) them, the word before
// (after) too, so that the suggestion can leave one space, not two.
func changeSpan(text string, c docx.Change) (int, int) {
	qa, qb := wordSpan(text, c.Start, c.End)
	if c.Start < qa && c.Start > 0 {
		if a, _ := wordSpan(text, c.Start, c.Start); a <= c.Start {
			qa = a
		}
	} else if c.End > qb && c.End < len(text) {
		if _, b := wordSpan(text, c.End, c.End); b >= c.End {
			qb = b
		}
	}
	return qa, qb
}

// changeSentence says in the document's language what kind of change a
// suggestion came from.
func (w *wordItems) changeSentence(kind string) string {
	switch kind {
	case "insert":
		return w.t.Sentence(w.lang, "Tracked insertion in Word.")
	case "delete":
		return w.t.Sentence(w.lang, "Tracked deletion in Word.")
	}
	return w.t.Sentence(w.lang, "Tracked replacement in Word.")
}

// comment imports one Word comment on the words it covers.
func (w *wordItems) comment(rv *docx.Review, cm *docx.Comment) *Comment {
	author := cmp.Or(cm.Author, cm.Initials, "?")
	w.sum.Comments++
	if start, end, ok := w.commentSpan(rv, cm); ok {
		return w.anchored(start, end, word(author, cm.Text))
	}
	covered := ""
	if cm.Placed && cm.StartPara < len(rv.Paragraphs) {
		text := rv.Paragraphs[cm.StartPara].Original
		end := len(text)
		if cm.EndPara == cm.StartPara {
			end = max(cm.End, cm.Start)
		}
		covered = clip(text[min(cm.Start, len(text)):min(end, len(text))], 500)
	}
	what := cm.Text
	if covered != "" {
		what += "\n" + w.t.Sentence(w.lang, "(On the words “%s”, which were not found in the version.)", covered)
	}
	w.unanchored("comment", author, what)
	return w.comments[len(w.comments)-1]
}

// commentSpan is the body span of the words a comment covers, over
// paragraphs if it spans several (its first paragraph only if the whole
// would be too long a quote).
func (w *wordItems) commentSpan(rv *docx.Review, cm *docx.Comment) (int, int, bool) {
	if !cm.Placed || cm.StartPara >= len(rv.Paragraphs) {
		return 0, 0, false
	}
	first := rv.Paragraphs[cm.StartPara].Original
	endInFirst := len(first)
	if cm.EndPara == cm.StartPara {
		endInFirst = max(cm.Start, cm.End)
	}
	qa, qb := wordSpan(first, min(cm.Start, len(first)), min(endInFirst, len(first)))
	start, end, ok := w.al.bodySpan(cm.StartPara, qa, qb)
	if !ok {
		return 0, 0, false
	}
	if cm.EndPara > cm.StartPara && cm.EndPara < len(rv.Paragraphs) {
		last := rv.Paragraphs[cm.EndPara].Original
		la, lb := wordSpan(last, 0, min(cm.End, len(last)))
		if _, e, ok := w.al.bodySpan(cm.EndPara, la, lb); ok && e > end && !longer(w.v.Body[start:e], MaxQuoteRunes) {
			end = e
		}
	}
	if longer(w.v.Body[start:end], MaxQuoteRunes) {
		end = start + len(clip(w.v.Body[start:end], MaxQuoteRunes))
	}
	return start, end, true
}

// reply imports an answer in a Word thread as a reply to its comment.
func (w *wordItems) reply(c *Comment, cm *docx.Comment) {
	c.Replies = append(c.Replies, &Reply{AuthorID: w.base.AuthorID, Author: w.base.Author, Name: w.base.AuthorName,
		Organisation: w.base.Organisation, Body: word(cmp.Or(cm.Author, cm.Initials, "?"), cm.Text), CreatedAt: w.base.CreatedAt})
	w.sum.Replies++
}

// anchored makes a comment on body bytes [start,end) of the version.
func (w *wordItems) anchored(start, end int, body string) *Comment {
	c := w.base
	c.Replies = []*Reply{}
	c.Start, c.End = w.offsets.RuneOffset(start), w.offsets.RuneOffset(end)
	c.Quote = w.v.Body[start:end]
	c.Prefix = lastRunes(w.v.Body[:start], contextRunes)
	c.Suffix = clip(w.v.Body[end:], contextRunes)
	c.Body = body
	if art, ok := articleAt(w.v.Outline, start); ok {
		c.ArticleID, c.ArticleNum = art.ID, art.Num
	}
	c.Paragraph = paragraphAt(w.v.Body, start)
	w.comments = append(w.comments, &c)
	return &c
}

// unanchored makes a comment on the document, not on words, saying what
// Word's author wrote or changed.
func (w *wordItems) unanchored(kind, author, what string) {
	c := w.base
	c.Replies = []*Reply{}
	c.Body = word(author, what)
	w.comments = append(w.comments, &c)
	w.sum.Unanchored = append(w.sum.Unanchored, UnanchoredItem{Kind: kind, Text: clean(what, MaxCommentRunes), Author: author})
}

// word is an imported text with Word's author name kept in front. Its
// @mentions notify like a typed comment's, but a text mentioning more
// people than a comment may has its "@"s made full-width, mentioning no
// one.
func word(author, text string) string {
	s := clean(fmt.Sprintf("[Word: %s] %s", clean(author, 200), text), MaxCommentRunes)
	if len(Mentions(s)) > MaxMentions {
		s = strings.ReplaceAll(s, "@", "＠")
	}
	return s
}

// clean makes text from a file storable as a comment: line breaks made
// LF, control and invisible characters taken out, at most max characters.
func clean(s string, max int) string {
	s = textkit.Newlines(strings.ToValidUTF8(s, "\uFFFD"))
	s = strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) || textkit.Invisible(r) {
			return -1
		}
		return r
	}, s)
	return clip(strings.TrimSpace(s), max)
}

// clip cuts s to at most n characters, reading no further.
func clip(s string, n int) string {
	i := 0
	for k := 0; k < n; k++ {
		if i >= len(s) {
			return s
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// longer tells whether s has more than n characters, reading at most
// about 4n bytes of it.
func longer(s string, n int) bool {
	if len(s) <= n {
		return false
	}
	return len(s) > 4*n || utf8.RuneCountInString(s) > n
}

// lastRunes is the last n characters of s.
func lastRunes(s string, n int) string {
	i := len(s)
	for k := 0; k < n && i > 0; k++ {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return s[i:]
}
