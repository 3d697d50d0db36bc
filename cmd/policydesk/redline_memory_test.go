package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"policydesk/drafts/draftstest"
)

// TestRedlineMemoryBounded asks the running binary for the redlines of
// every ordered pair of ten distinct 2 MB versions (90 redlines, one at a
// time) and watches its resident memory: the redline cache keeps at most
// its 64 MiB, so the peak stays under a stated bound instead of growing
// with the number of pairs asked for (the cache used to keep 64 redlines
// whatever their size: 290 MB of them here).
func TestRedlineMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("asks for 90 redlines of 4 MB each")
	}
	// The cache's 64 MiB, the redline in flight and the garbage collector's
	// headroom: measured 70-210 MiB of growth. With the cache of 64 entries
	// whatever their size, the growth was 446 MiB.
	const bound = 300 << 20
	srv := startServer(t, "")
	editor := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	const versions = 10
	body := draftstest.Regulation(600, 260000, 1)
	doc := editor.createDocument(t, "Rregullore e madhe", body)
	for v := 2; v <= versions; v++ {
		body = draftstest.Revise(body, int64(v))
		editor.call(t, "POST", fmt.Sprintf("/api/v1/documents/%d/versions", doc.ID),
			map[string]any{"base": v - 1, "body": body, "message": "rishikim " + strconv.Itoa(v)}, nil)
	}
	before, _, _ := memStatus(srv.cmd.Process.Pid)
	peak := watchRSS(srv.cmd.Process.Pid)
	pairs := make(chan [2]int)
	var wg sync.WaitGroup
	for range 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range pairs {
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				var out struct{ Bounded bool }
				err := editor.do(ctx, http.MethodGet, fmt.Sprintf("/api/v1/documents/%d/diff?from=%d&to=%d", doc.ID, p[0], p[1]), nil, &out)
				cancel()
				if err != nil || out.Bounded {
					t.Errorf("redline %d→%d: %v, bounded %v", p[0], p[1], err, out.Bounded)
				}
			}
		}()
	}
	start := time.Now()
	for from := 1; from <= versions; from++ {
		for to := 1; to <= versions; to++ {
			if to != from {
				pairs <- [2]int{from, to}
			}
		}
	}
	close(pairs)
	wg.Wait()
	rss := peak.Stop()
	t.Logf("90 redlines of 4 MB in %v: RSS %d MiB before, peak %d MiB (growth bound %d MiB)", time.Since(start), before>>20, rss>>20, bound>>20)
	if rss-before > bound {
		t.Errorf("RSS grew by %d MiB, over %d MiB", (rss-before)>>20, bound>>20)
	}
}
