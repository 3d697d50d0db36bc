package bleve

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/blevesearch/bleve/v2"

	"policydesk/search"
)

// followStateKey is the internal key holding a follower's cursor and
// retries: written in the batch of the entries it covers, so a crash
// never leaves the cursor ahead of the index.
const followStateKey = "policydesk_follow"

var _ search.FollowedIndex = (*Index)(nil)

// FollowState returns the follower's state kept in the index, nil when
// there is none (a new index, or one being built).
func (ix *Index) FollowState(ctx context.Context) (*search.FollowState, error) {
	v, err := ix.idx.GetInternal([]byte(followStateKey))
	if err != nil {
		return nil, ix.fail("read the search index's cursor", err)
	}
	if v == nil {
		return nil, nil
	}
	var st search.FollowState
	if err := json.Unmarshal(v, &st); err != nil {
		return nil, fmt.Errorf("the search index's cursor is unreadable: %w", err)
	}
	return &st, nil
}

// ForgetState removes the follower's state, before the index is built
// again: a build cut short then starts over.
func (ix *Index) ForgetState(ctx context.Context) error {
	b := ix.idx.NewBatch()
	b.DeleteInternal([]byte(followStateKey))
	return ix.batch(ctx, b)
}

// Replace replaces the entries of each document (none: removed) and, when
// st is not nil, writes the follower's state, all in one batch.
func (ix *Index) Replace(ctx context.Context, docs []search.Replacement, st *search.FollowState) error {
	b := ix.idx.NewBatch()
	for _, d := range docs {
		old, err := ix.entryIDs(ctx, d.DocumentID)
		if err != nil {
			return err
		}
		for _, id := range old {
			b.Delete(id)
		}
		// A batch keeps the last operation per ID: an entry still there
		// is indexed anew, not deleted.
		for _, e := range d.Entries {
			if err := b.Index(e.ID, fields(e)); err != nil {
				return fmt.Errorf("index entry %s: %w", e.ID, err)
			}
		}
	}
	if st != nil {
		v, err := json.Marshal(st)
		if err != nil {
			return err
		}
		b.SetInternal([]byte(followStateKey), v)
	}
	return ix.batch(ctx, b)
}

// entryIDs lists the IDs of the document's entries.
func (ix *Index) entryIDs(ctx context.Context, documentID int64) ([]string, error) {
	q := bleve.NewTermQuery(strconv.FormatInt(documentID, 10))
	q.SetField(fDocumentID)
	var ids []string
	for {
		req := bleve.NewSearchRequestOptions(q, 1000, len(ids), false)
		req.Score = "none"
		res, err := ix.idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, ix.fail("find entries of document", err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < 1000 {
			return ids, nil
		}
	}
}

// IndexedDocuments lists the documents that have entries in the index.
func (ix *Index) IndexedDocuments(ctx context.Context) ([]int64, error) {
	dict, err := ix.idx.FieldDict(fDocumentID)
	if err != nil {
		return nil, ix.fail("list indexed documents", err)
	}
	defer dict.Close()
	var ids []int64
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, ix.fail("list indexed documents", err)
		}
		if e == nil {
			return ids, nil
		}
		if id, err := strconv.ParseInt(e.Term, 10, 64); err == nil && e.Count > 0 {
			ids = append(ids, id)
		}
	}
}
