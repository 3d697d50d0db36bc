package search

import (
	"context"
	"slices"
	"strconv"
	"time"

	"policydesk"
)

// Problem is indexing work that failed: a document not indexed, or an
// attachment whose text was not extracted (AttachmentID set).
type Problem struct {
	DocumentID   int64     `json:"document_id"`
	Title        string    `json:"title"`
	AttachmentID int64     `json:"attachment_id,omitempty"`
	Filename     string    `json:"filename,omitempty"`
	SetAside     bool      `json:"set_aside"` // false: still being retried
	Attempts     int       `json:"attempts"`
	Reason       string    `json:"reason"`
	NextAt       time.Time `json:"next_at,omitzero"` // the next try, while retried
	// Replica names the replica whose embedded index failed; empty for
	// the shared queues (Meilisearch's outbox, attachments' text).
	Replica string `json:"replica,omitempty"`
}

// ProblemStore keeps what the indexer and the extraction worker could not do.
type ProblemStore interface {
	// IndexingProblems lists documents and attachments that failed at
	// least once and are not done: set aside first, then most attempts.
	IndexingProblems(ctx context.Context, limit int) ([]Problem, error)
	// NotIndexed counts documents and attachments set aside.
	NotIndexed(ctx context.Context) (int, error)
	// RetryDocumentNow makes a failed document due again with fresh
	// attempts, appending audit in the same transaction; ENOTFOUND when
	// nothing failed for it.
	RetryDocumentNow(ctx context.Context, documentID int64, audit *policydesk.AuditEntry) error
	// RetryTextNow does the same for an attachment's text.
	RetryTextNow(ctx context.Context, attachmentID int64, audit *policydesk.AuditEntry) error
}

// Indexing is the indexing status admins see.
type Indexing struct {
	Backlog     int       `json:"backlog"`      // documents waiting to be indexed (log entries, embedded)
	TextBacklog int       `json:"text_backlog"` // attachments waiting for their text
	Problems    []Problem `json:"problems"`
	// Building: this replica's embedded index is being built from the
	// database.
	Building bool `json:"building,omitempty"`
}

// MaxProblems bounds the problems listed.
const MaxProblems = 500

func (s *Service) requireAdmin(ctx context.Context) (*policydesk.User, error) {
	u := policydesk.UserFromContext(ctx)
	if u == nil || u.Disabled {
		return nil, policydesk.Errorf(policydesk.EUnauthorized, "Log in first.")
	}
	if !policydesk.IsAdmin(u) {
		return nil, policydesk.Errorf(policydesk.EForbidden, "Only an administrator can see and retry indexing.")
	}
	if s.Problems == nil {
		return nil, policydesk.Errorf(policydesk.EUnavailable, "Indexing status is not available on this server.")
	}
	return u, nil
}

// Indexing returns the backlogs and the problems (admins only).
func (s *Service) Indexing(ctx context.Context) (*Indexing, error) {
	if _, err := s.requireAdmin(ctx); err != nil {
		return nil, err
	}
	out := &Indexing{}
	var err error
	if s.Outbox != nil {
		if out.Backlog, err = s.Outbox.Backlog(ctx); err != nil {
			return nil, err
		}
	}
	if s.Texts != nil {
		if out.TextBacklog, err = s.Texts.TextBacklog(ctx); err != nil {
			return nil, err
		}
	}
	if s.Follower != nil {
		lag, err := s.Follower.Lag(ctx)
		if err != nil {
			return nil, err
		}
		out.Backlog += int(lag.Entries)
		out.Building = lag.Building
	}
	if out.Problems, err = s.problems(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// problems lists the shared queues' problems and the followers', set
// aside first, then most attempts.
func (s *Service) problems(ctx context.Context) ([]Problem, error) {
	out, err := s.Problems.IndexingProblems(ctx, MaxProblems)
	if err != nil || s.LogProblems == nil {
		return out, err
	}
	more, err := s.LogProblems.LogProblems(ctx, MaxProblems)
	if err != nil {
		return nil, err
	}
	out = append(out, more...)
	slices.SortStableFunc(out, func(a, b Problem) int {
		if a.SetAside != b.SetAside {
			if a.SetAside {
				return -1
			}
			return 1
		}
		return b.Attempts - a.Attempts
	})
	return out[:min(len(out), MaxProblems)], nil
}

// NotIndexed counts documents and attachments set aside, for /readyz; 0
// when no store is set.
func (s *Service) NotIndexed(ctx context.Context) (int, error) {
	if s.Problems == nil {
		return 0, nil
	}
	n, err := s.Problems.NotIndexed(ctx)
	if err != nil || s.LogProblems == nil {
		return n, err
	}
	m, err := s.LogProblems.LogNotIndexed(ctx)
	return n + m, err
}

// RetryDocument queues a failed document again (admins only, audited).
func (s *Service) RetryDocument(ctx context.Context, documentID int64) error {
	u, err := s.requireAdmin(ctx)
	if err != nil {
		return err
	}
	err = s.Problems.RetryDocumentNow(ctx, documentID, retryAudit(u, "document", documentID))
	if policydesk.ErrorCode(err) == policydesk.ENotFound && s.LogProblems != nil {
		// Not the shared outbox's: a replica's follower set it aside.
		return s.LogProblems.RetryLoggedDocumentNow(ctx, documentID, retryAudit(u, "document", documentID))
	}
	return err
}

// RetryAttachment queues a failed attachment's text again (admins only,
// audited).
func (s *Service) RetryAttachment(ctx context.Context, attachmentID int64) error {
	u, err := s.requireAdmin(ctx)
	if err != nil {
		return err
	}
	return s.Problems.RetryTextNow(ctx, attachmentID, retryAudit(u, "attachment", attachmentID))
}

func retryAudit(u *policydesk.User, objectType string, id int64) *policydesk.AuditEntry {
	return &policydesk.AuditEntry{At: time.Now().UTC(), ActorID: u.ID, Actor: u.Login, Action: "indexing.retry",
		ObjectType: objectType, ObjectID: strconv.FormatInt(id, 10)}
}
