package bleve

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum"
)

// Entries that rank equal (every entry, for a query without words) are
// ordered by a key that does not depend on where the merger has put them:
// the newest document first, then a hash of the entry's ID. Ordering by
// position in the index instead would reshuffle the pages of an unchanged
// result whenever segments merge.
//
// The keys of a segment are read once from its document_id and _id
// dictionaries (a few milliseconds for 20,000 entries) and kept while the
// segment is live: segments never change.
type orderKeys struct {
	mu   sync.Mutex
	segs map[segment.Segment][]uint64
}

// keys returns the order keys of the snapshot's segments, reading those
// of new segments and forgetting those of merged-away ones.
func (o *orderKeys) keys(snap *scorch.IndexSnapshot) (map[segment.Segment][]uint64, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.segs == nil {
		o.segs = map[segment.Segment][]uint64{}
	}
	live := make(map[segment.Segment][]uint64, len(snap.Segments()))
	for _, ss := range snap.Segments() {
		seg := ss.Segment()
		k, ok := o.segs[seg]
		if !ok {
			var err error
			if k, err = readOrderKeys(seg); err != nil {
				return nil, err
			}
		}
		live[seg] = k
	}
	// Keep only what this snapshot uses; a concurrent search on an older
	// snapshot rebuilds what it misses.
	o.segs = live
	return live, nil
}

// readOrderKeys computes document ID << 32 | (2^32-1 - fnv32a(ID)) for each
// entry of seg, so that the larger key ranks first.
func readOrderKeys(seg segment.Segment) ([]uint64, error) {
	keys := make([]uint64, seg.Count())
	err := eachPosting(seg, fDocumentID, func(term string, docs *roaring.Bitmap) {
		id, err := strconv.ParseUint(term, 10, 32)
		if err != nil {
			return // not a document ID; leaves 0
		}
		for it := docs.Iterator(); it.HasNext(); {
			n := it.Next()
			keys[n] |= id << 32
		}
	})
	if err != nil {
		return nil, err
	}
	err = eachPosting(seg, "_id", func(term string, docs *roaring.Bitmap) {
		h := ^fnv32a(term)
		for it := docs.Iterator(); it.HasNext(); {
			n := it.Next()
			keys[n] |= uint64(h)
		}
	})
	return keys, err
}

// fnv32a is the 32-bit FNV-1a hash of s.
func fnv32a(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// eachPosting calls f with every term of field in seg and its postings.
func eachPosting(seg segment.Segment, field string, f func(term string, docs *roaring.Bitmap)) error {
	d, err := seg.Dictionary(field)
	if err != nil {
		return fmt.Errorf("dictionary %s: %w", field, err)
	}
	var it segment.DictionaryIterator
	if oc, ok := d.(omitCounter); ok {
		it = oc.AutomatonIteratorOmitCount(&vellum.AlwaysMatch{}, nil, nil)
	} else {
		it = d.AutomatonIterator(&vellum.AlwaysMatch{}, nil, nil)
	}
	b := roaring.New()
	var pl segment.PostingsList
	for {
		e, err := it.Next()
		if err != nil {
			return fmt.Errorf("dictionary %s: %w", field, err)
		}
		if e == nil {
			return nil
		}
		if pl, err = d.PostingsList([]byte(e.Term), nil, pl); err != nil {
			return fmt.Errorf("postings %s:%s: %w", field, e.Term, err)
		}
		b.Clear()
		if err := orPostings(b, pl); err != nil {
			return fmt.Errorf("postings %s:%s: %w", field, e.Term, err)
		}
		f(e.Term, b)
	}
}

// Order keys are read when the persister or the merger introduces a
// segment, so that queries find them ready: a merged 20,000-entry segment
// takes about 10 ms to read.

const eventCallback = "policydesk_order_keys"

// openIndexes maps each open scorch index to its Index for the event callback.
var openIndexes sync.Map // *scorch.Scorch → *Index

func init() {
	scorch.RegistryEventCallbacks[eventCallback] = func(e scorch.Event) bool {
		switch e.Kind {
		case scorch.EventKindBatchIntroduction, scorch.EventKindPersisterProgress, scorch.EventKindMergerProgress:
			if ix, ok := openIndexes.Load(e.Scorch); ok {
				ix.(*Index).warmOrder()
			}
		}
		return true
	}
}

// register makes the index's events warm its order keys.
func (ix *Index) register() {
	if adv, err := ix.idx.Advanced(); err == nil {
		if s, ok := adv.(*scorch.Scorch); ok {
			openIndexes.Store(s, ix)
			ix.scorch = s
		}
	}
}

func (ix *Index) unregister() {
	if ix.scorch != nil {
		openIndexes.Delete(ix.scorch)
	}
}

// warmOrder reads the order keys of the current snapshot in the
// background; requests made meanwhile are served by one more round.
func (ix *Index) warmOrder() {
	ix.warmAgain.Store(true)
	if !ix.warming.CompareAndSwap(false, true) {
		return
	}
	go func() {
		for {
			ix.warmAgain.Store(false)
			if snap, release, err := ix.snapshot(); err == nil {
				ix.order.keys(snap) // an error shows again on the next search
				release()
			}
			ix.warming.Store(false)
			if !ix.warmAgain.Load() || !ix.warming.CompareAndSwap(false, true) {
				return
			}
		}
	}()
}
