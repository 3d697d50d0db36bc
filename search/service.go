package search

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"policydesk"
	"policydesk/drafts"
)

// MaxQueryRunes bounds a query's length.
const MaxQueryRunes = 500

// Service answers searches with only what the caller may read: the access
// fields of every query are set here from the user, never by the caller.
type Service struct {
	Index  Index
	Outbox Outbox
	// Texts, when set, adds the attachments waiting for extraction to the
	// backlog.
	Texts TextQueue
	// Problems, when set, lets admins see and retry work set aside.
	Problems ProblemStore
	// Follower, with the embedded engine, reports how far this replica's
	// index is behind the change log; LogProblems adds what the replicas'
	// followers set aside.
	Follower interface {
		Lag(context.Context) (Lag, error)
	}
	LogProblems LogProblemStore
	// OutboxLag, when set (Meilisearch), reports the outbox's backlog as
	// a lag.
	OutboxLag interface {
		OutboxLag(context.Context) (Lag, error)
	}
	// SynonymStore, when set, keeps the synonym groups admins change;
	// without it the built-in groups serve. Now is the clock of their
	// audit entries (nil: time.Now).
	SynonymStore SynonymStore
	Now          func() time.Time
	// SynonymsMaxAge is how long the groups read are used before they are
	// read again (0: 5 s), so another replica's change shows within it.
	SynonymsMaxAge time.Duration
	syn            synonymCache
}

// Search runs q for the user in ctx.
func (s *Service) Search(ctx context.Context, q Query) (*Result, error) {
	u := policydesk.UserFromContext(ctx)
	if u == nil || u.Disabled {
		return nil, policydesk.Errorf(policydesk.EUnauthorized, "Log in first.")
	}
	q.Q = strings.TrimSpace(q.Q)
	if !utf8.ValidString(q.Q) {
		return nil, policydesk.Errorf(policydesk.EInvalid, "The query is not valid UTF-8 text.")
	}
	if utf8.RuneCountInString(q.Q) > MaxQueryRunes {
		return nil, policydesk.Errorf(policydesk.EInvalid, "The query is longer than %d characters.", MaxQueryRunes)
	}
	for field, v := range map[policydesk.Words][2]any{policydesk.Say("kind"): {q.Kind, drafts.Kinds}, policydesk.Say("status"): {q.Status, drafts.Statuses}, policydesk.Say("language"): {q.Language, drafts.Languages}} {
		if val := v[0].(string); val != "" && !slices.Contains(v[1].([]string), val) {
			return nil, policydesk.Errorf(policydesk.EInvalid, "Unknown %s %q.", field, val)
		}
	}
	if q.Year != 0 && (q.Year < 1900 || q.Year > 9999) {
		return nil, policydesk.Errorf(policydesk.EInvalid, "The year must be a four-digit year.")
	}
	scope := policydesk.ReadScope(u)
	q.All, q.Internal, q.Owner, q.UserID = scope.All, scope.Internal, scope.Owner, scope.UserID
	_, q.Synonyms, _ = s.synonyms(ctx, false) // unreadable: the last groups read serve
	res, err := s.Index.Search(ctx, q)
	if err == nil && res.Total == 0 {
		res, err = s.relax(ctx, q, res)
	}
	if err != nil {
		return nil, err
	}
	return res, s.otherValues(ctx, q, res)
}

// Ready reports the engine's health and the backlog for /readyz: documents
// waiting to be indexed (log entries this replica has not applied, with
// the embedded engine) plus attachments waiting for their text.
func (s *Service) Ready(ctx context.Context) (backlog int, err error) {
	if s.Outbox != nil {
		if backlog, err = s.Outbox.Backlog(ctx); err != nil {
			return 0, err
		}
	}
	if s.Follower != nil {
		lag, err := s.Follower.Lag(ctx)
		if err != nil {
			return 0, err
		}
		backlog += int(lag.Entries)
	}
	if s.Texts != nil {
		n, err := s.Texts.TextBacklog(ctx)
		if err != nil {
			return 0, err
		}
		backlog += n
	}
	return backlog, s.Index.Ping(ctx)
}

// Lag reports how far this replica's embedded index is behind the change
// log, or how far Meilisearch is behind the outbox; nil when neither is
// set.
func (s *Service) Lag(ctx context.Context) (*Lag, error) {
	var lag Lag
	var err error
	switch {
	case s.Follower != nil:
		lag, err = s.Follower.Lag(ctx)
	case s.OutboxLag != nil:
		lag, err = s.OutboxLag.OutboxLag(ctx)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &lag, nil
}
