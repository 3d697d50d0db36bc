package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"policydesk/drafts/draftstest"
)

const (
	crashWriters = 8
	crashCycles  = 3
	crashSaving  = 1500 * time.Millisecond
)

// ack is a save the server acknowledged with 201: it must survive any crash.
type ack struct {
	number int
	sha256 string // of the body we sent, computed here
	writer int
}

// ackLog collects acknowledgements from the writers and spots two different
// bodies acknowledged under one number (a lost update).
type ackLog struct {
	mu       sync.Mutex
	byNumber map[int]ack
	problems []string
}

func (l *ackLog) record(a ack) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if prev, ok := l.byNumber[a.number]; ok && prev.sha256 != a.sha256 {
		l.problems = append(l.problems, fmt.Sprintf("version %d acknowledged twice: to writer %d (%s) and writer %d (%s)",
			a.number, prev.writer, prev.sha256, a.writer, a.sha256))
	}
	l.byNumber[a.number] = a
}

func (l *ackLog) problem(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.problems = append(l.problems, fmt.Sprintf(format, args...))
}

// TestCrashDuringSaves kills the server with SIGKILL while eight writers race
// to save versions, restarts it on the same data directory and checks that
// every acknowledged version is there, byte for byte, with no gap in the
// numbering, and that the database passes `policydesk check`.
func TestCrashDuringSaves(t *testing.T) {
	dataDir := t.TempDir()
	srv := startServer(t, dataDir)
	api := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	base := draftstest.Regulation(10, 1500, 7)
	doc := api.createDocument(t, "Rregullore për provën e ndërprerjes", base)
	log := &ackLog{byNumber: map[int]ack{1: {number: 1, sha256: sha256Hex(base)}}}

	for cycle := 1; cycle <= crashCycles; cycle++ {
		before := len(log.byNumber)
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := range crashWriters {
			wg.Go(func() { crashWriter(ctx, api, doc.ID, cycle, w, base, log) })
		}
		time.Sleep(crashSaving)
		srv.Kill(t) // SIGKILL with saves in flight
		cancel()
		wg.Wait()
		acked := len(log.byNumber) - before
		t.Logf("cycle %d: %d versions acknowledged before SIGKILL", cycle, acked)
		if acked == 0 {
			t.Fatalf("cycle %d: no save was acknowledged in %s; the test proves nothing\n%s", cycle, crashSaving, srv.Logs())
		}

		// The database exactly as the crash left it (hot WAL included).
		if out, err := runCommand(t, "check", "-data", dataDir); err != nil || !strings.Contains(out, "database ok") {
			t.Fatalf("cycle %d: policydesk check after SIGKILL: %v\n%s", cycle, err, out)
		}

		srv = startServer(t, dataDir)
		api = loginAPI(t, srv.URL, "admin", e2eAdminPassword)
		verifyAcknowledged(t, api, doc.ID, log)
		if out, err := runCommand(t, "check", "-data", dataDir); err != nil || !strings.Contains(out, "database ok") {
			t.Fatalf("cycle %d: policydesk check after restart: %v\n%s", cycle, err, out)
		}
		if t.Failed() {
			return
		}
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	for _, p := range log.problems {
		t.Error(p)
	}
}

// crashWriter saves versions in a loop until ctx ends or the server is gone.
// Each body is unique, so a version's hash names the save that made it.
func crashWriter(ctx context.Context, api *apiClient, docID int64, cycle, writer int, base string, log *ackLog) {
	path := fmt.Sprintf("/api/v1/documents/%d", docID)
	for attempt := 0; ctx.Err() == nil; attempt++ {
		var doc documentJSON
		if err := api.do(ctx, http.MethodGet, path, nil, &doc); err != nil {
			return // the server was killed
		}
		body := fmt.Sprintf("%s\n## Neni %d – Shënim i shkruesit %d\n\nCikli %d, përpjekja %d: ndryshim i ruajtur gjatë provës së ndërprerjes.\n",
			base, 1000+writer, writer, cycle, attempt)
		sum := sha256Hex(body)
		var got struct {
			Number int    `json:"number"`
			SHA256 string `json:"sha256"`
		}
		err := api.do(ctx, http.MethodPost, path+"/versions", map[string]any{
			"base": doc.Head, "body": body, "message": fmt.Sprintf("shkruesi %d, cikli %d, përpjekja %d", writer, cycle, attempt),
		}, &got)
		switch {
		case err == nil:
			if got.SHA256 != sum {
				log.problem("writer %d: version %d acknowledged with sha256 %s, but the body sent hashes to %s", writer, got.Number, got.SHA256, sum)
			}
			if got.Number != doc.Head+1 {
				log.problem("writer %d: save on base %d acknowledged as version %d", writer, doc.Head, got.Number)
			}
			log.record(ack{number: got.Number, sha256: sum, writer: writer})
		case statusOfErr(err) == http.StatusConflict:
			// Someone saved first: start again from the new head.
		case statusOfErr(err) != 0:
			log.problem("writer %d: save on base %d: %v", writer, doc.Head, err)
			return
		default:
			return // connection refused or reset: the server was killed
		}
	}
}

// verifyAcknowledged checks every acknowledged version after a restart and
// that the numbering has no gap.
func verifyAcknowledged(t *testing.T, api *apiClient, docID int64, log *ackLog) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	path := fmt.Sprintf("/api/v1/documents/%d", docID)
	var doc documentJSON
	if err := api.do(ctx, http.MethodGet, path, nil, &doc); err != nil {
		t.Fatal(err)
	}
	var list struct {
		Versions []versionJSON `json:"versions"`
	}
	if err := api.do(ctx, http.MethodGet, path+"/versions", nil, &list); err != nil {
		t.Fatal(err)
	}
	listed := map[int]string{}
	for _, v := range list.Versions {
		if _, dup := listed[v.Number]; dup {
			t.Errorf("version %d listed twice", v.Number)
		}
		listed[v.Number] = v.SHA256
	}
	if len(listed) != doc.Head {
		t.Errorf("head is %d but %d versions are listed", doc.Head, len(listed))
	}
	for n := 1; n <= doc.Head; n++ {
		if _, ok := listed[n]; !ok {
			t.Errorf("version %d is missing: the numbering 1..%d has a gap", n, doc.Head)
		}
	}

	log.mu.Lock()
	acks := make([]ack, 0, len(log.byNumber))
	for _, a := range log.byNumber {
		acks = append(acks, a)
	}
	log.mu.Unlock()
	for _, a := range acks {
		if a.number > doc.Head {
			t.Errorf("version %d was acknowledged but the head after the crash is %d", a.number, doc.Head)
			continue
		}
		if listed[a.number] != a.sha256 {
			t.Errorf("version %d is listed with sha256 %q, acknowledged as %s", a.number, listed[a.number], a.sha256)
		}
		var v versionJSON
		if err := api.do(ctx, http.MethodGet, fmt.Sprintf("%s/versions/%d", path, a.number), nil, &v); err != nil {
			t.Errorf("version %d was acknowledged but cannot be read after the crash: %v", a.number, err)
			continue
		}
		if v.SHA256 != a.sha256 || sha256Hex(v.Body) != a.sha256 {
			t.Errorf("version %d after the crash: sha256 %s, body hashes to %s; acknowledged %s",
				a.number, v.SHA256, sha256Hex(v.Body), a.sha256)
		}
	}
	t.Logf("after restart: head %d, %d acknowledged versions verified", doc.Head, len(acks))
}
