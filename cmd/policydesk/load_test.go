package main

// Load benchmarks against the real binary, run as a second process on
// loopback. Run them explicitly, e.g.
//
//	go test -run '^$' -bench . -benchtime 5000x -count 5 ./cmd/policydesk/
//
// BenchmarkServeCachedVersionHTML reports req/s; the target is at least
// 2,000 req/s for a 60,000-word regulation on two cores.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"policydesk/drafts/draftstest"
	"policydesk/storage/postgres/pgtest"
)

const (
	loadWorkers  = 16
	loadArticles = 100
	loadWords    = 60000
)

// benchFixture is one server and one large regulation, shared by the runs
// of one database's sub-benchmark.
type benchFixture struct {
	srv   *testServer
	docID int64
	html  int // length of the rendered version 1
}

// benchDatabases are the databases every load benchmark runs on: SQLite
// in the data directory, and PostgreSQL (a fresh database from pgtest on
// its loopback cluster).
var benchDatabases = []string{"sqlite", "postgres"}

// onEachDatabase runs bench as a sub-benchmark per database, each against a
// server of its own that runs alone and is stopped after it.
func onEachDatabase(b *testing.B, bench func(b *testing.B, fx *benchFixture)) {
	for _, kind := range benchDatabases {
		var env []string
		if kind == "postgres" {
			env = append(env, "POLICYDESK_DATABASE_URL="+pgtest.URL(b))
		}
		srv := startServer(b, "", env...)
		api := loginAPI(b, srv.URL, "admin", e2eAdminPassword)
		doc := api.createDocument(b, "Rregullore për ngarkesën", draftstest.Regulation(loadArticles, loadWords, 1))
		fx := &benchFixture{srv: srv, docID: doc.ID}
		b.Run(kind, func(b *testing.B) { bench(b, fx) })
		srv.Stop(b)
	}
}

func BenchmarkServeCachedVersionHTML(b *testing.B) { onEachDatabase(b, serveCachedVersionHTML) }

func serveCachedVersionHTML(b *testing.B, fx *benchFixture) {
	api := loginAPI(b, fx.srv.URL, "admin", e2eAdminPassword)
	url := fmt.Sprintf("%s/api/v1/documents/%d/versions/1/html", fx.srv.URL, fx.docID)

	// Warm the cache and learn the length every answer must have.
	for range 2 {
		n, err := getLength(context.Background(), api, url)
		if err != nil {
			b.Fatal(err)
		}
		if fx.html != 0 && n != fx.html {
			b.Fatalf("the rendered version changed length between requests: %d then %d", fx.html, n)
		}
		fx.html = n
	}
	if fx.html < loadWords*5 {
		b.Fatalf("the rendered %d-word regulation is only %d bytes", loadWords, fx.html)
	}
	b.SetBytes(int64(fx.html))

	var (
		next     atomic.Int64
		firstErr atomic.Pointer[error]
		wg       sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ResetTimer()
	start := time.Now()
	for range loadWorkers {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				n, err := getLength(ctx, api, url)
				if err == nil && n != fx.html {
					err = fmt.Errorf("answer of %d bytes, want %d", n, fx.html)
				}
				if err != nil {
					firstErr.CompareAndSwap(nil, &err)
					cancel()
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err := firstErr.Load(); err != nil {
		b.Fatal(*err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
}

// getLength GETs url with the bearer token and returns the body's length.
func getLength(ctx context.Context, api *apiClient, url string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+api.token)
	resp, err := api.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: HTTP %d", url, resp.StatusCode)
	}
	return int(n), nil
}

// BenchmarkSaveVersionHTTP saves versions one after another through the API:
// request, validation, outline, one transaction (SQLite with
// synchronous=FULL; PostgreSQL with its default synchronous_commit=on).
// It reports the median save's latency beside the mean.
func BenchmarkSaveVersionHTTP(b *testing.B) { onEachDatabase(b, saveVersionHTTP) }

func saveVersionHTTP(b *testing.B, fx *benchFixture) {
	api := loginAPI(b, fx.srv.URL, "admin", e2eAdminPassword)
	base := draftstest.Regulation(10, 2000, 3)
	doc := api.createDocument(b, "Rregullore për ruajtjet", base)
	path := fmt.Sprintf("/api/v1/documents/%d/versions", doc.ID)
	ctx := context.Background()
	head := doc.Head
	took := make([]time.Duration, 0, b.N)
	b.SetBytes(int64(len(base)))
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		body := fmt.Sprintf("%s\n## Neni %d – Shtesë\n\nRuajtja numër %d.\n", base, 100+i, i)
		var got struct {
			Number int `json:"number"`
		}
		err := api.do(ctx, http.MethodPost, path, map[string]any{"base": head, "body": body, "message": fmt.Sprintf("ruajtja %d", i)}, &got)
		if err != nil {
			b.Fatalf("save %d on base %d: %v", i, head, err)
		}
		if got.Number != head+1 {
			b.Fatalf("save on base %d became version %d", head, got.Number)
		}
		head = got.Number
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms/save-p50")
}
