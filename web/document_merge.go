package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/merge3"
)

// The merge page: a save refused because someone saved first shows each
// conflict as the two wordings side by side with a choice per conflict
// (mine, theirs, or typed), and the agreed text between them; a clean
// merge is shown as good news, in the editor. The form posts the choices
// with the editor's own text and the two version numbers, and the server
// rebuilds the same merge (merge3 is deterministic) to settle it.

// contextLines is how many agreed lines are shown next to a conflict
// before the rest of an agreed run folds away.
const contextLines = 3

// mergePart is one part of the merge page: agreed text (Before, Folded,
// After) or a conflict.
type mergePart struct {
	Conflict              bool
	Before, Folded, After string
	FoldedLines           int

	Index       int // the conflict's number from 0, its fields' suffix
	Mine, Their []merge3.Span
	MineText    string
	BaseText    string
	BaseEmpty   bool
	Keep, Text  string // what was chosen and typed
	Error       string // why the conflict was refused, beside it
}

// mergePage is the merge page for the refused save m, with the choices as
// posted (nil for a first showing) and the refusal of the last try.
func (s *Server) mergePage(r *http.Request, doc *drafts.Document, m *drafts.MergeReview, posted url.Values, message string, failed error) (reply, error) {
	parts, err := s.mergeParts(r, m, posted, failed)
	if err != nil {
		return reply{}, err
	}
	data := map[string]any{"Title": s.tr(r, "edit.merge.title_conflict", "Title", doc.Title), "Doc": doc, "M": m, "Parts": parts,
		"Clean": m.Merged.Clean(), "Conflicts": m.Merged.Conflicts(), "Theirs": strings.Join(m.Savers, ", "),
		"Message": message, "LeftForms": s.pluralForms(r, "edit.merge.left")}
	left := 0
	for _, p := range parts {
		if p.Conflict && p.Keep == "" {
			left++
		}
	}
	data["Left"] = left
	// The save did not happen (409), even when the merge is clean: then
	// the page is good news and the editor saves the merged text.
	status := http.StatusConflict
	if m.Merged.Clean() {
		data["Title"] = s.tr(r, "edit.merge.title_merged", "Title", doc.Title)
	}
	if failed != nil {
		status = statusOf(failed)
		if policydesk.ErrorField(failed) == "" {
			data["Error"] = s.errorMessage(r, failed)
		}
	}
	return reply{view: "conflict", status: status, data: data}, nil
}

// mergeParts lays the merge out for the page: agreed runs folded in the
// middle, and each conflict's wordings compared word by word.
func (s *Server) mergeParts(r *http.Request, m *drafts.MergeReview, posted url.Values, failed error) ([]mergePart, error) {
	field := policydesk.ErrorField(failed)
	out := make([]mergePart, 0, len(m.Merged.Parts))
	words := merge3.NewComparer(r.Context())
	k := 0
	for i, p := range m.Merged.Parts {
		if !p.Conflict {
			out = append(out, agreedPart(p.Lines, i == 0, i == len(m.Merged.Parts)-1))
			continue
		}
		mine, their := strings.Join(p.Mine, "\n"), strings.Join(p.Head, "\n")
		mp := mergePart{Conflict: true, Index: k, MineText: mine, BaseText: strings.Join(p.Base, "\n"), BaseEmpty: len(p.Base) == 0,
			Keep: posted.Get("choice-" + strconv.Itoa(k)), Text: mine}
		if posted.Has("text-" + strconv.Itoa(k)) {
			mp.Text = posted.Get("text-" + strconv.Itoa(k))
		}
		if field == drafts.ConflictField(k) {
			mp.Error = s.errorMessage(r, failed)
		}
		var spans []merge3.Span
		err := s.Drafts.Heavy(r.Context(), func() (err error) {
			spans, err = words.Compare(mine, their)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, sp := range spans {
			if sp.Kind != "ins" {
				mp.Mine = append(mp.Mine, sp)
			}
			if sp.Kind != "del" {
				mp.Their = append(mp.Their, sp)
			}
		}
		out = append(out, mp)
		k++
	}
	return out, nil
}

// agreedPart shows agreed lines as context: next to a conflict a few
// lines, the rest folded away; at the start of the text only the lines
// before the first conflict, at the end only those after the last.
func agreedPart(lines []string, first, last bool) mergePart {
	before, after := contextLines, contextLines
	if first {
		before = 0
	}
	if last {
		after = 0
	}
	if len(lines) <= before+after+2 {
		return mergePart{Before: strings.Join(lines, "\n")}
	}
	return mergePart{Before: strings.Join(lines[:before], "\n"), Folded: strings.Join(lines[before:len(lines)-after], "\n"),
		FoldedLines: len(lines) - before - after, After: strings.Join(lines[len(lines)-after:], "\n")}
}

// pageSaveMerge settles the conflicts of a refused save as chosen and
// saves the result onto the version saved first. A conflict left without
// a choice shows the page again with the message beside it and every
// choice kept; a head that moved again is a new merge page.
func (s *Server) pageSaveMerge(r *http.Request, id int64) (reply, error) {
	base, _ := strconv.Atoi(r.PostFormValue("base"))
	head, _ := strconv.Atoi(r.PostFormValue("head"))
	mine, message := r.PostFormValue("mine"), r.PostFormValue("message")
	m, err := s.Drafts.ReviewMerge(r.Context(), id, base, head, mine)
	if err != nil {
		return reply{}, err
	}
	doc, _, err := s.Drafts.Document(r.Context(), id)
	if err != nil {
		return reply{}, err
	}
	choices := make([]drafts.Choice, m.Merged.Conflicts())
	for k := range choices {
		n := strconv.Itoa(k)
		choices[k] = drafts.Choice{Keep: r.PostFormValue("choice-" + n), Text: r.PostFormValue("text-" + n)}
	}
	text, err := m.Settle(choices)
	if err != nil {
		return s.mergePage(r, doc, m, r.PostForm, message, err)
	}
	v, err := s.Drafts.SaveVersion(r.Context(), id, head, text, message)
	var conflict *drafts.ConflictError
	switch {
	case err == nil:
		return seeOther(noticeURL(docURL(id), noticeVersionSaved, "", v.Number)), nil
	case errors.As(err, &conflict):
		// Someone saved again: the settled text is now the editor's own,
		// to merge onto the newer version; the old choices no longer apply.
		return s.mergePage(r, doc, conflict.Review, nil, message, nil)
	case slices.Contains(textRefusals, policydesk.ErrorCode(err)):
		return s.mergePage(r, doc, m, r.PostForm, message, err)
	}
	return reply{}, err
}
