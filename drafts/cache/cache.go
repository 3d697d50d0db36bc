// Package cache is a least-recently-used cache bounded in bytes, not in
// entries: a handful of 5 MiB renderings must not cost what a thousand
// small ones do. It wraps golang-lru's simplelru with a byte count and a
// mutex, so it is safe for concurrent use.
package cache

import (
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// Cache keeps values of type V under keys of type K while the sum of their
// sizes stays within a budget.
type Cache[K comparable, V any] struct {
	mu       sync.Mutex
	lru      *simplelru.LRU[K, sized[V]]
	bytes    int64
	maxBytes int64
	maxEntry int64
}

type sized[V any] struct {
	v    V
	size int64
}

// New returns a cache that holds at most maxBytes of values. A value larger
// than a quarter of the budget is never kept, so one huge entry cannot flush
// everything else. maxBytes <= 0 disables the cache.
func New[K comparable, V any](maxBytes int64) *Cache[K, V] {
	c := &Cache[K, V]{maxBytes: maxBytes, maxEntry: maxBytes / 4}
	// simplelru needs an entry bound; the byte budget is the real one.
	l, err := simplelru.NewLRU[K, sized[V]](1<<30, func(_ K, e sized[V]) { c.bytes -= e.size })
	if err != nil {
		panic(err) // only for a size <= 0
	}
	c.lru = l
	return c
}

// Get returns the value under key and marks it recently used.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	if c == nil || c.maxBytes <= 0 {
		var zero V
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.lru.Get(key)
	return e.v, ok
}

// Add stores v under key, counting size bytes for it, and evicts the least
// recently used values until the cache is within its budget again.
func (c *Cache[K, V]) Add(key K, v V, size int) {
	if c == nil || c.maxBytes <= 0 || int64(size) > c.maxEntry {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.lru.Peek(key); ok {
		c.bytes -= old.size
	}
	c.lru.Add(key, sized[V]{v, int64(size)})
	c.bytes += int64(size)
	for c.bytes > c.maxBytes {
		if _, _, ok := c.lru.RemoveOldest(); !ok {
			break
		}
	}
}

// Bytes is the sum of the sizes of the values held.
func (c *Cache[K, V]) Bytes() int64 {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

// Len is the number of values held.
func (c *Cache[K, V]) Len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}
