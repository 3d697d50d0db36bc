// Package meili is the search.Index on a Meilisearch server, for deployments
// with several application nodes.
package meili

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	ms "github.com/meilisearch/meilisearch-go"

	"policydesk"
	"policydesk/search"
)

// now is the clock of Rebuild, replaced in tests.
var now = time.Now

// pollInterval is how often a task's status is asked for.
const pollInterval = 20 * time.Millisecond

// Settings of every index this package creates.
var (
	searchable = []string{aTitleFolded, aHeadFolded, aTextFolded, aVariants, aForms}
	filterable = []string{aType, aKind, aStatus, aLanguage, aVisibility, aYear, aDocumentID, aReaders, aOwner}
	displayed  = []string{aID, aType, aDocumentID, aTitle, aKind, aStatus, aLanguage, aYear,
		aArticleID, aArticleNum, aHeading, aCommentID, aAttachmentID, aText}
)

func settings() *ms.Settings {
	return &ms.Settings{
		SearchableAttributes: searchable,
		FilterableAttributes: filterable,
		SortableAttributes:   []string{aYear},
		DisplayedAttributes:  displayed,
		TypoTolerance: &ms.TypoTolerance{
			Enabled:             true,
			MinWordSizeForTypos: ms.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9},
			DisableOnWords:      []string{},
			DisableOnAttributes: []string{},
		},
	}
}

// Index is a search.Index on one Meilisearch index. Safe for concurrent use.
type Index struct {
	client    ms.ServiceManager
	name      string
	closeOnce sync.Once
	// mu guards synonyms, the setting last given to SetSynonyms.
	mu       sync.Mutex
	synonyms map[string][]string
}

var _ search.Index = (*Index)(nil)

// Open connects to the server at url, creates the index if it does not
// exist (primary key "id") and applies the settings. Returns EUNAVAILABLE
// when the server does not answer.
func Open(ctx context.Context, url, key, indexName string) (*Index, error) {
	ix := &Index{client: ms.New(url, ms.WithAPIKey(key)), name: indexName}
	if err := ix.create(ctx, indexName); err != nil {
		return nil, err
	}
	return ix, nil
}

// create makes the index if needed and applies the settings.
func (ix *Index) create(ctx context.Context, name string) error {
	info, err := ix.client.CreateIndex(ctx, &ms.IndexConfig{Uid: name, PrimaryKey: aID})
	if err != nil {
		return ix.fail("create index", err)
	}
	task, err := ix.wait(ctx, info)
	if err != nil {
		return err
	}
	if task.Status != ms.TaskStatusSucceeded && task.Error.Code != ms.APIErrCodeIndexAlreadyExists {
		return taskError(task)
	}
	set := settings()
	set.Synonyms = ix.currentSynonyms()
	info, err = ix.client.Index(name).UpdateSettings(ctx, set)
	if err != nil {
		return ix.fail("update settings", err)
	}
	return ix.await(ctx, info)
}

// await waits for the task and fails unless it succeeded: WaitForTask
// returns no error for a task that failed.
func (ix *Index) await(ctx context.Context, info *ms.TaskInfo) error {
	task, err := ix.wait(ctx, info)
	if err != nil {
		return err
	}
	if task.Status != ms.TaskStatusSucceeded {
		return taskError(task)
	}
	return nil
}

func (ix *Index) wait(ctx context.Context, info *ms.TaskInfo) (*ms.Task, error) {
	task, err := ix.client.WaitForTask(ctx, info.TaskUID, pollInterval)
	if err != nil {
		return nil, ix.fail(fmt.Sprintf("wait for task %d", info.TaskUID), err)
	}
	return task, nil
}

func taskError(t *ms.Task) error {
	return fmt.Errorf("meilisearch task %d (%s) %s: %s: %s", t.UID, t.Type, t.Status, t.Error.Code, t.Error.Message)
}

// fail maps transport failures and server errors to EUNAVAILABLE.
func (ix *Index) fail(what string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var me *ms.Error
	if errors.As(err, &me) {
		switch {
		case me.ErrCode == ms.CommunicationError, me.ErrCode == ms.TimeoutError,
			me.ErrCode == ms.MaxRetriesExceeded, me.StatusCode >= 500:
			return policydesk.Unavailable("The search server is unavailable.", fmt.Errorf("meilisearch %s: %w", what, err))
		}
	}
	return fmt.Errorf("meilisearch %s: %w", what, err)
}

// Upsert adds or replaces the entries in one task.
func (ix *Index) Upsert(ctx context.Context, entries []search.Entry) error {
	return ix.put(ctx, ix.name, entries)
}

func (ix *Index) put(ctx context.Context, name string, entries []search.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	docs := make([]doc, len(entries))
	for i, e := range entries {
		docs[i] = toDoc(e)
	}
	info, err := ix.client.Index(name).AddDocuments(ctx, docs, nil)
	if err != nil {
		return ix.fail("add documents", err)
	}
	return ix.await(ctx, info)
}

// Delete removes entries by id in one task.
func (ix *Index) Delete(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	enc := make([]string, len(ids))
	for i, id := range ids {
		enc[i] = encodeID(id)
	}
	info, err := ix.client.Index(ix.name).DeleteDocuments(ctx, enc, nil)
	if err != nil {
		return ix.fail("delete documents", err)
	}
	return ix.await(ctx, info)
}

// DeleteDocument removes every entry of the document with a filter.
func (ix *Index) DeleteDocument(ctx context.Context, documentID int64) error {
	info, err := ix.client.Index(ix.name).DeleteDocumentsByFilter(ctx,
		aDocumentID+" = "+strconv.FormatInt(documentID, 10), nil)
	if err != nil {
		return ix.fail("delete documents by filter", err)
	}
	return ix.await(ctx, info)
}

// Search sends the folded query with the filter and facets and builds the
// snippets from the original text with the original query.
func (ix *Index) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	filter, ok := Filter(q)
	if !ok { // the caller may read nothing
		return &search.Result{Hits: []search.Hit{}, Facets: emptyFacets()}, nil
	}
	limit, offset := q.Page()
	req := &ms.SearchRequest{
		Limit: int64(limit), Offset: int64(offset),
		Facets:               search.Facets,
		AttributesToRetrieve: displayed,
		MatchingStrategy:     ms.All,
	}
	if filter != "" {
		req.Filter = filter
	}
	if q.Group {
		req.Distinct = aDocumentID
	}
	req.Query = foldQuery(q.Q)
	resp, err := ix.client.Index(ix.name).Search(ctx, req.Query, req)
	if err != nil {
		return nil, ix.fail("search", err)
	}
	out := &search.Result{Total: int(max(resp.EstimatedTotalHits, resp.TotalHits)),
		Hits: make([]search.Hit, 0, len(resp.Hits)), Facets: emptyFacets()}
	for _, h := range resp.Hits {
		var d doc
		if err := h.DecodeInto(&d); err != nil {
			return nil, fmt.Errorf("meilisearch hit: %w", err)
		}
		hit, err := d.hit(search.HighlightQuery(q.Q, q.Synonyms))
		if err != nil {
			return nil, err
		}
		out.Hits = append(out.Hits, hit)
	}
	if q.Group {
		if err := ix.addMore(ctx, req, out.Hits); err != nil {
			return nil, err
		}
	}
	if len(resp.FacetDistribution) > 0 {
		var dist map[string]map[string]int
		if err := json.Unmarshal(resp.FacetDistribution, &dist); err != nil {
			return nil, fmt.Errorf("meilisearch facets: %w", err)
		}
		for f, counts := range dist {
			if out.Facets[f] != nil {
				out.Facets[f] = counts
			}
		}
	}
	return out, nil
}

// addMore sets each grouped hit's More: its document's other matches.
func (ix *Index) addMore(ctx context.Context, req *ms.SearchRequest, hits []search.Hit) error {
	counts, err := ix.countPerDocument(ctx, req, hits)
	if err != nil {
		return err
	}
	for i := range hits {
		hits[i].More = max(0, counts[hits[i].DocumentID]-1)
	}
	return nil
}

func emptyFacets() map[string]map[string]int {
	out := make(map[string]map[string]int, len(search.Facets))
	for _, f := range search.Facets {
		out[f] = map[string]int{}
	}
	return out
}

// foldQuery folds each query word; a word with đ goes as its "dj" form,
// which the text_folded attribute holds (variants_folded holds the "d" one).
func foldQuery(q string) string {
	terms := search.Terms(q)
	words := make([]string, len(terms))
	for i, t := range terms {
		words[i] = t.Variants[0]
	}
	return strings.Join(words, " ")
}

// Filter returns the Meilisearch filter expression for q; ok is false when
// the caller may read nothing at all.
func Filter(q search.Query) (expr string, ok bool) {
	var and []string
	for _, f := range []struct{ attr, value string }{{aKind, q.Kind}, {aStatus, q.Status}, {aLanguage, q.Language}} {
		if f.value != "" {
			and = append(and, f.attr+" = "+quote(f.value))
		}
	}
	if q.Year != 0 {
		and = append(and, aYear+" = "+strconv.Itoa(q.Year))
	}
	if q.Document != 0 {
		and = append(and, aDocumentID+" = "+strconv.FormatInt(q.Document, 10))
	}
	if !q.All {
		var or []string
		if q.Internal {
			or = append(or, aVisibility+` = "internal"`)
		}
		if q.UserID != 0 {
			user := strconv.FormatInt(q.UserID, 10)
			or = append(or, aReaders+" = "+user)
			if q.Owner {
				or = append(or, aOwner+" = "+user)
			}
		}
		if len(or) == 0 {
			return "", false
		}
		and = append(and, "("+strings.Join(or, " OR ")+")")
	}
	return strings.Join(and, " AND "), true
}

// quote makes a filter string literal.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// Ping asks the server for its health.
func (ix *Index) Ping(ctx context.Context) error {
	h, err := ix.client.Health(ctx)
	if err != nil {
		return ix.fail("health", err)
	}
	if h.Status != "available" {
		return policydesk.Errorf(policydesk.EUnavailable, "The search server is unavailable.")
	}
	return nil
}

// Close releases idle connections.
func (ix *Index) Close() error {
	ix.closeOnce.Do(ix.client.Close)
	return nil
}

// Rebuild fills a fresh index <name>_<timestamp> through fill, swaps it
// with the live one in one step and deletes the old one. Searches see the
// old entries until the swap.
func (ix *Index) Rebuild(ctx context.Context, fill func(put func([]search.Entry) error) error) error {
	tmp := fmt.Sprintf("%s_%d", ix.name, now().UnixNano())
	if err := ix.create(ctx, tmp); err != nil {
		return err
	}
	drop := func() error {
		info, err := ix.client.DeleteIndex(ctx, tmp)
		if err != nil {
			return ix.fail("delete index", err)
		}
		return ix.await(ctx, info)
	}
	if err := fill(func(entries []search.Entry) error { return ix.put(ctx, tmp, entries) }); err != nil {
		return errors.Join(err, drop())
	}
	info, err := ix.client.SwapIndexes(ctx, []*ms.SwapIndexesParams{{Indexes: []string{ix.name, tmp}}})
	if err != nil {
		return errors.Join(ix.fail("swap indexes", err), drop())
	}
	if err := ix.await(ctx, info); err != nil {
		return errors.Join(err, drop())
	}
	return drop()
}
