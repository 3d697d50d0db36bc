package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"policydesk/drafts"
	"policydesk/storage/pgcopy"
	"policydesk/storage/postgres/pgtest"
	"policydesk/storage/s3/s3test"
)

// copySecret is the password put in target URLs, to be kept out of every
// message (the test cluster trusts loopback and never asks for it).
const copySecret = "osprey-s3cret"

func withPassword(tb testing.TB, dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), copySecret)
	return u.String()
}

// The user's path: policydesk copy of the demo library and generated
// documents with rounds, comments, replies, decisions, attachments and
// their audit entries into an empty PostgreSQL, attachments into MinIO.
// Every row of every table is equal, every version's SHA-256 matches its
// body, a second copy is refused and writes nothing, and a service on the
// target logs in with a copied account, serves a copied version and
// attachment, and gives a new document a fresh id.
func TestCopy_SQLiteToPostgres(t *testing.T) {
	cfg, _, _ := s3test.StartMinIO(t)
	data := t.TempDir()
	fillCopySource(t, data, 12)
	dsn := withPassword(t, pgtest.URL(t))

	out, err := runWithEnv(t, s3Env(cfg), "copy", "-from-data", data, "-to", dsn)
	if err != nil || !strings.Contains(out, "versions checked against their SHA-256") || strings.Contains(out, copySecret) {
		t.Fatalf("copy: %v\n%s", err, out)
	}
	if !strings.Contains(out, "6 copied") || !strings.Contains(out, "not in the copy") {
		t.Errorf("the copy should report 6 attachment files and say later writes are not in it:\n%s", out)
	}
	pg := openPostgres(t, dsn)
	src, err := sql.Open("sqlite", "file:"+filepath.Join(data, databaseName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	tables := copiedTables(t, pg)
	want, got := readContents(t, src, tables), readContents(t, pg, tables)
	for table, rows := range want {
		if !reflect.DeepEqual(rows, got[table]) {
			t.Errorf("table %s: %d rows in the source, %d in the copy, or they differ", table, len(rows), len(got[table]))
		}
	}
	for _, table := range []string{"users", "documents", "versions", "rounds", "comments", "replies", "attachments", "audit_log", "search_outbox"} {
		if len(want[table]) == 0 {
			t.Errorf("the fixture has no %s: the test proves nothing about them", table)
		}
	}
	checkVersionSums(t, pg)

	out, err = runWithEnv(t, s3Env(cfg), "copy", "-from-data", data, "-to", dsn)
	if err == nil || !strings.Contains(out, "not empty") || strings.Contains(out, copySecret) {
		t.Errorf("a second copy into the same target: %v\n%s", err, out)
	}
	if after := readContents(t, pg, tables); !reflect.DeepEqual(after, got) {
		t.Error("the refused copy changed the target")
	}

	serveCopied(t, dsn, s3Env(cfg), pg)
}

// checkVersionSums recomputes every version's SHA-256 in db.
func checkVersionSums(t *testing.T, db *sql.DB) {
	rows, err := db.Query(`SELECT document_id, number, body, sha256 FROM versions`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var doc, n int64
		var body, sum string
		if err := rows.Scan(&doc, &n, &body, &sum); err != nil {
			t.Fatal(err)
		}
		if drafts.SHA256Hex(body) != sum {
			t.Errorf("version %d of document %d does not match its SHA-256 in the copy", n, doc)
		}
	}
}

// serveCopied starts the service on the copy and uses it as a copied user.
func serveCopied(t *testing.T, dsn string, env []string, pg *sql.DB) {
	var maxDoc, docID, attID int64
	var number int
	var sum, attSum string
	if err := pg.QueryRow(`SELECT MAX(id) FROM documents`).Scan(&maxDoc); err != nil {
		t.Fatal(err)
	}
	if err := pg.QueryRow(`SELECT document_id, number, sha256 FROM versions ORDER BY document_id DESC, number DESC LIMIT 1`).Scan(&docID, &number, &sum); err != nil {
		t.Fatal(err)
	}
	if err := pg.QueryRow(`SELECT id, sha256 FROM attachments ORDER BY id LIMIT 1`).Scan(&attID, &attSum); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, t.TempDir(), append(env, "POLICYDESK_DATABASE_URL="+dsn)...)
	c := loginAPI(t, s.URL, "drita", demoPassword)
	var v versionJSON
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	path := "/api/v1/documents/" + strconv.FormatInt(docID, 10) + "/versions/" + strconv.Itoa(number)
	if err := c.do(ctx, http.MethodGet, path, nil, &v); err != nil || v.SHA256 != sum || sha256Hex(v.Body) != sum {
		t.Errorf("a copied version through the service on the copy: %v, sha256 %s, want %s", err, v.SHA256, sum)
	}
	var buf bytes.Buffer
	if got, _, err := c.download(ctx, attID, &buf); err != nil || got != attSum {
		t.Errorf("a copied attachment from S3 through the service: %v, sha256 %s, want %s", err, got, attSum)
	}
	doc := c.createDocument(t, "Rregullore pas kopjimit", "# Neni 1\n\nTekst i ri.")
	if doc.ID != maxDoc+1 {
		t.Errorf("a document created after the copy got id %d, want %d (past the copied ids)", doc.ID, maxDoc+1)
	}
}

// A copy interrupted in the middle, by a cancelled context or by killing
// the process, leaves the target without a row; a rerun then succeeds,
// and the attachment files the first attempt copied are not copied again.
func TestCopy_InterruptedLeavesTargetEmpty(t *testing.T) {
	cfg, _, _ := s3test.StartMinIO(t)
	data := t.TempDir()
	fillCopySource(t, data, 8)
	dsn := pgtest.URL(t)
	pg := openPostgres(t, dsn)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := pgcopy.Copy(ctx, pgcopy.Options{Source: filepath.Join(data, databaseName), Target: dsn, Log: cancelOn{"copying versions", cancel}})
	if err == nil {
		t.Fatal("a copy cancelled while copying versions succeeded")
	}
	expectEmpty(t, pg, "after a cancelled copy")

	// Killed with SIGKILL while copying versions: the server rolls back.
	cmd := exec.Command(policydeskBinary(t), "copy", "-from-data", data, "-to", dsn)
	cmd.Env = append(cleanEnv(), s3Env(cfg)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "copying versions") {
			cmd.Process.Kill()
			killed = true
			break
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatal("the copy never reached the versions")
	}
	expectEmpty(t, pg, "after a killed copy")

	out, err := runWithEnv(t, s3Env(cfg), "copy", "-from-data", data, "-to", dsn)
	if err != nil || !strings.Contains(out, "0 copied") || !strings.Contains(out, "4 already there") {
		t.Fatalf("the rerun after the kill (the files were copied before the kill): %v\n%s", err, out)
	}
	var n int
	if err := pg.QueryRow(`SELECT COUNT(*) FROM versions`).Scan(&n); err != nil || n == 0 {
		t.Errorf("versions after the rerun: %d, %v", n, err)
	}
}

// cancelOn cancels when a progress line contains its text.
type cancelOn struct {
	text   string
	cancel func()
}

func (c cancelOn) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(c.text)) {
		c.cancel()
	}
	return len(p), nil
}

// expectEmpty fails unless every table of db is empty.
func expectEmpty(t *testing.T, db *sql.DB, when string) {
	t.Helper()
	c := readContents(t, db, copiedTables(t, db))
	// The one row a migration seeds: the search log's counter at 0.
	if head := c["search_log_head"]; len(head) == 1 && head[0] == "1|0|" {
		delete(c, "search_log_head")
	}
	if n := rowCount(c); n != 0 {
		t.Errorf("%s the target holds %d rows", when, n)
	}
}

// A source at an older migration is copied after its snapshot is
// migrated; the source file is left byte for byte as it was. A target
// with a migration this program does not know is refused.
func TestCopy_OlderSourceMigratedOnSnapshot(t *testing.T) {
	data := t.TempDir()
	path := filepath.Join(data, databaseName)
	oldSQLite(t, path, 3)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dsn := pgtest.URL(t)
	out, err := runCommand(t, "copy", "-from-data", data, "-to", dsn)
	if err != nil || !strings.Contains(out, "0004_search_outbox.sql") || !strings.Contains(out, "source itself is unchanged") {
		t.Fatalf("copy of a source at migration 0003: %v\n%s", err, out)
	}
	after, err := os.ReadFile(path)
	if err != nil || sha256.Sum256(after) != sha256.Sum256(before) {
		t.Errorf("the source file changed (%v)", err)
	}
	pg := openPostgres(t, dsn)
	var body string
	if err := pg.QueryRow(`SELECT body FROM versions WHERE document_id = 7 AND number = 2`).Scan(&body); err != nil || body != "# Neni 1\n\nE dyta." {
		t.Errorf("the copied version: %q, %v", body, err)
	}

	future := pgtest.URL(t)
	fpg := openPostgres(t, future)
	if out, err := runCommand(t, "check", "-database-url", future); err != nil {
		t.Fatalf("creating the schema: %v\n%s", err, out)
	}
	if _, err := fpg.Exec(`INSERT INTO schema_migrations (name) VALUES ('migrations/9999_future.sql')`); err != nil {
		t.Fatal(err)
	}
	out, err = runCommand(t, "copy", "-from-data", data, "-to", future)
	if err == nil || !strings.Contains(out, "9999_future.sql") {
		t.Errorf("a copy into a database of a later version: %v\n%s", err, out)
	}
	expectEmpty(t, fpg, "after a refused copy")

	for _, c := range []struct{ to, want string }{
		{"mysql://u:" + copySecret + "@h/db", "PostgreSQL URL"},
		{"postgres://u:" + copySecret + "@127.0.0.1:1/db", "connecting to the target postgres://u:xxxxx@127.0.0.1:1/db"},
		{"", "usage: policydesk copy"},
	} {
		out, err := runCommand(t, "copy", "-from-data", data, "-to", c.to)
		if err == nil || !strings.Contains(out, c.want) || strings.Contains(out, copySecret) {
			t.Errorf("copy -to %q: %v\n%s", c.to, err, out)
		}
	}
}

// Without S3 the files go to -to-blobs, checked against their SHA-256; with
// neither, the copy says to carry the folder along; a damaged source file
// is refused and the target keeps no row.
func TestCopy_AttachmentFilesToFolder(t *testing.T) {
	data := t.TempDir()
	fillCopySource(t, data, 2)
	blobs := filepath.Join(t.TempDir(), "blobs")
	out, err := runCommand(t, "copy", "-from-data", data, "-to", pgtest.URL(t), "-to-blobs", blobs)
	if err != nil || !strings.Contains(out, "1 copied") {
		t.Fatalf("copy with -to-blobs: %v\n%s", err, out)
	}
	key, sum := firstAttachment(t, data)
	if got, err := os.ReadFile(filepath.Join(blobs, filepath.FromSlash(key))); err != nil || sha256Hex(string(got)) != sum {
		t.Errorf("the copied file: %v", err)
	}

	out, err = runCommand(t, "copy", "-from-data", data, "-to", pgtest.URL(t))
	if err != nil || !strings.Contains(out, "carry the folder "+filepath.Join(data, blobsDir)) {
		t.Errorf("copy with nowhere for the files: %v\n%s", err, out)
	}

	path := filepath.Join(data, blobsDir, filepath.FromSlash(key))
	damaged, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	damaged[0] ^= 1 // same size, other bytes
	if err := os.WriteFile(path, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	dsn, to := pgtest.URL(t), filepath.Join(t.TempDir(), "b")
	out, err = runCommand(t, "copy", "-from-data", data, "-to", dsn, "-to-blobs", to)
	if err == nil || !strings.Contains(out, "damaged") {
		t.Errorf("copy of a damaged file: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(to, filepath.FromSlash(key))); !os.IsNotExist(err) {
		t.Errorf("the damaged file was left in the target folder: %v", err)
	}
	expectEmpty(t, openPostgres(t, dsn), "after a refused damaged file")
}

// firstAttachment returns the key and SHA-256 of the first attachment of
// the installation in data.
func firstAttachment(t *testing.T, data string) (string, string) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, databaseName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var key, sum string
	if err := db.QueryRow(`SELECT blob_key, sha256 FROM attachments ORDER BY id LIMIT 1`).Scan(&key, &sum); err != nil {
		t.Fatal(err)
	}
	return key, sum
}

// A copy taken while the service saves on the source holds a consistent
// state: the target passes policydesk check (every version's SHA-256, no
// row naming a missing one) and each document's head version is there.
func TestCopy_WhileServiceSaves(t *testing.T) {
	data := t.TempDir()
	fillCopySource(t, data, 2)
	s := startServer(t, data)
	c := loginAPI(t, s.URL, "drita", demoPassword)
	doc := c.createDocument(t, "Rregullore gjatë kopjimit", "# Neni 1\n\nVersioni 1.")
	stop := make(chan struct{})
	saved := make(chan int)
	go func() {
		n := 1
		defer func() { saved <- n }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			in := map[string]any{"base": n, "body": "# Neni 1\n\nVersioni " + strconv.Itoa(n+1) + ".", "message": "ndryshim"}
			err := c.do(ctx, http.MethodPost, "/api/v1/documents/"+strconv.FormatInt(doc.ID, 10)+"/versions", in, nil)
			cancel()
			if err != nil {
				return
			}
			n++
		}
	}()
	time.Sleep(200 * time.Millisecond)
	dsn := pgtest.URL(t)
	out, err := runCommand(t, "copy", "-from-data", data, "-to", dsn)
	close(stop)
	n := <-saved
	if err != nil {
		t.Fatalf("copy while the service saves: %v\n%s", err, out)
	}
	t.Logf("%d versions saved while the copy ran", n)
	if n < 3 {
		t.Errorf("only %d versions saved while copying: the test shows nothing", n)
	}
	if out, err := runCommand(t, "check", "-database-url", dsn); err != nil || !strings.Contains(out, "database ok") {
		t.Errorf("check of the copy: %v\n%s", err, out)
	}
	var heads, missing int
	if err := openPostgres(t, dsn).QueryRow(`SELECT COUNT(*), COUNT(*) FILTER (WHERE NOT EXISTS
		(SELECT 1 FROM versions v WHERE v.document_id = d.id AND v.number = d.head)) FROM documents d`).Scan(&heads, &missing); err != nil || missing != 0 {
		t.Errorf("%d of %d documents lack their head version in the copy (%v)", missing, heads, err)
	}
}
