package bleve

import (
	"context"
	"fmt"
	"slices"

	"testing"

	"policydesk"
	"policydesk/search"
	"policydesk/search/searchtest"
)

func TestConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Index { return mustOpen(t) })
}

func mustOpen(tb testing.TB) *Index {
	tb.Helper()
	ix, err := Open(tb.TempDir())
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}

func TestReopen(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := ix.Upsert(ctx, searchtest.Corpus()); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Ping(ctx); policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Errorf("Ping after Close = %v, want unavailable", err)
	}
	if _, err := ix.Search(ctx, search.Query{All: true}); policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Errorf("Search after Close = %v, want unavailable", err)
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(ctx, search.Query{Q: "Dorde", All: true})
	if err != nil || res.Total != 1 || res.Hits[0].ID != "doc:4:_" {
		t.Fatalf("after reopen: %+v, %v", res, err)
	}
}

func TestFoldFilter(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	a := m.AnalyzerNamed(analyzerName)
	var got []string
	for _, tok := range a.Analyze([]byte("Đorđe, Закон 1.1 s'ka FËMIJËVE")) {
		got = append(got, fmt.Sprintf("%d:%s", tok.Position, tok.Term))
	}
	want := []string{"1:djordje", "1:dorde", "2:zakon", "3:1", "4:1", "5:s", "6:ka", "7:femijeve"}
	if !slices.Equal(got, want) {
		t.Errorf("tokens %q, want %q", got, want)
	}
}

func TestOpenOlderLayout(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.idx.SetInternal([]byte(layoutKey), []byte("1")); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if ix, err := Open(dir); err == nil {
		ix.Close()
		t.Fatal("Open of an index with an older layout succeeded, want an error asking for a reindex")
	}
}
