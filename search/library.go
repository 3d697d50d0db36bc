package search

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"policydesk/drafts"
	"policydesk/drafts/attachments"
	"policydesk/review"
)

// Library builds search entries from Policy Desk's stores: a document's
// title and preamble, each article of its newest version, its comments and
// the text of its attachments. It reads stored text only — attachments are
// read once, by the Extraction worker — so building a document's entries
// takes the same short time whatever files it carries.
type Library struct {
	Docs        drafts.DocumentStore
	Comments    review.Store
	Attachments attachments.AttachmentStore
	// Texts holds the attachments' extracted text; nil, or an attachment
	// not read yet, is found by its name only.
	Texts TextStore
	IDs   func(ctx context.Context) ([]int64, error)
}

// DocumentIDs lists every document.
func (l *Library) DocumentIDs(ctx context.Context) ([]int64, error) { return l.IDs(ctx) }

// DocumentEntries builds the entries of one document as it is now.
func (l *Library) DocumentEntries(ctx context.Context, docID int64) ([]Entry, error) {
	doc, err := l.Docs.FindDocument(ctx, docID)
	if err != nil {
		return nil, err
	}
	head, err := l.Docs.FindVersion(ctx, docID, doc.Head)
	if err != nil {
		return nil, err
	}
	members, err := l.Docs.FindMembers(ctx, docID)
	if err != nil {
		return nil, err
	}
	readers := make([]int64, 0, len(members))
	for _, m := range members {
		readers = append(readers, m.UserID)
	}
	base := Entry{DocumentID: docID, Title: doc.Title, Kind: doc.Kind, Status: doc.Status, Language: doc.Language,
		Visibility: doc.Visibility, Year: doc.UpdatedAt.Year(), Readers: readers, Owner: doc.CreatedBy}
	entries := articleEntries(base, head)
	comments, err := l.Comments.FindComments(ctx, review.CommentFilter{DocumentID: docID})
	if err != nil {
		return nil, err
	}
	for _, c := range comments {
		e := base
		e.ID, e.Type, e.CommentID = "comment:"+strconv.FormatInt(c.ID, 10), TypeComment, c.ID
		e.ArticleID, e.ArticleNum = c.ArticleID, c.ArticleNum
		parts := []string{c.Body, c.Suggestion, c.Quote}
		for _, r := range c.Replies {
			parts = append(parts, r.Body)
		}
		e.Text = strings.Join(parts, "\n")
		entries = append(entries, e)
	}
	atts, err := l.Attachments.FindAttachments(ctx, docID)
	if err != nil {
		return nil, err
	}
	texts := map[int64]*AttachmentText{}
	if l.Texts != nil && len(atts) > 0 {
		if texts, err = l.Texts.AttachmentTexts(ctx, docID); err != nil {
			return nil, err
		}
	}
	for _, a := range atts {
		text := ""
		if t := texts[a.ID]; t != nil && t.Status == TextDone {
			text = t.Text
		}
		// A long text is indexed in parts, like a document in articles:
		// each is ranked on its own length and its snippet shows the
		// words found, wherever they are in the file.
		id := "att:" + strconv.FormatInt(a.ID, 10)
		for i, part := range splitText(text, AttachmentPartBytes) {
			e := base
			e.ID, e.Type, e.AttachmentID, e.Heading = id, TypeAttachment, a.ID, a.Filename
			e.Text = part
			if i == 0 {
				e.Text = a.Filename + "\n" + part
			} else {
				e.ID = id + ":" + strconv.Itoa(i+1)
			}
			entries = append(entries, e)
		}
	}
	return entries, nil
}

// AttachmentPartBytes is about the size of each indexed part of an
// attachment's text: a few pages.
const AttachmentPartBytes = 16 << 10

// splitText cuts text into parts of at most size bytes, after the last
// paragraph break, line break or space in the second half of each part
// when there is one, never inside a rune. The parts join back into text;
// an empty text is one empty part.
func splitText(text string, size int) []string {
	var parts []string
	for len(text) > size {
		cut := -1
		for _, sep := range []string{"\n\n", "\n", " "} {
			if i := strings.LastIndex(text[:size], sep); i >= size/2 {
				cut = i + len(sep)
				break
			}
		}
		if cut < 0 {
			cut = size
			for cut > 0 && !utf8.RuneStart(text[cut]) {
				cut--
			}
		}
		parts = append(parts, text[:cut])
		text = text[cut:]
	}
	return append(parts, text)
}

// articleEntries splits the head version into a title/preamble entry and
// one entry per article, so a hit links to the exact article.
func articleEntries(base Entry, v *drafts.Version) []Entry {
	id := "doc:" + strconv.FormatInt(base.DocumentID, 10)
	first := base
	first.ID, first.Type = id+":_", TypeDocument
	if len(v.Outline) == 0 {
		first.Text = v.Body
		return []Entry{first}
	}
	first.Text = v.Body[:v.Outline[0].Start]
	entries := []Entry{first}
	for _, a := range v.Outline {
		if a.Start < 0 || a.End > len(v.Body) || a.Start > a.End {
			continue
		}
		e := base
		e.ID, e.Type = id+":"+a.ID, TypeDocument
		e.ArticleID, e.ArticleNum, e.Heading, e.Text = a.ID, a.Num, a.Heading, v.Body[a.Start:a.End]
		entries = append(entries, e)
	}
	return entries
}
