package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/html"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/draftstest"
	"policydesk/drafts/markdown"
	"policydesk/storage/sqldb"
	"policydesk/web"
)

// timedPost sends a JSON body with a client that gives up after 30 s, so a
// server that would take minutes fails the test instead of hanging it.
func (e *env) timedPost(path, token string, v any) (resp, time.Duration) {
	e.t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", e.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("POST %s (%d bytes): %v after %v", path, len(body), err, time.Since(start))
	}
	r := readResp(e.t, res)
	return r, time.Since(start)
}

// answerLimit is the bound on any answer; the race detector makes
// goldmark about ten times slower, so it gets more room.
func answerLimit() time.Duration {
	if raceEnabled {
		return 10 * time.Second
	}
	return 2 * time.Second
}

// The previews (a staff user's, which took the server to 24 GiB or
// minutes of CPU) are answered within the limit: rendered, or refused with
// 422 too_complex and a sentence saying what is too deep or too large.
func TestPreviewPathologicalBodies(t *testing.T) {
	e := newEnv(t, func(_ *web.Server, _ *sqldb.DB, svc *drafts.Service) {
		// The race detector makes goldmark some ten times slower: on a busy
		// machine a text well within the bounds may then outlast the
		// renderer's 1.5 s and be answered 503. Under it the renderer gets
		// the same room as the answer; the full-size pass, without it, keeps
		// the real timeout.
		if raceEnabled {
			svc.Renderer.Timeout = answerLimit() - time.Second
		}
	})
	staff := e.user("sara", "staff")
	deep := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(strings.Repeat("  ", i))
			b.WriteString("- a\n")
		}
		return b.String()
	}
	for _, tc := range []struct {
		name, body string
		refused    bool
	}{
		{"- ×30,000 then 30,000 newlines", strings.Repeat("- ", 30000) + strings.Repeat("\n", 30000), false},
		{"> - ×30,000 then >\\n ×30,000", "> " + strings.Repeat("- ", 30000) + strings.Repeat(">\n", 30000), true},
		{"> ×100,000 then a* ×100,000", strings.Repeat(">", 100000) + strings.Repeat("a*", 100000), true},
		{"* ×20,000, a, * ×20,000", strings.Repeat("*", 20000) + "a" + strings.Repeat("*", 20000), false},
		{"> ×160 KB", strings.Repeat(">", 160000), true},
		{"> ×1 MB", strings.Repeat(">", 1000000), true},
		{"[a]( ×20,000", strings.Repeat("[a](", 20000), false},
		{"2,000-deep list", deep(2000), true},
		{"- with blank lines ×300,000", strings.Repeat("- \n\n", 300000), true},
	} {
		r, took := e.timedPost("/api/v1/preview", staff, map[string]string{"body": tc.body})
		t.Logf("%-32s %8d bytes → %d in %v", tc.name, len(tc.body), r.Status, took.Round(time.Millisecond))
		if took > answerLimit() {
			t.Errorf("%s: answered in %v", tc.name, took)
		}
		if !tc.refused {
			must(t, r, 200)
			continue
		}
		must(t, r, 422)
		if code := checkError(t, r); code != "too_complex" {
			t.Errorf("%s: code %q, want too_complex", tc.name, code)
		}
		msg := r.object(t)["error"].(map[string]any)["message"].(string)
		if !strings.Contains(msg, "levels deep") && !strings.Contains(msg, "too much structure") {
			t.Errorf("%s: message %q does not say what is too deep or too large", tc.name, msg)
		}
	}
}

// heapAfterGC is the live heap once garbage is collected.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// 48 distinct 5 MB previews took the server from 36 MiB to 1.2 GiB: every
// one stayed in the shared render cache. Previews no longer enter it.
func TestPreviewsDoNotFillTheCache(t *testing.T) {
	e := newEnv(t)
	staff := e.user("sara", "staff")
	para := strings.Repeat("Teksti i nenit zbatohet për të gjitha qendrat. ", 5_000_000/48)
	before := heapAfterGC()
	for i := range 48 {
		r, _ := e.timedPost("/api/v1/preview", staff, map[string]string{"body": fmt.Sprintf("## Neni %d\n\n%s", i, para)})
		must(t, r, 200)
	}
	after := heapAfterGC()
	grown := int64(after) - int64(before)
	t.Logf("live heap %d MiB → %d MiB after 48 distinct %d-byte previews", before>>20, after>>20, len(para))
	if grown > 32<<20 {
		t.Errorf("the live heap grew by %d MiB: previews are being kept", grown>>20)
	}
}

// A save beyond the bounds gets the preview's 422 and writes nothing; the
// browser form shows the message in the editor with the text kept.
func TestSaveBeyondBounds(t *testing.T) {
	e := newEnv(t)
	id := e.doc(e.admin, "Rregullore", "internal", "## Neni 1\n\nTeksti.")
	before := e.counts(id)
	deep := strings.Repeat("> ", 40) + "Neni 1\n"
	r, _ := e.timedPost(docPath(id, "/versions"), e.admin, map[string]any{"base": 1, "body": deep, "message": "thellë"})
	must(t, r, 422)
	if code := checkError(t, r); code != "too_complex" {
		t.Errorf("code %q, want too_complex", code)
	}
	r, _ = e.timedPost("/api/v1/documents", e.admin, map[string]string{"title": "X", "kind": "regulation", "language": "sq", "body": deep})
	must(t, r, 422)
	if after := e.counts(id); after != before {
		t.Errorf("a refused save changed %+v into %+v", before, after)
	}

	b := e.browser()
	b.login("admin", adminPassword, "/")
	editPath := "/documents/" + itoa(id) + "/edit"
	form := url.Values{"csrf_token": {b.csrf(editPath)}, "base": {"1"}, "body": {deep}, "message": {"thellë"}}
	page := b.post(editPath, form)
	if page.Status != 422 {
		t.Fatalf("form save: %s", page)
	}
	doc := parseHTML(t, page.Body)
	if msg := find(doc, func(n *html.Node) bool { return isElem(n, "p") && attr(n, "class") == "error" }); msg == nil || !strings.Contains(textOf(msg), "levels deep") {
		t.Errorf("the edit page does not show why: %.500s", page.Body)
	}
	if ta := find(doc, func(n *html.Node) bool { return isElem(n, "textarea") && attr(n, "name") == "body" }); ta == nil || textOf(ta) != deep {
		t.Error("the edit page lost the text")
	}
}

// A version stored before the bounds (written here straight to the
// database) is shown as escaped plain text with a notice, on its page and
// through the API, within the limit, never a 500.
func TestStoredVersionBeyondBounds(t *testing.T) {
	e := newEnv(t)
	id := e.doc(e.admin, "Rregullore", "internal", "## Neni 1\n\nTeksti.")
	body := strings.Repeat(">", 160000) + " <script>alert(1)</script>"
	v := &drafts.Version{DocumentID: id, Number: 2, Body: body, SHA256: drafts.SHA256Hex(body), AuthorID: 1,
		Author: "admin", Message: "before the bounds", CreatedAt: time.Now().UTC()}
	if err := e.db.AddVersion(context.Background(), v, &policydesk.AuditEntry{At: v.CreatedAt, Action: "version.create", ObjectType: "document", ObjectID: itoa(id)}); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.login("admin", adminPassword, "/")
	for _, path := range []string{"/documents/" + itoa(id), "/documents/" + itoa(id) + "/versions/2", docPath(id, "/versions/2/html")} {
		start := time.Now()
		var r resp
		if strings.HasPrefix(path, "/api/") {
			r = e.raw("GET", path, e.admin, "", nil)
		} else {
			r = b.get(path)
		}
		took := time.Since(start)
		if r.Status != 200 {
			t.Fatalf("%s: %s", path, r)
		}
		if took > answerLimit() {
			t.Errorf("%s took %v", path, took)
		}
		s := string(r.Body)
		if !strings.Contains(s, "shown as plain text") || !strings.Contains(s, `<pre class="plain-text">&gt;&gt;&gt;`) {
			t.Errorf("%s: no plain-text fallback: %.400s", path, s)
		}
		if strings.Contains(s, "<script>alert") || strings.Contains(s, "<blockquote>") {
			t.Errorf("%s: rendered the stored text as markup", path)
		}
	}
}

// RSS under a stream of distinct large previews from several clients: the
// heaviest texts the bounds admit, 5 MiB regulations and texts refused
// after their full budget. The peak stays under the stated bound:
// GOMAXPROCS renderings at once, each at most about 250 MB allocated.
//
//	go test -run '^$' -bench PreviewStreamRSS -benchtime 1x ./web/
//
// It is a benchmark, run once whatever b.N, because it measures.
func BenchmarkPreviewStreamRSS(b *testing.B) {
	t := testing.TB(b)
	e := newEnv(t)
	staff := e.user("sara", "staff")
	var bodies []string
	bodies = append(bodies, draftstest.Regulation(800, 660000, 1))
	for _, name := range []string{"table with many rows", "many short lines", "reference definition titles",
		"list items alternating types", "code span openers", "alternating text and setext lines", "article headings"} {
		for _, s := range draftstest.Pathological {
			if s.Name == name {
				bodies = append(bodies, s.Sized(1<<20), s.Sized(3<<20)) // 3 MiB: JSON escapes fit the request limit
			}
		}
	}
	var peak, samples int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			if rss := vmRSS(); rss > peak {
				peak = rss
			}
			samples++
		}
	}()
	base := vmRSS()
	var clients sync.WaitGroup
	var mu sync.Mutex
	status := map[int]int{}
	var slowest time.Duration
	for c := range rssClients() {
		clients.Add(1)
		go func() {
			defer clients.Done()
			for i := range 3 * len(bodies) {
				body := fmt.Sprintf("%s\n\n<!-- %d/%d -->", bodies[(i+c)%len(bodies)], c, i) // distinct
				r, took := e.timedPost("/api/v1/preview", staff, map[string]string{"body": body})
				mu.Lock()
				status[r.Status]++
				slowest = max(slowest, took)
				mu.Unlock()
			}
		}()
	}
	clients.Wait()
	close(stop)
	wg.Wait()
	t.Logf("RSS %d MiB at the start, peak %d MiB over %d samples; answers %v; slowest %v", base>>20, peak>>20, samples, status, slowest)
	b.ReportMetric(float64(peak>>20), "peak-RSS-MiB")
	b.ReportMetric(float64(slowest.Milliseconds()), "slowest-ms")
	if peak > 1536<<20 {
		t.Errorf("peak RSS %d MiB, over the 1.5 GiB bound", peak>>20)
	}
}

// vmRSS reads the resident set size of this process.
func vmRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// rssClients is how many clients send previews at once (POLICYDESK_RSS_CLIENTS, default 4).
func rssClients() int {
	if n, err := strconv.Atoi(os.Getenv("POLICYDESK_RSS_CLIENTS")); err == nil && n > 0 {
		return n
	}
	return 4
}

// The worst answer time per endpoint over the whole corpus at the largest
// size a request carries: preview, save, version page and version HTML.
//
//	go test -run '^$' -bench RenderEndpointsWorstCase -benchtime 1x ./web/
//
// It is a benchmark, run once whatever b.N, because it measures.
func BenchmarkRenderEndpointsWorstCase(b *testing.B) {
	t := testing.TB(b)
	e := newEnv(t)
	id := e.doc(e.admin, "Rregullore", "internal", "## Neni 1\n\nTeksti.")
	br := e.browser()
	br.login("admin", adminPassword, "/")
	type worst struct {
		took time.Duration
		what string
	}
	var prev, save, page, frag worst
	note := func(w *worst, took time.Duration, what string) {
		if took > w.took {
			*w = worst{took, what}
		}
	}
	head := 1
	for _, s := range draftstest.Pathological {
		// The largest text whose JSON fits in a request.
		size := drafts.MaxBodyBytes
		body := s.Sized(size)
		for {
			j, _ := json.Marshal(body)
			if len(j) < drafts.MaxBodyBytes+(1<<20)-4096 && len(body) <= drafts.MaxBodyBytes {
				break
			}
			size = size * 9 / 10
			body = s.Sized(size)
		}
		what := fmt.Sprintf("%s (%d KiB)", s.Name, len(body)>>10)
		r, took := e.timedPost("/api/v1/preview", e.admin, map[string]string{"body": body})
		note(&prev, took, what)
		if r.Status != 200 && r.Status != 422 {
			t.Errorf("preview %s: %s", what, r)
		}
		r, took = e.timedPost(docPath(id, "/versions"), e.admin, map[string]any{"base": head, "body": body})
		note(&save, took, what)
		if r.Status != 201 {
			if r.Status != 422 {
				t.Errorf("save %s: %s", what, r)
			}
			continue
		}
		head++
		e.svc.Renderer = markdown.NewRenderer(0) // the pages must render, not hit the save's cache
		start := time.Now()
		must(t, br.get("/documents/"+itoa(id)+"/versions/"+strconv.Itoa(head)), 200)
		note(&page, time.Since(start), what)
		start = time.Now()
		must(t, e.raw("GET", docPath(id, "/versions/"+strconv.Itoa(head)+"/html"), e.admin, "", nil), 200)
		note(&frag, time.Since(start), what)
		e.svc.Renderer = markdown.NewRenderer(markdown.DefaultCacheBytes)
	}
	t.Logf("slowest preview:      %v, %s", prev.took.Round(time.Millisecond), prev.what)
	t.Logf("slowest save:         %v, %s", save.took.Round(time.Millisecond), save.what)
	t.Logf("slowest version page: %v, %s", page.took.Round(time.Millisecond), page.what)
	t.Logf("slowest version HTML: %v, %s", frag.took.Round(time.Millisecond), frag.what)
	b.ReportMetric(float64(prev.took.Milliseconds()), "preview-max-ms")
	b.ReportMetric(float64(save.took.Milliseconds()), "save-max-ms")
	b.ReportMetric(float64(page.took.Milliseconds()), "page-max-ms")
	b.ReportMetric(float64(frag.took.Milliseconds()), "html-max-ms")
	for _, w := range []worst{prev, save, page, frag} {
		if w.took > 2*time.Second {
			t.Errorf("%s took %v", w.what, w.took)
		}
	}
}

// cpuTime is the CPU this process has used, user and system.
func cpuTime(t testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// A preview stops when its client leaves: with the bounds lifted and no
// deadline, so that only the disconnection can stop it, the process uses
// next to no CPU once the client is gone.
func TestPreviewStopsWhenClientLeaves(t *testing.T) {
	if raceEnabled {
		t.Skip("measures CPU time, which the race detector inflates")
	}
	e := newEnv(t)
	e.svc.Renderer.Limits.MaxSteps = 1 << 40
	e.svc.Renderer.Timeout = 0
	// 2.6 million unclosed links on one line: seconds of work without the bounds.
	body, _ := json.Marshal(map[string]string{"body": strings.Repeat("[a", drafts.MaxBodyBytes/2-16)})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", e.srv.URL+"/api/v1/preview", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.admin)
	done := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	time.Sleep(300 * time.Millisecond) // the body is sent and the rendering under way
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the preview finished before the client left; make it heavier")
	}
	time.Sleep(100 * time.Millisecond) // the server notices the closed connection
	start := cpuTime(t)
	time.Sleep(time.Second)
	used := cpuTime(t) - start
	t.Logf("CPU used in the second after the client left: %v", used)
	if used > 300*time.Millisecond {
		t.Errorf("the server used %v of CPU in the second after the client left: the rendering went on", used)
	}
}
