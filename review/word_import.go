package review

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/review/anchor"
	"policydesk/review/docx"
)

// MaxWordReviewBytes bounds the .docx file of a review import; its parts
// are bounded again by docx.MaxUncompressed once opened.
const MaxWordReviewBytes = 20 << 20

// WordImport is one review file imported into a round, as the store keeps
// it: the file's SHA-256 makes a second import of the same file refused.
// Comments are stored with their replies, all or none.
type WordImport struct {
	DocumentID int64
	Round      int
	SHA256     string
	ReviewerID int64
	ImportedBy int64
	At         time.Time
	Comments   []*Comment
	// Audit makes the audit entry of a comment (r nil) or of one of its
	// replies once the comment has its id: the same entries as a comment
	// or a reply made on the page, so their notifications follow.
	Audit func(c *Comment, r *Reply) *policydesk.AuditEntry
}

// WordImportStore keeps imported reviews.
type WordImportStore interface {
	// ImportWordReview stores imp's comments and replies and records its
	// file in one transaction: EConflict if the round is closed or the
	// same file (SHA256) was imported into it before, and then nothing is
	// written.
	ImportWordReview(ctx context.Context, imp *WordImport) error
}

// ImportWordReview imports a reviewer's returned .docx into an open round:
// each Word comment becomes a comment on the words it covers in the
// round's version, each tracked change a comment with the suggested
// wording, attributed to reviewer (a login of the round's reviewers; ""
// is the caller, who must then be one), with Word's author kept in the
// text. What is not found in the version becomes a comment on the
// document. Editors of the document and the reviewer may import.
func (s *Service) ImportWordReview(ctx context.Context, docID int64, number int, reviewer string, file []byte) (*WordImportSummary, error) {
	doc, access, err := s.Drafts.Document(ctx, docID)
	if err != nil {
		return nil, err
	}
	round, who, err := s.importTarget(ctx, docID, number, reviewer, access)
	if err != nil {
		return nil, err
	}
	if len(file) > MaxWordReviewBytes {
		return nil, policydesk.Errorf(policydesk.ETooLarge, "The file is larger than %d MB.", MaxWordReviewBytes>>20)
	}
	v, err := s.Drafts.Version(ctx, docID, round.Version)
	if err != nil {
		return nil, err
	}
	var items *wordItems
	err = s.Drafts.Heavy(ctx, func() error {
		pkg, err := docx.Open(bytes.NewReader(file), int64(len(file)))
		if err != nil {
			return err
		}
		rv, err := docx.ReadReview(pkg)
		if err != nil {
			return err
		}
		items = s.wordComments(doc, v, round, who, rv)
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(file)
	imp := &WordImport{DocumentID: docID, Round: number, SHA256: hex.EncodeToString(sum[:]), ReviewerID: who.ID,
		ImportedBy: policydesk.UserFromContext(ctx).ID, At: s.Drafts.Now().UTC(), Comments: items.comments,
		Audit: func(c *Comment, r *Reply) *policydesk.AuditEntry {
			if r != nil {
				return s.Drafts.AuditEntry(ctx, "comment.reply", "comment", itoa(c.ID), "reply %d", NewID)
			}
			return s.Drafts.AuditEntry(ctx, "comment.create", "document", itoa(docID), "comment %d on version %d", NewID, c.Version)
		}}
	if err := s.Store.ImportWordReview(ctx, imp); err != nil {
		return nil, err
	}
	if items.sum.Unanchored == nil {
		items.sum.Unanchored = []UnanchoredItem{}
	}
	items.sum.Created = items.comments
	return &items.sum, nil
}

// importTarget checks that the round is open, that the reviewer is one of
// its reviewers and that the caller may import for them.
func (s *Service) importTarget(ctx context.Context, docID int64, number int, reviewer string, access policydesk.Access) (*Round, *policydesk.User, error) {
	round, err := s.Store.FindRound(ctx, docID, number)
	if err != nil {
		return nil, nil, err
	}
	if round.Status != "open" {
		return nil, nil, policydesk.Errorf(policydesk.EConflict, "Round %d is closed; comments are no longer accepted.", number)
	}
	me := policydesk.UserFromContext(ctx)
	login := strings.TrimPrefix(strings.TrimSpace(reviewer), "@")
	if login == "" {
		login = me.Login
	}
	reviewers, err := s.Store.FindReviewers(ctx, docID, number)
	if err != nil {
		return nil, nil, err
	}
	var named *Reviewer
	for _, rv := range reviewers {
		if strings.EqualFold(rv.Login, login) {
			named = rv
		}
	}
	if named == nil && !access.Edit {
		return nil, nil, policydesk.Errorf(policydesk.EForbidden, "Only the round's reviewers and the document's legal experts can import a review into it.")
	}
	if named == nil {
		return nil, nil, policydesk.Errorf(policydesk.EInvalid, "%s is not a reviewer of round %d; name one of its reviewers.", login, number).On("reviewer")
	}
	if named.UserID != me.ID && !access.Edit {
		return nil, nil, policydesk.Errorf(policydesk.EForbidden, "You may import only your own review; the document's legal experts can import others'.")
	}
	who, err := s.Drafts.Users.FindUserByLogin(ctx, named.Login)
	if err != nil {
		return nil, nil, err
	}
	return round, who, nil
}

// wordComments makes the comments of review rv by who on the round's
// version v.
func (s *Service) wordComments(doc *drafts.Document, v *drafts.Version, round *Round, who *policydesk.User, rv *docx.Review) *wordItems {
	base := Comment{DocumentID: doc.ID, Round: round.Number, Version: v.Number, AuthorID: who.ID, Author: who.Login,
		AuthorName: who.Name, Organisation: who.Organisation, Status: "open", CreatedAt: s.Drafts.Now().UTC()}
	return anchorWordReview(doc.Language, cmp.Or(s.Translator, policydesk.English), v, base, rv)
}

// anchorWordReview makes the comments of a review on version v, each a
// copy of base, with sentences in lang. Pure: no I/O.
func anchorWordReview(lang string, t policydesk.Translator, v *drafts.Version, base Comment, rv *docx.Review) *wordItems {
	w := &wordItems{lang: lang, t: t, v: v, base: base,
		offsets: anchor.NewOffsets(v.Body), al: newWordAligner(newBodyIndex(v.Body), rv.Paragraphs)}
	w.add(rv)
	return w
}
