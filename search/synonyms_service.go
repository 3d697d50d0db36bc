package search

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"policydesk"
)

// SynonymStore keeps the synonym groups admins have changed: their own
// groups, built-in groups they edited, and built-in groups they removed
// (Removed set).
type SynonymStore interface {
	// SynonymGroups lists the stored groups by ID.
	SynonymGroups(ctx context.Context) ([]SynonymGroup, error)
	// PutSynonymGroup writes g over the stored group of its ID and appends
	// audit in the same transaction.
	PutSynonymGroup(ctx context.Context, g SynonymGroup, audit *policydesk.AuditEntry) error
	// DeleteSynonymGroup removes the stored group id and appends audit in
	// the same transaction; ENOTFOUND when there is none.
	DeleteSynonymGroup(ctx context.Context, id string, audit *policydesk.AuditEntry) error
}

// SynonymSetter is implemented by an engine that expands synonyms itself
// from its own setting (Meilisearch): the service hands it the groups
// whenever they change.
type SynonymSetter interface {
	SetSynonyms(ctx context.Context, s *Synonyms) error
}

// synonymsTTL is how long a replica answers with the groups it read:
// another replica's change shows here within this time.
const synonymsTTL = 5 * time.Second

// synonymCache is the service's view of the groups, read from the store
// at most every synonymsTTL.
type synonymCache struct {
	mu       sync.Mutex
	read     time.Time
	groups   []SynonymGroup
	compiled *Synonyms
	// pushed is the setting the engine last accepted; pushing is set
	// while a push runs.
	pushed  string
	pushing bool
}

// Synonyms returns the groups in effect, built-in ones included.
func (s *Service) Synonyms(ctx context.Context) ([]SynonymGroup, error) {
	groups, _, err := s.synonyms(ctx, false)
	return groups, err
}

// synonyms returns the groups in effect and their expansion table, read
// again when older than synonymsTTL or when fresh is set. When the store
// cannot be read, the last groups read (or the built-in ones) serve.
func (s *Service) synonyms(ctx context.Context, fresh bool) ([]SynonymGroup, *Synonyms, error) {
	c := &s.syn
	c.mu.Lock()
	defer c.mu.Unlock()
	ttl := s.SynonymsMaxAge
	if ttl <= 0 {
		ttl = synonymsTTL
	}
	if c.compiled != nil && !fresh && time.Since(c.read) < ttl {
		return c.groups, c.compiled, nil
	}
	var stored []SynonymGroup
	var err error
	if s.SynonymStore != nil {
		stored, err = s.SynonymStore.SynonymGroups(ctx)
	}
	if err != nil {
		if c.compiled == nil {
			c.groups = EffectiveSynonyms(nil)
			c.compiled = CompileSynonyms(c.groups)
		}
		return c.groups, c.compiled, err
	}
	c.groups = EffectiveSynonyms(stored)
	c.compiled = CompileSynonyms(c.groups)
	c.read = time.Now()
	s.pushSynonyms(c)
	return c.groups, c.compiled, nil
}

// pushSynonyms hands the groups to an engine that keeps them itself, in
// the background, when they differ from what it last accepted; a failure
// is tried again at the next read. Called with c.mu held.
func (s *Service) pushSynonyms(c *synonymCache) {
	setter, ok := s.Index.(SynonymSetter)
	if !ok || c.pushing {
		return
	}
	compiled := c.compiled
	key := fingerprint(compiled)
	if key == c.pushed {
		return
	}
	c.pushing = true
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := setter.SetSynonyms(ctx, compiled)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.pushing = false
		if err != nil {
			slog.Warn("search synonyms not handed to the engine; trying again later", "err", err)
			return
		}
		c.pushed = key
	}()
}

// fingerprint identifies a setting.
func fingerprint(s *Synonyms) string {
	m := s.Map()
	keys := make([]string, 0, len(m))
	for k, v := range m {
		keys = append(keys, k+"="+strings.Join(v, "|"))
	}
	slices.Sort(keys)
	return strings.Join(keys, "\n")
}

// PutSynonymGroup creates or replaces the group g.ID (admins only).
func (s *Service) PutSynonymGroup(ctx context.Context, g SynonymGroup) (SynonymGroup, error) {
	if err := s.synonymAdmin(ctx); err != nil {
		return g, err
	}
	g, err := CheckSynonymGroup(SynonymGroup{ID: g.ID, Terms: g.Terms})
	if err != nil {
		return g, err
	}
	g.At = s.now()
	if u := policydesk.UserFromContext(ctx); u != nil {
		g.By = u.Login
	}
	audit := policydesk.NewAuditEntry(ctx, g.At, ActionSynonymsPut, "synonyms", g.ID, "%s", strings.Join(g.Terms, " · "))
	if err := s.SynonymStore.PutSynonymGroup(ctx, g, audit); err != nil {
		return g, err
	}
	groups, _, err := s.synonyms(ctx, true)
	for _, eg := range groups {
		if eg.ID == g.ID {
			return eg, err
		}
	}
	return g, err
}

// DeleteSynonymGroup removes the group id (admins only): an admin's group
// is deleted, a built-in one is hidden. ENOTFOUND when no such group is in
// effect.
func (s *Service) DeleteSynonymGroup(ctx context.Context, id string) error {
	if err := s.synonymAdmin(ctx); err != nil {
		return err
	}
	groups, _, err := s.synonyms(ctx, true)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(groups, func(g SynonymGroup) bool { return g.ID == id })
	if i < 0 {
		return policydesk.Errorf(policydesk.ENotFound, "There is no synonym group %q.", id)
	}
	g := groups[i]
	audit := policydesk.NewAuditEntry(ctx, s.now(), ActionSynonymsDelete, "synonyms", id, "%s", strings.Join(g.Terms, " · "))
	if g.Builtin {
		removed := SynonymGroup{ID: id, Removed: true, At: audit.At, By: audit.Actor}
		err = s.SynonymStore.PutSynonymGroup(ctx, removed, audit)
	} else {
		err = s.SynonymStore.DeleteSynonymGroup(ctx, id, audit)
	}
	if err != nil {
		return err
	}
	_, _, err = s.synonyms(ctx, true)
	return err
}

// synonymAdmin refuses anyone but an admin, and a service without a store.
func (s *Service) synonymAdmin(ctx context.Context) error {
	if !policydesk.IsAdmin(policydesk.UserFromContext(ctx)) {
		return policydesk.Errorf(policydesk.EForbidden, "Only admins change the search synonyms.")
	}
	if s.SynonymStore == nil {
		return policydesk.Errorf(policydesk.EUnavailable, "Search synonyms cannot be changed on this server.")
	}
	return nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// HighlightWords is q with the other terms of its synonym groups, for a
// page that marks the words a hit was found by.
func (s *Service) HighlightWords(ctx context.Context, q string) string {
	_, syn, _ := s.synonyms(ctx, false)
	return HighlightQuery(q, syn)
}
