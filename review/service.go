package review

import (
	"context"
	"strconv"
	"unsafe"

	"golang.org/x/sync/singleflight"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/cache"
	"policydesk/review/redline"
)

// Service runs review rounds on top of the drafting service, which owns
// documents, versions and the access policy.
type Service struct {
	Drafts *drafts.Service
	Store  Store
	// Translator writes the sentences the service puts into a document
	// (an applied suggestion's version message) in the document's
	// language; nil is English.
	Translator policydesk.Translator
	// Participants, when set, lists a round's named reviewers for its
	// consultation report, who appear there even when they did not comment
	// (Comments 0); the report adds everyone who commented or replied. Nil
	// lists the round's reviewers as stored.
	Participants func(ctx context.Context, docID int64, round int) ([]Participant, error)

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

// editable returns a document the caller edits.
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

// versionOrHead returns version n of a readable document, or its head when
// n is 0.
func (s *Service) versionOrHead(ctx context.Context, docID int64, n int) (*drafts.Version, error) {
	doc, _, err := s.Drafts.Document(ctx, docID)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		n = doc.Head
	}
	return s.Drafts.Version(ctx, docID, n)
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

// editorsComment loads a comment on a document the caller edits; refusal is
// the answer to anyone else.
func (s *Service) editorsComment(ctx context.Context, id int64, refusal policydesk.Words) (*Comment, error) {
	c, access, err := s.comment(ctx, id)
	if err != nil {
		return nil, err
	}
	if !access.Edit {
		return nil, policydesk.Errorf(policydesk.EForbidden, "%s", refusal)
	}
	return c, nil
}

// updateComment saves a comment's status, decision and applied version with
// the audit entry "comment.<action>", its detail a sentence format and its
// values.
func (s *Service) updateComment(ctx context.Context, c *Comment, action, format string, args ...any) error {
	return s.Store.UpdateComment(ctx, c, s.Drafts.AuditEntry(ctx, "comment."+action, "comment", itoa(c.ID), format, args...))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
