// Package bleve is the embedded search.Index: a bleve (scorch) index in a
// folder of the data directory.
//
// OpenCurrent opens the folder's live index and Rebuild builds a fresh one
// and swaps it in (dir.go: CURRENT names the live index, a lock keeps a
// rebuild away from a running server). bleve.go holds the mapping and the
// writes, analysis.go the folding analyzers. A query (query.go) is planned
// (plan.go: its words resolved to index terms, expand.go: their typo and
// prefix expansions), counted from postings bitmaps (evaluate.go) and
// ranked (rank.go, with order.go's stable order among equals).
package bleve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"policydesk"
	"policydesk/search"
	"policydesk/search/stem"
)

// Field names in the index.
const (
	fType         = "type"
	fDocumentID   = "document_id"
	fTitle        = "title"
	fKind         = "kind"
	fStatus       = "status"
	fLanguage     = "language"
	fVisibility   = "visibility"
	fYear         = "year"
	fArticleID    = "article_id"
	fArticleNum   = "article_num"
	fHeading      = "heading"
	fCommentID    = "comment_id"
	fAttachmentID = "attachment_id"
	fText         = "text"
	fReaders      = "readers"
	fOwner        = "owner"
	// fAll is title, heading and text in one analysed, unstored field: a
	// query word is matched (exactly, fuzzily, as a prefix) against one
	// term dictionary instead of three.
	fAll = "all"
	// fPrefixes holds the first 3 to 12 letters of every word of fAll.
	fPrefixes = "prefixes"
	// fFacets holds every facet value of an entry as "facet=value"
	// keywords, with doc values: facet counting visits one field per hit
	// instead of four.
	fFacets = "facets"
)

// ErrOldLayout is returned by Open for an index built with another layout;
// it must be rebuilt.
var ErrOldLayout = errors.New("built by another version of policydesk; it must be rebuilt")

// layout names the index layout (fields and mapping); Open refuses an index
// built with another one, which needs a reindex.
const (
	layoutKey = "policydesk_layout"
	layout    = "5"
)

// storedFields are what a Hit needs.
var storedFields = []string{fType, fDocumentID, fTitle, fKind, fStatus, fLanguage, fYear,
	fArticleID, fArticleNum, fHeading, fCommentID, fAttachmentID, fText}

// Index is a search.Index on a local bleve index. Safe for concurrent use.
type Index struct {
	idx bleve.Index
	// mu is held for reading while a search works on a snapshot and for
	// writing by Close; closed is set under it.
	mu        sync.RWMutex
	closed    bool
	closeOnce sync.Once
	closeErr  error
	order     orderKeys
	// scorch is the index's engine, for its events; warming and
	// warmAgain run warmOrder.
	scorch             *scorch.Scorch
	warming, warmAgain atomic.Bool
	// unlock releases the folder of an index opened by OpenCurrent.
	unlock func()
}

var _ search.Index = (*Index)(nil)

// Open opens the index in dir, creating it if dir holds none.
func Open(dir string) (*Index, error) {
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err == nil {
		idx, err := bleve.OpenUsing(dir, runtimeConfig())
		if err != nil {
			return nil, fmt.Errorf("open search index %s: %w", dir, err)
		}
		if v, err := idx.GetInternal([]byte(layoutKey)); err != nil || string(v) != layout {
			idx.Close()
			return nil, fmt.Errorf("search index %s: %w", dir, ErrOldLayout)
		}
		ix := &Index{idx: idx}
		ix.register()
		return ix, nil
	}
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	idx, err := bleve.NewUsing(dir, m, scorch.Name, scorch.Name, runtimeConfig())
	if err != nil {
		return nil, fmt.Errorf("create search index %s: %w", dir, err)
	}
	if err := idx.SetInternal([]byte(layoutKey), []byte(layout)); err != nil {
		idx.Close()
		return nil, fmt.Errorf("create search index %s: %w", dir, err)
	}
	ix := &Index{idx: idx}
	ix.register()
	return ix, nil
}

// runtimeConfig tunes scorch's merger for a read-mostly index: a query
// pays per segment (dictionary walks for typos and prefixes, postings
// lookups), so at most two segments are left per size tier instead of
// ten. The price is more merging, which the few writes of drafting (one
// batch per save) easily afford.
func runtimeConfig() map[string]interface{} {
	return map[string]interface{}{
		"eventCallbackName": eventCallback,
		"scorchMergePlanOptions": map[string]interface{}{
			"MaxSegmentsPerTier":   2,
			"SegmentsPerMergeTask": 10,
		},
	}
}

// newMapping is lean: keyword fields for filters, one doc-values field for
// the facets, one analysed field (all) for matching plus the analysed title
// for its boost, no term vectors, no _all field, nothing stored that a Hit
// does not show.
func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	if err := addAnalyzer(m); err != nil {
		return nil, fmt.Errorf("search analyzer: %w", err)
	}
	if err := addStemAnalyzers(m); err != nil {
		return nil, fmt.Errorf("search stem analyzers: %w", err)
	}
	m.DefaultAnalyzer = analyzerName
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false

	keywordField := func(store, docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.DocValues = docValues
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		return f
	}
	textField := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzerName
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	storedOnly := func() *mapping.FieldMapping {
		f := keywordField(true, false)
		f.Index = false
		return f
	}

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fType, keywordField(true, false))
	doc.AddFieldMappingsAt(fDocumentID, keywordField(true, false))
	doc.AddFieldMappingsAt(fKind, keywordField(true, false))
	doc.AddFieldMappingsAt(fStatus, keywordField(true, false))
	doc.AddFieldMappingsAt(fLanguage, keywordField(true, false))
	doc.AddFieldMappingsAt(fYear, keywordField(true, false))
	doc.AddFieldMappingsAt(fFacets, keywordField(false, true))
	doc.AddFieldMappingsAt(fVisibility, keywordField(false, false))
	doc.AddFieldMappingsAt(fReaders, keywordField(false, false))
	doc.AddFieldMappingsAt(fOwner, keywordField(false, false))
	doc.AddFieldMappingsAt(fArticleID, storedOnly())
	doc.AddFieldMappingsAt(fArticleNum, storedOnly())
	doc.AddFieldMappingsAt(fCommentID, storedOnly())
	doc.AddFieldMappingsAt(fAttachmentID, storedOnly())
	doc.AddFieldMappingsAt(fTitle, textField(true))
	doc.AddFieldMappingsAt(fHeading, storedOnly())
	doc.AddFieldMappingsAt(fText, storedOnly())
	doc.AddFieldMappingsAt(fAll, textField(false))
	prefixes := textField(false)
	prefixes.Analyzer = prefixAnalyzer
	doc.AddFieldMappingsAt(fPrefixes, prefixes)
	for _, lang := range stem.Languages {
		stems := textField(false)
		stems.Analyzer = stemAnalyzer(lang)
		doc.AddFieldMappingsAt(stemField(lang), stems)
	}
	m.DefaultMapping = doc
	m.DefaultMapping.Dynamic = false
	return m, nil
}

func fields(e search.Entry) map[string]interface{} {
	readers := make([]string, len(e.Readers))
	for i, r := range e.Readers {
		readers[i] = strconv.FormatInt(r, 10)
	}
	f := map[string]interface{}{
		fType:       e.Type,
		fDocumentID: strconv.FormatInt(e.DocumentID, 10),
		fTitle:      e.Title,
		fKind:       e.Kind,
		fStatus:     e.Status,
		fLanguage:   e.Language,
		fVisibility: e.Visibility,
		fText:       e.Text,
		fReaders:    readers,
		fAll:        e.Title + "\n" + e.Heading + "\n" + e.Text,
	}
	f[fPrefixes] = f[fAll]
	if slices.Contains(stem.Languages, e.Language) {
		f[stemField(e.Language)] = f[fAll] // the other forms of its words, in its language
	}
	facets := make([]string, 0, len(search.Facets))
	for _, fv := range [...][2]string{{search.FacetKind, e.Kind}, {search.FacetStatus, e.Status},
		{search.FacetLanguage, e.Language}, {search.FacetYear, yearString(e.Year)}} {
		if fv[1] != "" {
			facets = append(facets, fv[0]+"="+fv[1])
		}
	}
	if len(facets) > 0 {
		f[fFacets] = facets
	}
	if e.Year != 0 {
		f[fYear] = yearString(e.Year)
	}
	for name, v := range map[string]string{fArticleID: e.ArticleID, fArticleNum: e.ArticleNum, fHeading: e.Heading} {
		if v != "" {
			f[name] = v
		}
	}
	if e.Owner != 0 {
		f[fOwner] = strconv.FormatInt(e.Owner, 10)
	}
	if e.CommentID != 0 {
		f[fCommentID] = strconv.FormatInt(e.CommentID, 10)
	}
	if e.AttachmentID != 0 {
		f[fAttachmentID] = strconv.FormatInt(e.AttachmentID, 10)
	}
	return f
}

// Upsert indexes the entries in one batch.
func (ix *Index) Upsert(ctx context.Context, entries []search.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	b := ix.idx.NewBatch()
	for _, e := range entries {
		if err := b.Index(e.ID, fields(e)); err != nil {
			return fmt.Errorf("index entry %s: %w", e.ID, err)
		}
	}
	return ix.batch(ctx, b)
}

// Delete removes entries in one batch.
func (ix *Index) Delete(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	b := ix.idx.NewBatch()
	for _, id := range ids {
		b.Delete(id)
	}
	return ix.batch(ctx, b)
}

// DeleteDocument deletes every entry of the document, a page of ids at a time.
func (ix *Index) DeleteDocument(ctx context.Context, documentID int64) error {
	q := bleve.NewTermQuery(strconv.FormatInt(documentID, 10))
	q.SetField(fDocumentID)
	for {
		req := bleve.NewSearchRequestOptions(q, 1000, 0, false)
		req.Score = "none"
		res, err := ix.idx.SearchInContext(ctx, req)
		if err != nil {
			return ix.fail("find entries of document", err)
		}
		if len(res.Hits) == 0 {
			return nil
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		if err := ix.Delete(ctx, ids); err != nil {
			return err
		}
	}
}

func (ix *Index) batch(ctx context.Context, b *bleve.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := ix.idx.Batch(b); err != nil {
		return ix.fail("write search index", err)
	}
	return nil
}

// Compact merges the index into one segment and waits for it: call it after
// a bulk load (a reindex), since queries on one segment take about a
// quarter less time than on the several segments the merger leaves behind.
func (ix *Index) Compact(ctx context.Context) error {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return ix.fail("compact search index", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	if err := s.ForceMerge(ctx, nil); err != nil {
		return ix.fail("compact search index", err)
	}
	return nil
}

// Ping reports whether the index is open.
func (ix *Index) Ping(ctx context.Context) error {
	if _, err := ix.idx.DocCount(); err != nil {
		return ix.fail("ping search index", err)
	}
	return nil
}

// Close closes the index, and releases its folder when OpenCurrent opened
// it; later calls return the first result.
func (ix *Index) Close() error {
	ix.closeOnce.Do(func() {
		ix.mu.Lock()
		defer ix.mu.Unlock()
		ix.closed = true
		ix.unregister()
		ix.closeErr = ix.idx.Close()
		if ix.unlock != nil {
			ix.unlock()
		}
	})
	return ix.closeErr
}

// fail maps a closed index to EUNAVAILABLE and wraps anything else.
func (ix *Index) fail(what string, err error) error {
	if errors.Is(err, bleve.ErrorIndexClosed) {
		return policydesk.Errorf(policydesk.EUnavailable, "The search index is closed.")
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}

func yearString(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}
