package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"policydesk/storage/folder"
	"policydesk/storage/pgcopy"
	"policydesk/storage/postgres/pgtest"
)

// BenchmarkCopy times policydesk copy's work (storage/pgcopy, in this
// process) on the demo library plus 200 generated regulations (100
// articles, 30,000 words, three versions each; 50 attachments of
// 256 KiB) into a new PostgreSQL database each time, schema included:
// rows with the COPY protocol, rows with batched INSERTs to compare, and
// rows plus the attachment files into a folder; and the largest heap seen
// during a copy.
func BenchmarkCopy(b *testing.B) {
	ctx := context.Background()
	data := b.TempDir()
	fillCopySource(b, data, 0) // the demo library
	fillLibrary(b, data, 200)
	source := filepath.Join(data, databaseName)
	for _, m := range []struct {
		name          string
		insert, blobs bool
	}{{"copy", false, false}, {"insert", true, false}, {"copy+files", false, true}} {
		b.Run(m.name, func(b *testing.B) {
			var rows int64
			var heap uint64
			phases := map[string]time.Duration{}
			for b.Loop() {
				b.StopTimer()
				opt := pgcopy.Options{Source: source, Target: pgtest.URL(b), Insert: m.insert}
				if m.blobs {
					to, err := folder.Open(filepath.Join(b.TempDir(), "blobs"))
					if err != nil {
						b.Fatal(err)
					}
					opt.Blobs = &pgcopy.Blobs{From: readOnlyFolder{data: data}, To: to}
				}
				peak := watchHeap()
				b.StartTimer()
				res, err := pgcopy.Copy(ctx, opt)
				heap = max(heap, peak())
				if err != nil {
					b.Fatal(err)
				}
				rows = 0
				for _, t := range res.Tables {
					rows += t.Rows
				}
				for _, p := range res.Phases {
					phases[strings.ReplaceAll(p.Name, " ", "_")] += p.Elapsed
				}
			}
			for name, d := range phases {
				b.ReportMetric(float64(d.Milliseconds())/float64(b.N), name+"-ms")
			}
			st, _ := os.Stat(source)
			b.ReportMetric(float64(rows), "rows")
			b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(st.Size())/(1<<20), "db-MiB")
		})
	}
}

// watchHeap samples the heap in use until the returned function is
// called, which returns the largest sample: the copy streams, so it stays
// far below the size of the database.
func watchHeap() func() uint64 {
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		var peak uint64
		var m runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-stop:
				done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(stop); return <-done }
}
