package postgres_test

import (
	"context"
	"sync"
	"testing"

	"policydesk/storage/postgres/pgtest"
)

// Under steady concurrent load the pool keeps its connections: every
// connection it closes only to open another costs PostgreSQL a new backend
// process (a fork and a login) on a later request. Sixteen queries at a
// time, thirty times over, are served by at most sixteen backends.
func TestPool_KeepsConnectionsUnderLoad(t *testing.T) {
	raw := mustConnect(t, pgtest.URL(t))
	const concurrent, rounds = 16, 30
	backends := map[int]bool{}
	var mu sync.Mutex
	for range rounds {
		var wg sync.WaitGroup
		for range concurrent {
			wg.Go(func() {
				var pid int
				// The sleep keeps all sixteen in flight together.
				if err := raw.QueryRowContext(context.Background(), `SELECT pg_backend_pid() FROM pg_sleep(0.02)`).Scan(&pid); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				backends[pid] = true
				mu.Unlock()
			})
		}
		wg.Wait()
	}
	if len(backends) > concurrent {
		t.Errorf("%d rounds of %d concurrent queries used %d backends: the pool closes connections it needs again at once", rounds, concurrent, len(backends))
	}
}
