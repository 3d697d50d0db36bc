package cache

import (
	"strconv"
	"sync"
	"testing"
)

func TestBoundedInBytes(t *testing.T) {
	c := New[string, string](1000)
	for i := 0; i < 100; i++ {
		c.Add(strconv.Itoa(i), "x", 100)
		if c.Bytes() > 1000 {
			t.Fatalf("after %d adds the cache holds %d bytes, over its 1000", i+1, c.Bytes())
		}
	}
	if c.Len() != 10 {
		t.Fatalf("Len = %d, want 10 entries of 100 bytes", c.Len())
	}
	if _, ok := c.Get("0"); ok {
		t.Fatal("the oldest entry survived")
	}
	if v, ok := c.Get("99"); !ok || v != "x" {
		t.Fatal("the newest entry is missing")
	}
}

func TestRecentlyUsedSurvives(t *testing.T) {
	c := New[int, int](400)
	for i := 1; i <= 4; i++ {
		c.Add(i, i, 100)
	}
	c.Get(1)
	c.Add(5, 5, 100)
	if _, ok := c.Get(1); !ok {
		t.Fatal("entry 1 was used last but evicted")
	}
	if _, ok := c.Get(2); ok {
		t.Fatal("entry 2 was the least recently used but kept")
	}
}

func TestReplaceCountsOnce(t *testing.T) {
	c := New[int, int](1000)
	c.Add(1, 1, 200)
	c.Add(1, 2, 50)
	if c.Bytes() != 50 {
		t.Fatalf("Bytes = %d after replacing, want 50", c.Bytes())
	}
	if v, _ := c.Get(1); v != 2 {
		t.Fatalf("Get = %d, want the new value", v)
	}
}

func TestHugeEntryNotKept(t *testing.T) {
	c := New[int, int](1000)
	c.Add(1, 1, 100)
	c.Add(2, 2, 251) // over a quarter of the budget
	if _, ok := c.Get(2); ok {
		t.Fatal("an entry over a quarter of the budget was kept")
	}
	if _, ok := c.Get(1); !ok {
		t.Fatal("a huge entry flushed a small one")
	}
}

func TestDisabled(t *testing.T) {
	c := New[int, int](0)
	c.Add(1, 1, 1)
	if _, ok := c.Get(1); ok {
		t.Fatal("a disabled cache returned a value")
	}
	var nilCache *Cache[int, int]
	nilCache.Add(1, 1, 1)
	if _, ok := nilCache.Get(1); ok {
		t.Fatal("a nil cache returned a value")
	}
}

func TestConcurrent(t *testing.T) {
	c := New[int, int](10_000)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				c.Add(g*1000+i, i, 1+i%50)
				c.Get(g*1000 + i/2)
			}
		}(g)
	}
	wg.Wait()
	if c.Bytes() > 10_000 {
		t.Fatalf("Bytes = %d over the budget", c.Bytes())
	}
}
