package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/accounts"
	"policydesk/drafts/attachments"
	"policydesk/drafts/draftstest"
	"policydesk/search"
	"policydesk/search/bleve"
)

// BenchmarkReindex20000Articles rebuilds the embedded index from a library
// of 200 generated regulations of 100 articles each (20,000 article
// entries plus 200 title entries) and swaps it in, as `policydesk reindex`
// does. It reports the time per full rebuild and entries per second.
func BenchmarkReindex20000Articles(b *testing.B) {
	ctx := context.Background()
	app, c, entries := benchLibrary(b)
	b.ResetTimer()
	for range b.N {
		n, err := reindex(ctx, app, io.Discard)
		if err != nil || n != benchDocs {
			b.Fatalf("reindex: %d documents, %v", n, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(entries*b.N)/b.Elapsed().Seconds(), "entries/s")
	// The rebuilt index answers.
	ix, err := openSearch(ctx, c)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search(ctx, search.Query{Q: "rregullore", All: true})
	if err != nil || res.Total == 0 {
		b.Fatalf("search after reindex: %v, %v", res, err)
	}
}

// benchDocs is the size of the benchmarks' library.
const benchDocs = 200

// benchLibrary opens an app over a library of 200 generated regulations of
// 100 articles each and counts their entries.
func benchLibrary(b *testing.B) (*App, *Config, int) {
	ctx := context.Background()
	c := &Config{Data: b.TempDir(), MaxUploadBytes: attachments.DefaultMaxUploadBytes, LogFormat: "text"}
	app, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { app.Close() })
	app.Accounts.BcryptCost = bcrypt.MinCost
	u, err := app.Accounts.AddUserOffline(ctx, accounts.NewUser{Login: "drita", Role: policydesk.RoleEditor, Password: "lantern-orchard-12"})
	if err != nil {
		b.Fatal(err)
	}
	uctx := policydesk.NewContextWithUser(ctx, u)
	const articles = 100
	for i := range benchDocs {
		body := draftstest.Regulation(articles, articles*300, int64(i+1))
		if _, _, err := app.Drafts.CreateDocument(uctx, drafts.NewDocument{Title: fmt.Sprintf("Rregullore %d", i+1),
			Kind: "regulation", Language: "sq", Body: body}); err != nil {
			b.Fatal(err)
		}
	}
	entries := 0
	lib := app.newLibrary()
	ids, _ := lib.DocumentIDs(ctx)
	for _, id := range ids {
		es, err := lib.DocumentEntries(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		entries += len(es)
	}
	return app, c, entries
}

// BenchmarkReplicaBuild20000Articles is a fresh replica's first start: its
// follower, finding an empty index, builds it from the database (the same
// library as BenchmarkReindex20000Articles) and records the log head.
func BenchmarkReplicaBuild20000Articles(b *testing.B) {
	ctx := context.Background()
	app, _, entries := benchLibrary(b)
	head, err := app.DB.LogHead(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		ix, err := bleve.Open(filepath.Join(b.TempDir(), "index"))
		if err != nil {
			b.Fatal(err)
		}
		f := &search.Follower{Index: ix, Log: app.DB, Source: app.newLibrary(), Problems: app.DB, Replica: "bench"}
		b.StartTimer()
		if n, err := f.Drain(ctx); err != nil || n != benchDocs {
			b.Fatalf("build: %d documents, %v", n, err)
		}
		b.StopTimer()
		if st, err := ix.FollowState(ctx); err != nil || st == nil || st.Cursor != head {
			b.Fatalf("cursor after the build: %+v, %v; want %d", st, err, head)
		}
		ix.Close()
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(entries*b.N)/b.Elapsed().Seconds(), "entries/s")
}
