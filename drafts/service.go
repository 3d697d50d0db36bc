package drafts

import (
	"context"
	"errors"
	"html/template"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"policydesk"
	"policydesk/drafts/cache"
	"policydesk/drafts/markdown"
	"policydesk/drafts/outline"
	"policydesk/drafts/textkit"
)

// Service is the drafting domain: documents and their versions.
// Every method reads the acting user from ctx and asks Policy before acting.
type Service struct {
	Users    UserFinder
	Docs     DocumentStore
	Renderer *markdown.Renderer
	Now      func() time.Time

	// shas maps "doc/number" to the body hash: versions are immutable, so the
	// mapping never goes stale and a cached rendering needs no body read.
	// Bounded like the render cache it points into.
	shas *cache.Cache[string, string]

	heavyOnce sync.Once
	heavy     *semaphore.Weighted // see Heavy
}

// shaCacheBytes holds about ten thousand version hashes; shaEntryOverhead
// is what one costs beyond its key and value (map slot, list element).
const (
	shaCacheBytes    = 1 << 20
	shaEntryOverhead = 32
)

// NewService wires a service over its stores.
func NewService(users UserFinder, docs DocumentStore, r *markdown.Renderer) *Service {
	s := &Service{Users: users, Docs: docs, Renderer: r, Now: time.Now,
		shas: cache.New[string, string](shaCacheBytes)}
	if r != nil {
		// Large renderings, diffs and merges share one pool of slots, so
		// together they never run on more than GOMAXPROCS at once.
		s.heavyOnce.Do(func() { s.heavy = r.Slots })
	}
	return s
}

// NewDocument is what an editor sends to start a document.
type NewDocument struct {
	Title, Kind, Language, Visibility, Status, Body, Message string
}

// DocumentPatch changes metadata; nil fields stay.
type DocumentPatch struct {
	Title, Status, Visibility *string
}

func (in *NewDocument) validate() error {
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		return policydesk.Errorf(policydesk.EInvalid, "A document needs a title.")
	}
	if in.Status == "" {
		in.Status = "draft"
	}
	if in.Visibility == "" {
		in.Visibility = "internal"
	}
	checks := []error{
		policydesk.OnField("title", textkit.CheckLabel(policydesk.Say("title"), in.Title, MaxTitleRunes)),
		policydesk.OnField("kind", textkit.CheckOneOf(policydesk.Say("kind"), in.Kind, Kinds)),
		policydesk.OnField("language", textkit.CheckOneOf(policydesk.Say("language"), in.Language, Languages)),
		policydesk.OnField("visibility", textkit.CheckOneOf(policydesk.Say("visibility"), in.Visibility, Visibilities)),
		policydesk.OnField("status", textkit.CheckOneOf(policydesk.Say("status"), in.Status, Statuses)),
		policydesk.OnField("body", checkBody(in.Body)),
		policydesk.OnField("body", checkResolved(in.Body)),
		policydesk.OnField("message", textkit.CheckLabel(policydesk.Say("message"), in.Message, MaxMessageRunes)),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	return nil
}

// CreateDocument starts a document with its first version.
func (s *Service) CreateDocument(ctx context.Context, in NewDocument) (*Document, *Version, error) {
	u := policydesk.UserFromContext(ctx)
	if !policydesk.CanCreateDocuments(u) {
		return nil, nil, policydesk.Errorf(policydesk.EForbidden, "Only legal experts and administrators can create documents.")
	}
	in.Body = textkit.Newlines(in.Body)
	if err := in.validate(); err != nil {
		return nil, nil, err
	}
	if err := s.checkRenders(ctx, in.Body); err != nil {
		return nil, nil, err
	}
	if in.Message == "" {
		in.Message = "First version"
	}
	now := s.Now().UTC()
	doc := &Document{Title: in.Title, Kind: in.Kind, Language: in.Language, Status: in.Status,
		Visibility: in.Visibility, Head: 1, CreatedBy: u.ID, Owner: u.Login, CreatedAt: now, UpdatedAt: now}
	v := s.newVersion(nil, 1, in.Body, in.Message, u, now)
	if err := s.Docs.CreateDocument(ctx, doc, v, s.audit(ctx, "document.create", "document", "", "%s", in.Title)); err != nil {
		return nil, nil, err
	}
	v.DocumentID = doc.ID
	return doc, v, nil
}

func (s *Service) newVersion(prev *Version, number int, body, message string, u *policydesk.User, now time.Time) *Version {
	v := &Version{Number: number, Body: body, SHA256: SHA256Hex(body), AuthorID: u.ID, Author: u.Login, Message: message, CreatedAt: now}
	var prevOutline []outline.Article
	prevBody := ""
	if prev != nil {
		prevOutline, prevBody = prev.Outline, prev.Body
	}
	v.Outline = outline.Parse(body)
	outline.AssignIDs(prevOutline, v.Outline, prevBody, body, outline.NewIDs(number))
	return v
}

// Document returns a document the caller may read, with what they may do.
func (s *Service) Document(ctx context.Context, id int64) (*Document, policydesk.Access, error) {
	u := policydesk.UserFromContext(ctx)
	if u == nil {
		return nil, policydesk.Access{}, policydesk.Errorf(policydesk.EUnauthorized, "Log in first.")
	}
	doc, role, err := s.Docs.FindDocumentAs(ctx, id, u.ID)
	if err != nil {
		return nil, policydesk.Access{}, err
	}
	a := policydesk.Policy(u, doc, role)
	if !a.Read {
		// Say "not found" so restricted documents do not reveal they exist.
		return nil, policydesk.Access{}, policydesk.Errorf(policydesk.ENotFound, "Document %d not found.", id)
	}
	return doc, a, nil
}

// Documents lists what the caller may read.
func (s *Service) Documents(ctx context.Context, f DocumentFilter) ([]*Document, int, error) {
	u := policydesk.UserFromContext(ctx)
	if u == nil {
		return nil, 0, policydesk.Errorf(policydesk.EUnauthorized, "Log in first.")
	}
	for field, v := range map[policydesk.Words][2]any{policydesk.Say("kind"): {f.Kind, Kinds}, policydesk.Say("status"): {f.Status, Statuses}, policydesk.Say("language"): {f.Language, Languages}} {
		if val := v[0].(string); val != "" {
			if err := textkit.CheckOneOf(field, val, v[1].([]string)); err != nil {
				return nil, 0, err
			}
		}
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	f.Read = policydesk.ReadScope(u) // only what Policy lets u read
	return s.Docs.FindDocuments(ctx, f)
}

// UpdateDocument changes title, status or visibility.
func (s *Service) UpdateDocument(ctx context.Context, id int64, p DocumentPatch) (*Document, error) {
	doc, a, err := s.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.Edit || (p.Visibility != nil && !a.Manage) {
		return nil, policydesk.Errorf(policydesk.EForbidden, "You may not change this document.")
	}
	var changed policydesk.WordList
	if p.Title != nil {
		t := strings.TrimSpace(*p.Title)
		if t == "" {
			return nil, policydesk.Errorf(policydesk.EInvalid, "A document needs a title.")
		}
		if err := textkit.CheckLabel(policydesk.Say("title"), t, MaxTitleRunes); err != nil {
			return nil, err
		}
		doc.Title, changed = t, append(changed, policydesk.Say("title"))
	}
	if p.Status != nil {
		if err := textkit.CheckOneOf(policydesk.Say("status"), *p.Status, Statuses); err != nil {
			return nil, err
		}
		doc.Status, changed = *p.Status, append(changed, policydesk.Say("status"))
	}
	if p.Visibility != nil {
		if err := textkit.CheckOneOf(policydesk.Say("visibility"), *p.Visibility, Visibilities); err != nil {
			return nil, err
		}
		doc.Visibility, changed = *p.Visibility, append(changed, policydesk.Say("visibility"))
	}
	if len(changed) == 0 {
		return doc, nil
	}
	doc.UpdatedAt = s.Now().UTC()
	if err := s.Docs.UpdateDocument(ctx, doc, s.audit(ctx, "document.update", "document", itoa(id), "changed: %s", changed)); err != nil {
		return nil, err
	}
	return doc, nil
}

// SaveVersion appends a version made from base. If base is not the head the
// save is refused with a *ConflictError holding the head and a merge proposal;
// nothing the editor typed is lost, because the proposal carries it.
func (s *Service) SaveVersion(ctx context.Context, id int64, base int, body, message string) (*Version, error) {
	doc, err := s.editable(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.addVersion(ctx, doc, base, textkit.Newlines(body), message, 0)
}

// editable returns a document the caller may change.
func (s *Service) editable(ctx context.Context, id int64) (*Document, error) {
	doc, a, err := s.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.Edit {
		return nil, policydesk.Errorf(policydesk.EForbidden, "You may read this document but not change it.")
	}
	return doc, nil
}

// addVersion checks body and appends it as the version after base, which
// must be the head; restored is the version whose text it brings back, or
// 0 for text an editor wrote.
func (s *Service) addVersion(ctx context.Context, doc *Document, base int, body, message string, restored int) (*Version, error) {
	id := doc.ID
	for _, err := range []error{checkBody(body), checkResolved(body), textkit.CheckLabel(policydesk.Say("message"), message, MaxMessageRunes)} {
		if err != nil {
			return nil, err
		}
	}
	if err := s.checkRenders(ctx, body); err != nil {
		return nil, err
	}
	if base < 1 || base > doc.Head {
		return nil, policydesk.Errorf(policydesk.EInvalid, "Base version %d does not exist; the newest is %d.", base, doc.Head)
	}
	if base != doc.Head {
		return nil, s.conflict(ctx, doc, base, body)
	}
	prev, err := s.Docs.FindVersion(ctx, id, base)
	if err != nil {
		return nil, err
	}
	u := policydesk.UserFromContext(ctx)
	v := s.newVersion(prev, base+1, body, message, u, s.Now().UTC())
	v.DocumentID = id
	audit := s.audit(ctx, "version.create", "document", itoa(id), "version %d", v.Number)
	if restored > 0 {
		audit = s.audit(ctx, "version.restore", "document", itoa(id), "version %d restores version %d", v.Number, restored)
	}
	err = s.Docs.AddVersion(ctx, v, audit)
	if policydesk.ErrorCode(err) == policydesk.EConflict {
		// Another save won the race between our read and our write.
		if doc, err = s.Docs.FindDocument(ctx, id); err != nil {
			return nil, err
		}
		return nil, s.conflict(ctx, doc, base, body)
	} else if err != nil {
		return nil, err
	}
	return v, nil
}

// checkRenders refuses a body that could not be displayed, with the same
// ETooComplex as the preview: a version beyond the rendering bounds would be
// shown to every reader as plain text. The rendering is cached, so the new
// version's page is ready.
func (s *Service) checkRenders(ctx context.Context, body string) error {
	_, err := s.Renderer.Render(ctx, body)
	return err
}

// Heavy runs work, a diff or a merge, once one of GOMAXPROCS slots is free,
// so that many readers asking for new pairs of versions queue instead of
// multiplying CPU and memory. Waiting ends with an EUnavailable error when
// ctx does; so does work that ends early because ctx did.
func (s *Service) Heavy(ctx context.Context, work func() error) error {
	s.heavyOnce.Do(func() { s.heavy = semaphore.NewWeighted(int64(runtime.GOMAXPROCS(0))) })
	if err := s.heavy.Acquire(ctx, 1); err != nil {
		return policydesk.Unavailable("The request ended before the comparison could start.", err)
	}
	defer s.heavy.Release(1)
	err := work()
	if err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return policydesk.Unavailable("The request ended before the comparison was done.", err)
	}
	return err
}

// Version returns one version of a readable document.
func (s *Service) Version(ctx context.Context, id int64, number int) (*Version, error) {
	if _, _, err := s.Document(ctx, id); err != nil {
		return nil, err
	}
	return s.Docs.FindVersion(ctx, id, number)
}

// Versions lists the versions of a readable document, newest first.
func (s *Service) Versions(ctx context.Context, id int64) ([]*Version, error) {
	if _, _, err := s.Document(ctx, id); err != nil {
		return nil, err
	}
	return s.Docs.FindVersions(ctx, id)
}

// VersionHTML returns the safe rendering of a version, from the cache when
// the version has been rendered before.
func (s *Service) VersionHTML(ctx context.Context, id int64, number int) (template.HTML, error) {
	if _, _, err := s.Document(ctx, id); err != nil {
		return "", err
	}
	key := itoa(id) + "/" + strconv.Itoa(number)
	if sha, ok := s.shas.Get(key); ok {
		if html, ok := s.Renderer.Cached(sha); ok {
			return html, nil
		}
	}
	v, err := s.Docs.FindVersion(ctx, id, number)
	if err != nil {
		return "", err
	}
	s.shas.Add(key, v.SHA256, len(key)+len(v.SHA256)+shaEntryOverhead)
	return s.Renderer.RenderStored(ctx, v.Body)
}

// Preview renders text being edited, for the live preview.
func (s *Service) Preview(ctx context.Context, body string) (template.HTML, error) {
	if policydesk.UserFromContext(ctx) == nil {
		return "", policydesk.Errorf(policydesk.EUnauthorized, "Log in first.")
	}
	body = textkit.Newlines(body)
	if err := checkBody(body); err != nil {
		return "", err
	}
	return s.Renderer.Preview(ctx, body)
}

// Outline returns the article outline of a version.
func (s *Service) Outline(ctx context.Context, id int64, number int) ([]outline.Article, error) {
	v, err := s.Version(ctx, id, number)
	if err != nil {
		return nil, err
	}
	return v.Outline, nil
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// checkBody refuses a body over MaxBodyBytes or with text no one can read.
func checkBody(body string) error {
	if len(body) > MaxBodyBytes {
		return policydesk.Errorf(policydesk.ETooLarge, "The text is larger than %d MiB.", MaxBodyBytes>>20)
	}
	return textkit.Check(policydesk.Say("text"), body, 0, true)
}
