package review

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sync/singleflight"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/cache"
	"policydesk/drafts/outline"
	"policydesk/drafts/textkit"
	"policydesk/review/anchor"
	"policydesk/review/redline"
)

// Limits on comment texts.
const (
	MaxCommentRunes = 20000
	MaxQuoteRunes   = 5000
	MaxContextRunes = 500
)

// Service runs review rounds on top of the drafting service, which owns
// documents, versions and the access policy.
type Service struct {
	Drafts *drafts.Service
	Store  Store

	// redlines by "shaA/shaB": versions are immutable and a redline depends
	// only on the two texts (its budget counts steps, not time).
	redlines *cache.Cache[string, *redline.Redline]
	flights  singleflight.Group // one computation per pair at a time
}

// DefaultRedlineCacheBytes bounds the redline cache unless
// SetRedlineCacheBytes says otherwise.
const DefaultRedlineCacheBytes = 64 << 20

// NewService wires the review service.
func NewService(d *drafts.Service, store Store) *Service {
	return &Service{Drafts: d, Store: store, redlines: cache.New[string, *redline.Redline](DefaultRedlineCacheBytes)}
}

// SetRedlineCacheBytes replaces the redline cache by an empty one holding at
// most n bytes; 0 turns caching off. Call it before serving.
func (s *Service) SetRedlineCacheBytes(n int64) {
	s.redlines = cache.New[string, *redline.Redline](n)
}

// Diff returns the redline between two versions of a readable document. It
// is bounded by redline.Budget; if ctx ends first the work stops and the
// error is EUnavailable.
func (s *Service) Diff(ctx context.Context, docID int64, from, to int) (*redline.Redline, *drafts.Version, *drafts.Version, error) {
	a, err := s.Drafts.Version(ctx, docID, from)
	if err != nil {
		return nil, nil, nil, err
	}
	b, err := s.Drafts.Version(ctx, docID, to)
	if err != nil {
		return nil, nil, nil, err
	}
	r, err := s.redline(ctx, a, b)
	if err != nil {
		return nil, nil, nil, err
	}
	return r, a, b, nil
}

// redline computes or recalls the redline of two immutable versions.
// Concurrent requests for one pair share a computation, and computations
// wait for one of the drafting service's Heavy slots.
func (s *Service) redline(ctx context.Context, a, b *drafts.Version) (*redline.Redline, error) {
	key := a.SHA256 + "/" + b.SHA256
	if r, ok := s.redlines.Get(key); ok {
		return r, nil
	}
	for {
		ch := s.flights.DoChan(key, func() (any, error) {
			if r, ok := s.redlines.Get(key); ok {
				return r, nil
			}
			var r *redline.Redline
			err := s.Drafts.Heavy(ctx, func() (err error) {
				r, err = redline.ComputeContext(ctx, a.Body, b.Body, a.Outline, b.Outline)
				return err
			})
			if err != nil {
				return nil, err
			}
			s.redlines.Add(key, r, redlineSize(key, r, a.Body, b.Body))
			return r, nil
		})
		select {
		case <-ctx.Done():
			return nil, policydesk.Unavailable("The request ended before the comparison was done.", ctx.Err())
		case res := <-ch:
			if res.Err != nil && ctx.Err() == nil && policydesk.ErrorCode(res.Err) == policydesk.EUnavailable {
				continue // the client that started it left; this one has not
			}
			if res.Err != nil {
				return nil, res.Err
			}
			return res.Val.(*redline.Redline), nil
		}
	}
}

// redlineSize is what a cached redline keeps alive: its ops and headings
// are slices of the two bodies (counted whole, since a slice holds its
// string's memory), plus the slices of articles and ops themselves.
func redlineSize(key string, r *redline.Redline, a, b string) int {
	n := len(key) + len(a) + len(b) + int(unsafe.Sizeof(*r))
	for k := range r.Articles {
		art := &r.Articles[k]
		n += int(unsafe.Sizeof(*art)) + len(art.ID) + len(art.FromNum) + len(art.ToNum) + len(art.Heading)
		n += len(art.Ops) * int(unsafe.Sizeof(redline.Op{}))
	}
	return n
}

func (s *Service) editable(ctx context.Context, docID int64) (*drafts.Document, error) {
	doc, a, err := s.Drafts.Document(ctx, docID)
	if err != nil {
		return nil, err
	}
	if !a.Edit {
		return nil, policydesk.Errorf(policydesk.EForbidden, "Only the document's legal experts can do this.")
	}
	return doc, nil
}

// OpenRound opens review round N+1 on a version of the document.
func (s *Service) OpenRound(ctx context.Context, docID int64, name string, version int, due string) (*Round, error) {
	doc, err := s.editable(ctx, docID)
	if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if err := checkLine("round name", name, 200); err != nil {
		return nil, err
	}
	if version == 0 {
		version = doc.Head
	}
	if version < 1 || version > doc.Head {
		return nil, policydesk.Errorf(policydesk.EInvalid, "Version %d does not exist; the newest is %d.", version, doc.Head)
	}
	if due != "" {
		if _, err := time.Parse(time.DateOnly, due); err != nil {
			return nil, policydesk.Errorf(policydesk.EInvalid, "The due date must look like 2026-12-31.")
		}
	}
	r := &Round{DocumentID: docID, Name: name, Version: version, Due: due, Status: "open",
		OpenedBy: policydesk.UserFromContext(ctx).ID, CreatedAt: s.Drafts.Now().UTC()}
	if r.Name == "" {
		r.Name = fmt.Sprintf("Round on version %d", version)
	}
	audit := s.Drafts.AuditEntry(ctx, "round.open", "document", itoa(docID), fmt.Sprintf("%s on version %d", r.Name, version))
	if err := s.Store.CreateRound(ctx, r, audit); err != nil {
		return nil, err
	}
	return r, nil
}

// CloseRound ends a round; comments on it stay and can still be decided.
func (s *Service) CloseRound(ctx context.Context, docID int64, number int) (*Round, error) {
	if _, err := s.editable(ctx, docID); err != nil {
		return nil, err
	}
	audit := s.Drafts.AuditEntry(ctx, "round.close", "document", itoa(docID), fmt.Sprintf("round %d", number))
	if err := s.Store.CloseRound(ctx, docID, number, s.Drafts.Now().UTC(), audit); err != nil {
		return nil, err
	}
	return s.Store.FindRound(ctx, docID, number)
}

// Rounds lists a readable document's rounds, oldest first.
func (s *Service) Rounds(ctx context.Context, docID int64) ([]*Round, error) {
	if _, _, err := s.Drafts.Document(ctx, docID); err != nil {
		return nil, err
	}
	return s.Store.FindRounds(ctx, docID)
}

// Round returns one round and the version the previous round was on (0 if
// this is the first), which is what its redline compares against.
func (s *Service) Round(ctx context.Context, docID int64, number int) (*Round, int, error) {
	if _, _, err := s.Drafts.Document(ctx, docID); err != nil {
		return nil, 0, err
	}
	r, err := s.Store.FindRound(ctx, docID, number)
	if err != nil {
		return nil, 0, err
	}
	prev := 0
	if number > 1 {
		p, err := s.Store.FindRound(ctx, docID, number-1)
		if err != nil {
			return nil, 0, err
		}
		prev = p.Version
	}
	return r, prev, nil
}

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
	if in.Round != 0 {
		r, err := s.Store.FindRound(ctx, docID, in.Round)
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
	v, err := s.Drafts.Version(ctx, docID, in.Version)
	if policydesk.ErrorCode(err) == policydesk.ENotFound {
		return nil, policydesk.Errorf(policydesk.EInvalid, "Version %d does not exist.", in.Version)
	} else if err != nil {
		return nil, err
	}
	start, end, ok := anchor.Locate(v.Body, anchor.Selector{Quote: in.Quote, Prefix: in.Prefix, Suffix: in.Suffix})
	if !ok {
		return nil, policydesk.Errorf(policydesk.EInvalid, "The quoted words are not in version %d.", in.Version)
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
	audit := s.Drafts.AuditEntry(ctx, "comment.create", "document", itoa(docID), fmt.Sprintf("on version %d", in.Version))
	if err := s.Store.CreateComment(ctx, c, audit); err != nil {
		return nil, err
	}
	c.Anchor = Anchor{Version: c.Version, Start: c.Start, End: c.End}
	return c, nil
}

func validateComment(in *NewComment) error {
	for _, s := range []*string{&in.Quote, &in.Prefix, &in.Suffix, &in.Body, in.Suggestion} {
		if s != nil {
			*s = textkit.Newlines(*s)
		}
	}
	in.Body = strings.TrimSpace(in.Body)
	if in.Quote == "" {
		return policydesk.Errorf(policydesk.EInvalid, "Select the words the comment is about.")
	}
	if in.Body == "" && in.Suggestion == nil {
		return policydesk.Errorf(policydesk.EInvalid, "Write a comment or propose wording.")
	}
	checks := []error{
		checkWritten("comment", in.Body, MaxCommentRunes),
		textkit.Check("quote", in.Quote, MaxQuoteRunes, true),
		textkit.Check("prefix", in.Prefix, MaxContextRunes, true),
		textkit.Check("suffix", in.Suffix, MaxContextRunes, true),
	}
	if in.Suggestion != nil {
		checks = append(checks, textkit.Check("suggestion", *in.Suggestion, MaxCommentRunes, true))
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	return nil
}

func checkLine(field, s string, max int) error {
	if err := textkit.Check(field, s, max, true); err != nil {
		return err
	}
	if strings.ContainsAny(s, "\n\t") {
		return policydesk.Errorf(policydesk.EInvalid, "The %s must be a single line.", field)
	}
	return textkit.CheckVisible(field, s, true)
}

// checkWritten is checkText for what a person writes for others to read
// (a comment, a reply, a reason): no invisible characters either.
func checkWritten(field, s string, max int) error {
	if err := textkit.Check(field, s, max, true); err != nil {
		return err
	}
	return textkit.CheckVisible(field, s, false)
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

// Comments returns a document's comments with anchors mapped into version
// `at` (the head when 0). Words that changed or vanished make the comment
// outdated; it keeps its original quote and is never dropped.
func (s *Service) Comments(ctx context.Context, docID int64, f CommentFilter, at int) ([]*Comment, error) {
	doc, _, err := s.Drafts.Document(ctx, docID)
	if err != nil {
		return nil, err
	}
	if at == 0 {
		at = doc.Head
	}
	target, err := s.Drafts.Version(ctx, docID, at)
	if err != nil {
		return nil, err
	}
	f.DocumentID = docID
	comments, err := s.Store.FindComments(ctx, f)
	if err != nil {
		return nil, err
	}
	// One redline, mapper and offset index per version, however many
	// comments: a conversion from the start of a 5 MiB body per comment
	// would make the cost comments × body.
	m := commentMapper{s: s, target: target, targetOffsets: anchor.NewOffsets(target.Body), from: map[int]*mapFrom{}}
	for _, c := range comments {
		if err := m.mapComment(ctx, docID, c); err != nil {
			return nil, err
		}
	}
	return comments, nil
}

// commentMapper maps the comments of one request into one target version.
type commentMapper struct {
	s             *Service
	target        *drafts.Version
	targetOffsets *anchor.Offsets
	from          map[int]*mapFrom // by source version number
}

type mapFrom struct {
	v       *drafts.Version
	offsets *anchor.Offsets
	mapper  *anchor.Mapper // nil for the target itself
}

// mapComment sets c.Anchor and c.Outdated for the target version.
func (m *commentMapper) mapComment(ctx context.Context, docID int64, c *Comment) error {
	c.Anchor = Anchor{Version: c.Version, Start: c.Start, End: c.End}
	if c.Version == m.target.Number {
		return nil
	}
	src, ok := m.from[c.Version]
	if !ok {
		v, err := m.s.Drafts.Version(ctx, docID, c.Version)
		if err != nil {
			return err
		}
		r, err := m.s.redline(ctx, v, m.target)
		if err != nil {
			return err
		}
		src = &mapFrom{v: v, offsets: anchor.NewOffsets(v.Body), mapper: anchor.NewMapper(r)}
		m.from[c.Version] = src
	}
	start, end := src.offsets.ByteOffset(c.Start), src.offsets.ByteOffset(c.End)
	ns, ne, intact, ok := src.mapper.Map(start, end)
	if !ok {
		// The article is gone: keep the anchor in the version it was made on.
		c.Outdated, c.Orphaned = true, true
		return nil
	}
	c.Anchor = Anchor{Version: m.target.Number, Start: m.targetOffsets.RuneOffset(ns), End: m.targetOffsets.RuneOffset(ne)}
	c.Outdated = !intact
	return nil
}

// Reply adds an answer to a comment's thread.
func (s *Service) Reply(ctx context.Context, commentID int64, body string) (*Reply, error) {
	c, access, err := s.comment(ctx, commentID)
	if err != nil {
		return nil, err
	}
	if !access.Comment && !access.Edit {
		return nil, policydesk.Errorf(policydesk.EForbidden, "You may not reply on this document.")
	}
	body = strings.TrimSpace(textkit.Newlines(body))
	if body == "" {
		return nil, policydesk.Errorf(policydesk.EInvalid, "A reply needs some text.")
	}
	if err := checkWritten("reply", body, MaxCommentRunes); err != nil {
		return nil, err
	}
	u := policydesk.UserFromContext(ctx)
	r := &Reply{CommentID: commentID, AuthorID: u.ID, Author: u.Login, Name: u.Name, Body: body, CreatedAt: s.Drafts.Now().UTC()}
	audit := s.Drafts.AuditEntry(ctx, "comment.reply", "comment", itoa(c.ID), "")
	if err := s.Store.AddReply(ctx, r, audit); err != nil {
		return nil, err
	}
	return r, nil
}

// comment loads a comment the caller may read, with their access.
func (s *Service) comment(ctx context.Context, id int64) (*Comment, policydesk.Access, error) {
	c, err := s.Store.FindComment(ctx, id)
	if err != nil {
		return nil, policydesk.Access{}, err
	}
	_, access, err := s.Drafts.Document(ctx, c.DocumentID)
	if policydesk.ErrorCode(err) == policydesk.ENotFound {
		return nil, access, policydesk.Errorf(policydesk.ENotFound, "Comment %d not found.", id)
	}
	return c, access, err
}

// Decide records the editor's answer to a comment. A reason is required
// unless the comment is accepted, as public consultation rules demand.
func (s *Service) Decide(ctx context.Context, commentID int64, decision, reason string) (*Comment, error) {
	c, access, err := s.comment(ctx, commentID)
	if err != nil {
		return nil, err
	}
	if !access.Edit {
		return nil, policydesk.Errorf(policydesk.EForbidden, "Only the document's legal experts decide on comments.")
	}
	if !slices.Contains(Decisions, decision) {
		return nil, policydesk.Errorf(policydesk.EInvalid, "A decision is one of: accepted, partially, rejected.")
	}
	if c.AppliedVersion != 0 && decision != "accepted" && decision != "partially" {
		// The report would say the proposal was refused while the text carries it.
		return nil, policydesk.Errorf(policydesk.EConflict, "The wording of comment %d is already in version %d, so it cannot be recorded as not accepted; record it as accepted or partially accepted.", c.ID, c.AppliedVersion)
	}
	reason = strings.TrimSpace(textkit.Newlines(reason))
	if err := checkWritten("reason", reason, MaxCommentRunes); err != nil {
		return nil, err
	}
	if decision != "accepted" && reason == "" {
		return nil, policydesk.Errorf(policydesk.EInvalid, "Give the reason for a decision other than accepted.")
	}
	u := policydesk.UserFromContext(ctx)
	c.Decision, c.Reason, c.DecidedBy, c.DecidedByID, c.DecidedAt = decision, reason, u.Login, u.ID, s.Drafts.Now().UTC()
	audit := s.Drafts.AuditEntry(ctx, "comment.decide", "comment", itoa(c.ID), decision)
	if err := s.Store.UpdateComment(ctx, c, audit); err != nil {
		return nil, err
	}
	return c, nil
}

// Resolve closes or reopens a comment's thread (its author or an editor).
func (s *Service) Resolve(ctx context.Context, commentID int64, resolved bool) (*Comment, error) {
	c, access, err := s.comment(ctx, commentID)
	if err != nil {
		return nil, err
	}
	u := policydesk.UserFromContext(ctx)
	if !access.Edit && c.AuthorID != u.ID {
		return nil, policydesk.Errorf(policydesk.EForbidden, "Only the comment's author or the document's legal experts can resolve it.")
	}
	c.Status = "open"
	if resolved {
		c.Status = "resolved"
	}
	audit := s.Drafts.AuditEntry(ctx, "comment."+map[bool]string{true: "resolve", false: "reopen"}[resolved], "comment", itoa(c.ID), "")
	if err := s.Store.UpdateComment(ctx, c, audit); err != nil {
		return nil, err
	}
	return c, nil
}

// Apply writes the comment's suggested wording over its words in the head
// and saves that as a new version. base must be the head (a stale base is a
// *drafts.ConflictError). The comment is marked accepted and resolved.
func (s *Service) Apply(ctx context.Context, commentID int64, base int) (*drafts.Version, error) {
	c, access, err := s.comment(ctx, commentID)
	if err != nil {
		return nil, err
	}
	if !access.Edit {
		return nil, policydesk.Errorf(policydesk.EForbidden, "Only the document's legal experts apply suggestions.")
	}
	if !c.HasSuggestion {
		return nil, policydesk.Errorf(policydesk.EInvalid, "Comment %d proposes no wording.", c.ID)
	}
	if c.AppliedVersion != 0 {
		// A suggestion that keeps the quoted words would otherwise go in twice.
		return nil, policydesk.Errorf(policydesk.EConflict, "The suggestion of comment %d is already in version %d.", c.ID, c.AppliedVersion)
	}
	doc, _, err := s.Drafts.Document(ctx, c.DocumentID)
	if err != nil {
		return nil, err
	}
	head, err := s.Drafts.Version(ctx, c.DocumentID, doc.Head)
	if err != nil {
		return nil, err
	}
	m := commentMapper{s: s, target: head, targetOffsets: anchor.NewOffsets(head.Body), from: map[int]*mapFrom{}}
	if err := m.mapComment(ctx, c.DocumentID, c); err != nil {
		return nil, err
	}
	if c.Outdated {
		return nil, policydesk.Errorf(policydesk.EConflict, "The words of comment %d have changed since it was made; apply the suggestion by hand in the editor.", c.ID)
	}
	start, end := anchor.ByteOffset(head.Body, c.Anchor.Start), anchor.ByteOffset(head.Body, c.Anchor.End)
	body := head.Body[:start] + c.Suggestion + head.Body[end:]
	msg := fmt.Sprintf("Applied the suggestion of comment %d by %s", c.ID, c.Author)
	if c.ArticleNum != "" {
		msg += " (article " + c.ArticleNum + ")"
	}
	v, err := s.Drafts.SaveVersion(ctx, c.DocumentID, base, body, msg)
	if err != nil {
		return nil, err
	}
	u := policydesk.UserFromContext(ctx)
	// Wording that went in is accepted, or partially accepted if the editor
	// said so; never "not accepted".
	if c.Decision != "accepted" && c.Decision != "partially" {
		c.Decision, c.Reason, c.DecidedBy, c.DecidedByID, c.DecidedAt = "accepted", "", u.Login, u.ID, s.Drafts.Now().UTC()
	}
	c.Status, c.AppliedVersion = "resolved", v.Number
	audit := s.Drafts.AuditEntry(ctx, "comment.apply", "comment", itoa(c.ID), fmt.Sprintf("version %d", v.Number))
	if err := s.Store.UpdateComment(ctx, c, audit); err != nil {
		return nil, err
	}
	return v, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
