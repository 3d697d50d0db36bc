package review

import (
	"context"
	"regexp"
	"strings"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/outline"
	"policydesk/review/anchor"
)

// NewComment is what a reviewer sends: the words they selected with some
// context before and after, their remark and optionally better wording.
type NewComment struct {
	Version                     int
	Round                       int
	Quote, Prefix, Suffix, Body string
	Suggestion                  *string
}

// AddComment anchors a comment to the quoted words of a version. The quote
// must be in that version (EInvalid otherwise).
func (s *Service) AddComment(ctx context.Context, docID int64, in NewComment) (*Comment, error) {
	doc, access, err := s.Drafts.Document(ctx, docID)
	if err != nil {
		return nil, err
	}
	if !access.Comment {
		return nil, policydesk.Errorf(policydesk.EForbidden, "You may read this document but not comment on it.")
	}
	if err := validateComment(&in); err != nil {
		return nil, err
	}
	v, err := s.commentedVersion(ctx, doc, &in)
	if err != nil {
		return nil, err
	}
	start, end, ok := anchor.Locate(v.Body, anchor.Selector{Quote: in.Quote, Prefix: in.Prefix, Suffix: in.Suffix})
	if !ok {
		return nil, policydesk.Errorf(policydesk.EInvalid, "The quoted words are not in version %d; select them again in the proposed text.", in.Version).On("quote")
	}
	u := policydesk.UserFromContext(ctx)
	c := &Comment{DocumentID: docID, Round: in.Round, Version: in.Version,
		Start: anchor.RuneOffset(v.Body, start), End: anchor.RuneOffset(v.Body, end),
		Quote: v.Body[start:end], Prefix: in.Prefix, Suffix: in.Suffix, Body: in.Body,
		AuthorID: u.ID, Author: u.Login, AuthorName: u.Name, Organisation: u.Organisation,
		Status: "open", CreatedAt: s.Drafts.Now().UTC(), Replies: []*Reply{}}
	if in.Suggestion != nil {
		c.Suggestion, c.HasSuggestion = *in.Suggestion, true
	}
	if art, ok := articleAt(v.Outline, start); ok {
		c.ArticleID, c.ArticleNum = art.ID, art.Num
	}
	c.Paragraph = paragraphAt(v.Body, start)
	audit := s.Drafts.AuditEntry(ctx, "comment.create", "document", itoa(docID), "on version %d", in.Version)
	if err := s.Store.CreateComment(ctx, c, audit); err != nil {
		return nil, err
	}
	c.Anchor = Anchor{Version: c.Version, Start: c.Start, End: c.End}
	return c, nil
}

// commentedVersion returns the version a new comment is on and sets
// in.Version to it: the round's version for a comment in a round (which must
// be open), else the version named, else the head.
func (s *Service) commentedVersion(ctx context.Context, doc *drafts.Document, in *NewComment) (*drafts.Version, error) {
	if in.Round != 0 {
		r, err := s.Store.FindRound(ctx, doc.ID, in.Round)
		if policydesk.ErrorCode(err) == policydesk.ENotFound {
			return nil, policydesk.Errorf(policydesk.EInvalid, "There is no round %d.", in.Round)
		} else if err != nil {
			return nil, err
		}
		if r.Status != "open" {
			return nil, policydesk.Errorf(policydesk.EConflict, "Round %d is closed; comments are no longer accepted.", in.Round)
		}
		if in.Version == 0 {
			in.Version = r.Version
		} else if in.Version != r.Version {
			return nil, policydesk.Errorf(policydesk.EInvalid, "Round %d is on version %d; comment on that version.", in.Round, r.Version)
		}
	}
	if in.Version == 0 {
		in.Version = doc.Head
	}
	v, err := s.Drafts.Version(ctx, doc.ID, in.Version)
	if policydesk.ErrorCode(err) == policydesk.ENotFound {
		return nil, policydesk.Errorf(policydesk.EInvalid, "Version %d does not exist.", in.Version)
	}
	return v, err
}

// articleAt finds the article holding byte offset pos.
func articleAt(arts []outline.Article, pos int) (outline.Article, bool) {
	for _, a := range arts {
		if pos >= a.Start && pos < a.End {
			return a, true
		}
	}
	return outline.Article{}, false
}

var paragraphNumber = regexp.MustCompile(`^\s*(?:[-*]\s+)?(\d+(?:\.\d+)*)\.?\s`)

// paragraphAt returns the number ("2", "1.3") of the numbered paragraph
// holding pos: the nearest line at or above pos starting with one, within
// the same block of text.
func paragraphAt(body string, pos int) string {
	lineStart := strings.LastIndexByte(body[:pos], '\n') + 1
	for {
		end := strings.IndexByte(body[lineStart:], '\n')
		line := body[lineStart:]
		if end >= 0 {
			line = body[lineStart : lineStart+end]
		}
		if m := paragraphNumber.FindStringSubmatch(line); m != nil {
			return m[1]
		}
		if strings.HasPrefix(strings.TrimSpace(line), "#") || lineStart == 0 {
			return ""
		}
		lineStart = strings.LastIndexByte(body[:lineStart-1], '\n') + 1
	}
}
