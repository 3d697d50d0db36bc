package drafts_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/semaphore"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/draftstest"
	"policydesk/drafts/markdown"
)

// deepQuote is a body beyond the rendering bounds: 40 nested block quotes.
var deepQuote = strings.Repeat("> ", 40) + "<b>Neni 1</b> & fund\n"

// A save of a text beyond the rendering bounds gets the preview's 422 and
// writes nothing: no version, no audit entry, no document.
func TestSaveBeyondBoundsRefused(t *testing.T) {
	f := newFixture(t)
	ed := f.User("ana", policydesk.RoleEditor)
	doc := f.CreateDocument(ed, "Rregullore", "internal", "## Neni 1\n\nTeksti.")
	docs, audits := f.counts()
	for name, body := range map[string]string{
		"deep quotes":  deepQuote,
		"issue list":   "> " + strings.Repeat("- ", 30000) + strings.Repeat(">\n", 30000),
		"issue quotes": strings.Repeat(">", 160000),
	} {
		_, err := f.Drafts.SaveVersion(as(ed), doc.ID, 1, body, "")
		assertCode(t, err, policydesk.ETooComplex)
		if !strings.Contains(policydesk.ErrorMessage(err), "levels deep") {
			t.Errorf("%s: message %q", name, policydesk.ErrorMessage(err))
		}
		_, _, err = f.Drafts.CreateDocument(as(ed), drafts.NewDocument{Title: "X", Kind: "regulation", Language: "sq", Body: body})
		assertCode(t, err, policydesk.ETooComplex)
	}
	if f.head(doc.ID) != 1 {
		t.Errorf("head moved to %d", f.head(doc.ID))
	}
	if d, a := f.counts(); d != docs || a != audits {
		t.Errorf("documents %d→%d, audit entries %d→%d", docs, d, audits, a)
	}
	// A stale base is refused for the text first: there is nothing to merge.
	if _, err := f.Drafts.SaveVersion(as(ed), doc.ID, 1, "## Neni 1\n\nTeksti i ri.", ""); err != nil {
		t.Fatal(err)
	}
	_, err := f.Drafts.SaveVersion(as(ed), doc.ID, 1, deepQuote, "")
	assertCode(t, err, policydesk.ETooComplex)
}

// A version stored before the bounds existed is still shown: as escaped
// plain text under a notice, never an error and never an unbounded render.
func TestVersionBeyondBoundsShownAsText(t *testing.T) {
	f := newFixture(t)
	ed := f.User("ana", policydesk.RoleEditor)
	doc := f.CreateDocument(ed, "Rregullore", "internal", "## Neni 1\n\nTeksti.")
	for i, body := range []string{deepQuote, strings.Repeat("> ", 30000) + "a"} {
		v := &drafts.Version{DocumentID: doc.ID, Number: 2 + i, Body: body, SHA256: markdown.SHA256Hex(body),
			AuthorID: ed.ID, Author: ed.Login, Message: "saved before the bounds", CreatedAt: time.Now().UTC()}
		if err := f.DB.AddVersion(context.Background(), v, &policydesk.AuditEntry{At: v.CreatedAt, Action: "version.create", ObjectType: "document"}); err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second from the cache
			start := time.Now()
			html, err := f.Drafts.VersionHTML(as(ed), doc.ID, v.Number)
			if err != nil {
				t.Fatalf("version %d: %v", v.Number, err)
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("version %d took %v", v.Number, took)
			}
			for _, want := range []string{"shown as plain text", "levels deep", `<pre class="plain-text">`, "&gt; &gt; "} {
				if !strings.Contains(string(html), want) {
					t.Errorf("version %d lacks %q: %.300s", v.Number, want, html)
				}
			}
			if strings.Contains(string(html), "<b>") || strings.Contains(string(html), "<blockquote>") {
				t.Errorf("version %d rendered markup: %.300s", v.Number, html)
			}
		}
	}
	// The head, saved within the bounds, still renders normally.
	if html, err := f.Drafts.VersionHTML(as(ed), doc.ID, 1); err != nil || !strings.Contains(string(html), `<h2 id="art-1">`) {
		t.Errorf("version 1 = %q, %v", html, err)
	}
}

// Previews never enter the render cache: a crowd of distinct large previews
// leaves it empty, and the cache holds only saved versions.
func TestPreviewNeverCached(t *testing.T) {
	f := newFixture(t)
	f.Drafts.Renderer = markdown.NewRenderer(markdown.DefaultCacheBytes)
	ed := f.User("ana", policydesk.RoleEditor)
	big := draftstest.Regulation(100, 60000, 42)
	for i := range 10 {
		if _, err := f.Drafts.Preview(as(ed), fmt.Sprintf("%s\n\nNeni %d", big, i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.Drafts.Renderer.CacheBytes(); n != 0 {
		t.Errorf("previews left %d bytes in the render cache", n)
	}
	doc := f.CreateDocument(ed, "Rregullore", "internal", big)
	if n := f.Drafts.Renderer.CacheBytes(); n < int64(len(big)) {
		t.Errorf("the saved version is not cached (%d bytes)", n)
	}
	if _, err := f.Drafts.Preview(as(ed), deepQuote); policydesk.ErrorCode(err) != policydesk.ETooComplex {
		t.Errorf("preview beyond the bounds = %v", err)
	}
	if _, err := f.Drafts.VersionHTML(as(ed), doc.ID, 1); err != nil {
		t.Fatal(err)
	}
}

// The slowest admissible saves and version pages stay within the 2 s the
// issue allows. Logged with their times for the report; the assertion is
// generous because the machine is shared.
//
//	go test -run '^$' -bench SaveWorstCase -benchtime 1x ./drafts/
//
// It is a benchmark, run once whatever b.N, because it measures.
func BenchmarkSaveWorstCase(b *testing.B) {
	t := testing.TB(b)
	f := newFixture(t)
	ed := f.User("ana", policydesk.RoleEditor)
	doc := f.CreateDocument(ed, "Rregullore", "internal", "## Neni 1\n\nTeksti.")
	bodies := map[string]string{"regulation 5 MiB": draftstest.Regulation(800, 660000, 1)}
	for _, s := range draftstest.Pathological {
		for _, size := range []int{512 << 10, 2 << 20, drafts.MaxBodyBytes} {
			bodies[fmt.Sprintf("%s %d KiB", s.Name, size>>10)] = s.Sized(size)
		}
	}
	var worst time.Duration
	var worstName string
	for name, body := range bodies {
		f.Drafts.Renderer = markdown.NewRenderer(0) // every save renders
		start := time.Now()
		v, err := f.Drafts.SaveVersion(as(ed), doc.ID, f.head(doc.ID), body, "")
		took := time.Since(start)
		if code := policydesk.ErrorCode(err); code != "" && code != policydesk.ETooComplex {
			t.Errorf("%s: %v", name, err)
		}
		if took > worst {
			worst, worstName = took, name
		}
		if took > 300*time.Millisecond {
			t.Logf("%s: save %v (%s)", name, took.Round(time.Millisecond), policydesk.ErrorCode(err))
		}
		if took > 5*time.Second {
			t.Errorf("%s: save took %v", name, took)
		}
		if v != nil {
			start = time.Now()
			if _, err := f.Drafts.VersionHTML(as(ed), doc.ID, v.Number); err != nil {
				t.Errorf("%s: version page: %v", name, err)
			}
			if took := time.Since(start); took > worst {
				worst, worstName = took, name+" (version page)"
			}
			if took := time.Since(start); took > 300*time.Millisecond {
				t.Logf("%s: version page %v", name, took.Round(time.Millisecond))
			}
		}
	}
	t.Logf("slowest: %s, %v", worstName, worst)
	b.ReportMetric(float64(worst.Milliseconds()), "slowest-ms")
}

// draftstest sizes its corpus to the body limit without importing drafts.
func TestBodyLimitAgrees(t *testing.T) {
	if draftstest.MaxBodyBytes != drafts.MaxBodyBytes {
		t.Fatalf("draftstest.MaxBodyBytes = %d, drafts.MaxBodyBytes = %d", draftstest.MaxBodyBytes, drafts.MaxBodyBytes)
	}
}

// The service's diffs and merges and its renderer's large renderings share
// one pool: while Heavy work holds the only slot, a large preview waits.
func TestRenderSharesServiceSlots(t *testing.T) {
	r := markdown.NewRenderer(0)
	r.Slots = semaphore.NewWeighted(1)
	s := drafts.NewService(nil, nil, r)
	u := &policydesk.User{ID: 1, Login: "ana", Role: policydesk.RoleEditor}
	heavy := strings.Repeat("Teksti i nenit. ", markdown.DefaultHeavyBytes/16+1)
	err := s.Heavy(context.Background(), func() error {
		ctx, cancel := context.WithTimeout(policydesk.NewContextWithUser(context.Background(), u), 50*time.Millisecond)
		defer cancel()
		_, err := s.Preview(ctx, heavy)
		return err
	})
	if policydesk.ErrorCode(err) != policydesk.EUnavailable || !strings.Contains(policydesk.ErrorMessage(err), "busy") {
		t.Errorf("a large preview during Heavy work with one slot: %v", err)
	}
	if _, err := s.Preview(policydesk.NewContextWithUser(context.Background(), u), heavy); err != nil {
		t.Errorf("once the slot is free: %v", err)
	}
}
