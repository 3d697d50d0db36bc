package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/accounts"
	"policydesk/drafts/attachments"
	"policydesk/drafts/draftstest"
	"policydesk/search/searchtest"
)

// BenchmarkSearchHTTP measures search as a client meets it: the real
// binary on loopback, a library of 200 generated regulations of 100
// articles (20,200 entries) indexed through the outbox, and a realistic
// mix of queries (one to three words of the text, one in five with a typo,
// a third of the last words cut short) sent one after another with a
// session token. It reports the latency percentiles of whole requests.
//
//	go test -run '^$' -bench SearchHTTP -benchtime 2000x ./cmd/policydesk/
func BenchmarkSearchHTTP(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	c := &Config{Data: dir, MaxUploadBytes: attachments.DefaultMaxUploadBytes, LogFormat: "text"}
	app, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	app.Accounts.BcryptCost = bcrypt.MinCost
	if _, err := app.Accounts.AddUserOffline(ctx, accounts.NewUser{Login: "admin", Role: policydesk.RoleAdmin,
		Password: e2eAdminPassword}); err != nil {
		b.Fatal(err)
	}
	u, err := app.Accounts.AddUserOffline(ctx, accounts.NewUser{Login: "drita", Role: policydesk.RoleEditor, Password: "lantern-orchard-12"})
	if err != nil {
		b.Fatal(err)
	}
	uctx := policydesk.NewContextWithUser(ctx, u)
	var texts []string
	for i := range 200 {
		body := draftstest.Regulation(100, 100*300, int64(i+1))
		texts = append(texts, body)
		if _, _, err := app.Drafts.CreateDocument(uctx, drafts.NewDocument{Title: fmt.Sprintf("Rregullore %d", i+1),
			Kind: "regulation", Language: "sq", Body: body}); err != nil {
			b.Fatal(err)
		}
	}
	if err := app.Close(); err != nil {
		b.Fatal(err)
	}

	srv := startServer(b, dir)
	waitSearchCaughtUp(b, srv)
	time.Sleep(5 * time.Second) // let the merger settle
	api := loginAPI(b, srv.URL, "admin", e2eAdminPassword)

	queries := searchtest.TypedQueries(texts, 2000, 3)
	get := func(q string) error {
		var res struct {
			Total int `json:"total"`
		}
		return api.do(ctx, http.MethodGet, "/api/v1/search?limit=20&q="+url.QueryEscape(q), nil, &res)
	}
	for _, q := range queries[:50] { // warm up
		if err := get(q); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	i := 0
	for b.Loop() {
		start := time.Now()
		if err := get(queries[i%len(queries)]); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		i++
	}
	searchtest.ReportLatency(b, lat)
}
