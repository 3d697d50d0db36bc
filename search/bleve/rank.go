package bleve

import (
	"container/heap"
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"policydesk/search"
)

// ranked is one matching entry with its rank key.
type ranked struct {
	seg   int    // index into the segment states
	num   uint64 // entry number in its segment
	typos int    // the entry's bucket
	score float32
	key   uint64 // order among equals, see orderKeys
}

// before reports whether a ranks before b: fewer typos first, then the
// higher score, then the larger order key, then (for the rare equal keys)
// index order, so that the ranking is total.
func (a ranked) before(b ranked) bool {
	if a.typos != b.typos {
		return a.typos < b.typos
	}
	if a.score != b.score {
		return a.score > b.score
	}
	if a.key != b.key {
		return a.key > b.key
	}
	if a.seg != b.seg {
		return a.seg < b.seg
	}
	return a.num < b.num
}

// worstFirst is a heap of the best k entries seen, the worst on top.
type worstFirst []ranked

func (h worstFirst) Len() int           { return len(h) }
func (h worstFirst) Less(i, j int) bool { return h[j].before(h[i]) }
func (h worstFirst) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *worstFirst) Push(x any)        { *h = append(*h, x.(ranked)) }
func (h *worstFirst) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// scorePool recycles the per-segment score arrays.
var scorePool = sync.Pool{New: func() any { return new([]float32) }}

// top returns the best k matching entries, best first.
//
// The score is classic TF-IDF summed over the scoring terms: boost × idf² ×
// √tf × norm, where norm is 1/√(words in the field) as the index stores it
// and idf = 1 + ln(docs/(df+1)), docs and df counting only the live entries
// the caller may read (see stats). It reads each scoring term's postings once
// into a per-segment array, without the per-hit searcher machinery: a
// common word costs tens of nanoseconds per entry holding it.
//
// Entries are ranked by bucket, fewer typos first, as Meilisearch's typo
// rule does, and by score within a bucket. The bucket without typos is
// scored on the words as typed (and the completions of the last) only: an
// entry gains nothing from also holding a misspelling of them. Typo
// expansions add to the scores of the other buckets, which are visited only as far as
// the k places need (buckets counts each bucket's entries in all
// segments).
func (p *plan) top(ctx context.Context, segs []*segState, st stats, k int, buckets []uint64,
	keys map[segment.Segment][]uint64) ([]ranked, error) {
	// last is the last bucket with entries among the best k.
	last, seen := 0, uint64(0)
	for t, n := range buckets {
		last, seen = t, seen+n
		if seen >= uint64(k) {
			break
		}
	}
	h := make(worstFirst, 0, k)
	push := func(r ranked) {
		if len(h) < k {
			heap.Push(&h, r)
		} else if r.before(h[0]) {
			h[0] = r
			heap.Fix(&h, 0)
		}
	}
	if err := p.rankAll(ctx, segs, st, last, keys, push); err != nil {
		return nil, err
	}
	out := make([]ranked, len(h))
	for i := len(h) - 1; i >= 0; i-- {
		out[i] = heap.Pop(&h).(ranked)
	}
	return out, nil
}

// rankAll scores the buckets up to last of every segment and pushes their
// entries.
func (p *plan) rankAll(ctx context.Context, segs []*segState, st stats, last int,
	keys map[segment.Segment][]uint64, push func(ranked)) error {
	weights := make([]float32, len(p.scoring))
	for i, t := range p.scoring {
		idf := 1 + math.Log(float64(st.docs)/float64(st.df[i]+1))
		weights[i] = float32(t.boost * idf * idf)
	}
	buf := scorePool.Get().(*[]float32)
	defer scorePool.Put(buf)
	for si, s := range segs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if uint64(cap(*buf)) < s.segmentCount {
			*buf = make([]float32, s.segmentCount)
		}
		scores := (*buf)[:s.segmentCount]
		key := keys[s.ss.Segment()]
		if uint64(len(key)) != s.segmentCount {
			return fmt.Errorf("order keys of a segment: %d for %d entries", len(key), s.segmentCount)
		}
		err := p.rankSegment(si, s, scores, key, weights, last, push)
		clear(scores)
		if err != nil {
			return err
		}
	}
	return nil
}

// rankSegment scores the segment's buckets up to last and pushes their
// entries.
func (p *plan) rankSegment(si int, s *segState, scores []float32, key []uint64, weights []float32,
	last int, push func(ranked)) error {
	// The words as typed count in every bucket's entries, the typo
	// expansions from bucket 1 on. Each term is added to exactly the
	// entries wanted whichever way score reads it, so that a score never
	// depends on how the entries lie in segments.
	rest := roaring.New()
	for _, later := range s.buckets[1:min(last+1, len(s.buckets))] {
		rest.Or(later)
	}
	for t := 0; t <= last && t < len(s.buckets); t++ {
		b := s.buckets[t]
		switch t {
		case 0:
			want := b
			if !rest.IsEmpty() {
				want = roaring.Or(b, rest)
			}
			if err := p.score(scores, s, want, weights, false); err != nil {
				return err
			}
		case 1:
			if err := p.score(scores, s, rest, weights, true); err != nil {
				return err
			}
		}
		for it := b.Iterator(); it.HasNext(); {
			n := it.Next()
			push(ranked{seg: si, num: uint64(n), typos: t, score: scores[n], key: key[n]})
		}
	}
	return nil
}

// score adds to scores the weighted occurrences of the segment's scoring
// terms in the entries of want: those without typos, or (typos set) those
// with. A term much more common than want is read by skipping to each
// wanted entry instead of decoding every posting.
func (p *plan) score(scores []float32, s *segState, want *roaring.Bitmap, weights []float32, typos bool) error {
	wanted := want.GetCardinality()
	for i, pl := range s.scoring {
		if pl == nil || (p.scoring[i].typos > 0) != typos {
			continue
		}
		w := weights[i]
		add := func(posting segment.Posting) {
			scores[posting.Number()] += w * tf(posting.Frequency()) * norm(posting)
		}
		it := pl.Iterator(true, true, false, nil)
		if wanted*skipRatio < pl.Count() {
			var cur segment.Posting // Advance must move forward: keep the last
			for wi := want.Iterator(); wi.HasNext(); {
				n := uint64(wi.Next())
				if cur == nil || cur.Number() < n {
					var err error
					if cur, err = it.Advance(n); err != nil {
						return fmt.Errorf("read postings: %w", err)
					}
					if cur == nil {
						break
					}
				}
				if cur.Number() == n {
					add(cur)
				} else {
					wi.AdvanceIfNeeded(uint32(cur.Number()))
				}
			}
			continue
		}
		for {
			posting, err := it.Next()
			if err != nil {
				return fmt.Errorf("read postings: %w", err)
			}
			if posting == nil {
				break
			}
			add(posting)
		}
	}
	return nil
}

// skipRatio: a term is read by skipping when it has this many times more
// postings than the entries wanted.
const skipRatio = 4

// sqrtTable holds √n for small n.
var sqrtTable = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(math.Sqrt(float64(i)))
	}
	return t
}()

// tf is √freq.
func tf(freq uint64) float32 {
	if freq < uint64(len(sqrtTable)) {
		return sqrtTable[freq]
	}
	return float32(math.Sqrt(float64(freq)))
}

// invSqrtTable holds 1/√n for field lengths up to 4095 words.
var invSqrtTable = func() (t [4096]float32) {
	for i := 1; i < len(t); i++ {
		t[i] = float32(1 / math.Sqrt(float64(i)))
	}
	return t
}()

// fieldLength is implemented by zap postings, which store the length of
// the field (in words) and derive Norm from it with a square root per call.
type fieldLength interface{ NormUint64() uint64 }

// norm is 1/√(words in the field).
func norm(p segment.Posting) float32 {
	if fl, ok := p.(fieldLength); ok {
		if n := fl.NormUint64(); n > 0 && n < uint64(len(invSqrtTable)) {
			return invSqrtTable[n]
		}
	}
	return float32(p.Norm())
}

// load reads a ranked entry's ID and stored fields into a Hit.
func load(segs []*segState, r ranked, match func(lang string) search.WordMatcher) (search.Hit, error) {
	ss := segs[r.seg].ss
	id, err := ss.DocID(r.num)
	if err != nil {
		return search.Hit{}, fmt.Errorf("read entry id: %w", err)
	}
	f := make(map[string]interface{}, len(storedFields))
	err = ss.VisitDocument(r.num, func(field string, _ byte, value []byte, _ []uint64) bool {
		if stored[field] {
			f[field] = string(value)
		}
		return true
	})
	if err != nil {
		return search.Hit{}, fmt.Errorf("read entry %s: %w", id, err)
	}
	return hit(string(id), f, match), nil
}

var stored = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range storedFields {
		m[f] = true
	}
	return m
}()
