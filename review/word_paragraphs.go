package review

import (
	"cmp"
	"strings"
	"unicode"

	"policydesk/review/docx"
)

// insertedWhole says whether a paragraph is new: the reviewer typed it
// whole with tracking on, so it has no words of the version.
func insertedWhole(p docx.ReviewParagraph) bool {
	if strings.TrimSpace(p.Original) != "" || len(p.Changes) == 0 {
		return false
	}
	for _, c := range p.Changes {
		if c.Kind != "insert" {
			return false
		}
	}
	return true
}

// addedRun is a run of new paragraphs [from, to) and the paragraph of the
// version they are suggested beside: at, the one before them (after
// false), or the one after them when they open the document (after true).
type addedRun struct {
	from, to, at int
	before       bool
}

// addedParagraphs finds the runs of new paragraphs and their neighbours.
func addedParagraphs(paras []docx.ReviewParagraph) []addedRun {
	var out []addedRun
	prev := -1
	for p := 0; p < len(paras); p++ {
		if !insertedWhole(paras[p]) {
			if strings.TrimSpace(paras[p].Original) != "" {
				prev = p
			}
			continue
		}
		run := addedRun{from: p, at: prev}
		for p < len(paras) && insertedWhole(paras[p]) {
			p++
		}
		run.to = p
		if run.at < 0 {
			for next := p; next < len(paras); next++ {
				if strings.TrimSpace(paras[next].Original) != "" {
					run.at, run.before = next, true
					break
				}
			}
		}
		out = append(out, run)
		p--
	}
	return out
}

// addParagraphs imports a run of new paragraphs as one suggestion on the
// last word of the paragraph before them (the first word of the one after
// them at the start): that word, then the new paragraphs. Applied, it
// adds them where the reviewer typed them.
func (w *wordItems) addParagraphs(paras []docx.ReviewParagraph, a addedRun) {
	var texts []string
	for _, p := range paras[a.from:a.to] {
		var b strings.Builder
		for _, c := range p.Changes {
			b.WriteString(c.Inserted)
		}
		if t := strings.TrimSpace(b.String()); t != "" {
			texts = append(texts, t)
		}
	}
	if len(texts) == 0 {
		return
	}
	added := strings.Join(texts, "\n\n")
	author := cmp.Or(paras[a.from].Changes[0].Author, "?")
	start, end, ok := 0, 0, a.at >= 0
	var quote string
	if ok {
		text := strings.TrimRightFunc(paras[a.at].Original, unicode.IsSpace)
		qa, qb := wordSpan(text, len(text), len(text))
		if a.before {
			qa, qb = wordSpan(text, 0, 0)
		}
		quote = text[qa:qb]
		start, end, ok = w.al.bodySpan(a.at, qa, qb)
	}
	if !ok || strings.TrimSpace(quote) == "" {
		w.unanchored("insert", author, w.t.Sentence(w.lang, "A tracked change whose words were not found in the version: “%s” → “%s”. Paragraph: “%s”",
			"", clip(added, 2000), clip(added, 500)))
		return
	}
	suggestion := w.v.Body[start:end] + "\n\n" + added
	if a.before {
		// From the start of its line, so that a heading's or an item's
		// markup stays on the word after the new paragraphs.
		start = strings.LastIndexByte(w.v.Body[:start], '\n') + 1
		suggestion = added + "\n\n" + w.v.Body[start:end]
	}
	cm := w.anchored(start, end, word(author, w.t.Sentence(w.lang, "New paragraph inserted in Word.")))
	cm.Suggestion, cm.HasSuggestion = clean(suggestion, MaxCommentRunes), true
	w.sum.Suggestions++
}
