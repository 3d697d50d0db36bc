package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"policydesk/drafts/draftstest"
	"policydesk/storage/s3/s3test"
)

type attachmentJSON struct {
	ID       int64  `json:"id"`
	Filename string `json:"filename"`
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
}

// savedFile is an attachment the test uploaded, with when it existed.
type savedFile struct {
	id              int64
	sha256          string
	uploaded        time.Time // acknowledged
	deleted         time.Time // zero while it exists
	deleteRequested time.Time
}

// TestBackupRestoreDuringSaves runs `policydesk backup` against a live
// server while versions are saved and attachments uploaded and deleted,
// restores the file into a new directory with `policydesk restore`, and
// checks the result: `policydesk check` is clean, every version's body has
// its SHA-256, every save and file acknowledged before the backup began is
// there, every attachment downloads with its SHA-256, and search finds the
// documents again.
func TestBackupRestoreDuringSaves(t *testing.T) {
	dataDir := t.TempDir()
	srv := startServer(t, dataDir)
	api := longClient(t, srv.URL)
	ctx := t.Context()

	var docs []*documentJSON
	for i := range 3 {
		body := draftstest.Regulation(8, 1200, int64(i)) + fmt.Sprintf("\n## Neni 99\n\nFjala kopshtibackup%d mbyll këtë rregullore.\n", i)
		docs = append(docs, api.createDocument(t, fmt.Sprintf("Rregullore për kopshtet %d", i), body))
	}
	var mu sync.Mutex
	acked := map[string]time.Time{} // "doc/number sha" → when acknowledged
	var files []*savedFile
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var problems []string
	problem := func(format string, args ...any) {
		mu.Lock()
		problems = append(problems, fmt.Sprintf(format, args...))
		mu.Unlock()
	}

	// Writer: saves versions round the three documents.
	wg.Go(func() {
		heads := map[int64]int{}
		for _, d := range docs {
			heads[d.ID] = 1
		}
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			d := docs[n%len(docs)]
			body := draftstest.Regulation(8, 1200, int64(n%len(docs))) + fmt.Sprintf("\n## Neni 99\n\nFjala kopshtibackup%d mbyll këtë rregullore, ruajtja %d.\n", n%len(docs), n)
			var got versionJSON
			err := api.do(ctx, http.MethodPost, fmt.Sprintf("/api/v1/documents/%d/versions", d.ID),
				map[string]any{"base": heads[d.ID], "body": body, "message": fmt.Sprintf("ruajtja %d", n)}, &got)
			if err != nil {
				problem("save %d: %v", n, err)
				return
			}
			heads[d.ID] = got.Number
			mu.Lock()
			acked[fmt.Sprintf("%d/%d %s", d.ID, got.Number, sha256Hex(body))] = time.Now()
			mu.Unlock()
		}
	})
	// Uploader: adds a file, then deletes the one before, over and over.
	wg.Go(func() {
		var prev *savedFile
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			data := []byte(strings.Repeat(fmt.Sprintf("Shtojca %d e memorandumit për kopshtet. ", n), 300+n%7*200))
			att, err := api.uploadStream(ctx, docs[0].ID, fmt.Sprintf("shtojca-%d.txt", n), bytes.NewReader(data))
			if err != nil {
				problem("upload %d: %v", n, err)
				return
			}
			f := &savedFile{id: att.ID, sha256: sha256Hex(string(data)), uploaded: time.Now()}
			mu.Lock()
			files = append(files, f)
			mu.Unlock()
			if prev != nil && n%3 != 0 { // keep every third file
				mu.Lock()
				prev.deleteRequested = time.Now()
				mu.Unlock()
				if err := api.do(ctx, http.MethodDelete, fmt.Sprintf("/api/v1/attachments/%d", prev.id), nil, nil); err != nil {
					problem("delete %d: %v", prev.id, err)
					return
				}
				mu.Lock()
				prev.deleted = time.Now()
				mu.Unlock()
			}
			prev = f
		}
	})

	time.Sleep(700 * time.Millisecond)
	backupFile := filepath.Join(t.TempDir(), "policydesk-backup.tar.gz")
	var backupStart, backupEnd time.Time
	for round := range 2 { // twice, the second replacing the first file
		backupStart = time.Now()
		out, err := runCommand(t, "backup", "-data", dataDir, "-o", backupFile)
		backupEnd = time.Now()
		if err != nil || !strings.Contains(out, "backed up the database") {
			t.Fatalf("backup %d: %v\n%s", round, err, out)
		}
		t.Logf("backup %d during saves: %s", round, strings.TrimSpace(out))
		time.Sleep(300 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	for _, p := range problems {
		t.Error(p)
	}
	mu.Lock()
	var mustHave []string
	for k, at := range acked {
		if at.Before(backupStart) {
			mustHave = append(mustHave, k)
		}
	}
	var filesBefore []*savedFile
	for _, f := range files {
		if f.uploaded.Before(backupStart) && (f.deleteRequested.IsZero() || f.deleteRequested.After(backupEnd)) {
			filesBefore = append(filesBefore, f)
		}
	}
	t.Logf("%d versions and %d files acknowledged in all, %d versions and %d kept files before the last backup began",
		len(acked), len(files), len(mustHave), len(filesBefore))
	mu.Unlock()
	if len(mustHave) < 5 || len(filesBefore) < 2 {
		t.Fatalf("too little happened before the backup to prove anything: %d versions, %d files", len(mustHave), len(filesBefore))
	}
	srv.Stop(t)

	restored := filepath.Join(t.TempDir(), "restored")
	out, err := runCommand(t, "restore", backupFile, "-data", restored)
	if err != nil || !strings.Contains(out, "database ok") {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	t.Logf("restore: %s", strings.TrimSpace(out))
	if out, err := runCommand(t, "check", "-data", restored); err != nil || !strings.Contains(out, "database ok") {
		t.Fatalf("policydesk check on the restored directory: %v\n%s", err, out)
	}

	srv2 := startServer(t, restored)
	api2 := longClient(t, srv2.URL)
	have := map[string]bool{}
	for _, d := range docs {
		var list struct {
			Versions []versionJSON `json:"versions"`
		}
		if err := api2.do(ctx, http.MethodGet, fmt.Sprintf("/api/v1/documents/%d/versions", d.ID), nil, &list); err != nil {
			t.Fatal(err)
		}
		for _, lv := range list.Versions {
			var v versionJSON
			if err := api2.do(ctx, http.MethodGet, fmt.Sprintf("/api/v1/documents/%d/versions/%d", d.ID, lv.Number), nil, &v); err != nil {
				t.Fatal(err)
			}
			if sha256Hex(v.Body) != v.SHA256 || v.SHA256 != lv.SHA256 {
				t.Errorf("document %d version %d: body hashes to %s, recorded %s / %s", d.ID, v.Number, sha256Hex(v.Body), v.SHA256, lv.SHA256)
			}
			have[fmt.Sprintf("%d/%d %s", d.ID, v.Number, v.SHA256)] = true
		}
	}
	for _, k := range mustHave {
		if !have[k] {
			t.Errorf("version %s was acknowledged before the backup began but is not in the restored data", k)
		}
	}

	var list struct {
		Attachments []attachmentJSON `json:"attachments"`
	}
	if err := api2.do(ctx, http.MethodGet, fmt.Sprintf("/api/v1/documents/%d/attachments", docs[0].ID), nil, &list); err != nil {
		t.Fatal(err)
	}
	listed := map[int64]string{}
	for _, a := range list.Attachments {
		var buf bytes.Buffer
		sum, n, err := api2.download(ctx, a.ID, &buf)
		if err != nil || sum != a.SHA256 || n != a.Size {
			t.Errorf("attachment %d (%s): %v, %d bytes with sha256 %s, listed %d bytes %s", a.ID, a.Filename, err, n, sum, a.Size, a.SHA256)
		}
		listed[a.ID] = a.SHA256
	}
	for _, f := range filesBefore {
		if listed[f.id] != f.sha256 {
			t.Errorf("attachment %d was kept through the backup but is restored as %q", f.id, listed[f.id])
		}
	}
	t.Logf("restored: %d versions and %d attachments verified", len(have), len(listed))

	// The index was rebuilt from the database.
	waitSearchCaughtUp(t, srv2)
	for i, d := range docs {
		res := api2.search(t, fmt.Sprintf("kopshtibackup%d", i))
		if !hasTitle(res, d.Title) {
			t.Errorf("search for kopshtibackup%d does not find %q after the restore: %+v", i, d.Title, res.Hits)
		}
	}
	if res := api2.search(t, "memorandumit"); res.Total == 0 {
		t.Error("search finds no attachment text after the restore")
	}
}

// runWithEnv runs the binary with extra environment variables.
func runWithEnv(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, policydeskBinary(t), args...)
	cmd.Env = append(cleanEnv(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestBackupRestoreS3: with attachments in S3 the backup holds the database
// only and says so; the restored service reads the files from the bucket.
func TestBackupRestoreS3(t *testing.T) {
	cfg, _, _ := s3test.StartMinIO(t)
	env := s3Env(cfg)
	dataDir := t.TempDir()
	srv := startServer(t, dataDir, env...)
	api := longClient(t, srv.URL)
	doc := api.createDocument(t, "Memorandum me shtojca në S3", "## Neni 1\n\nTeksti.\n")
	data := bytes.Repeat([]byte("Shtojca në kovë. "), 5000)
	att, err := api.uploadStream(t.Context(), doc.ID, "shtojca.txt", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	backupFile := filepath.Join(t.TempDir(), "b.tar.gz")
	out, err := runWithEnv(t, env, "backup", "-data", dataDir, "-o", backupFile)
	if err != nil || !strings.Contains(out, "stay in S3 bucket") {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	srv.Stop(t)
	restored := filepath.Join(t.TempDir(), "restored")
	if out, err := runCommand(t, "restore", backupFile, "-data", restored); err != nil || !strings.Contains(out, cfg.Bucket) {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	srv2 := startServer(t, restored, env...)
	var buf bytes.Buffer
	sum, _, err := longClient(t, srv2.URL).download(t.Context(), att.ID, &buf)
	if err != nil || sum != sha256Hex(string(data)) {
		t.Fatalf("download after restore: %v, sha256 %s", err, sum)
	}
}
