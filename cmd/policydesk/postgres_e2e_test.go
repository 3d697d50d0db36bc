package main

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"policydesk/storage/postgres"
	"policydesk/storage/postgres/pgtest"
)

// With POLICYDESK_DATABASE_URL the service keeps everything in PostgreSQL
// (no SQLite file appears), answers /readyz, never logs the URL's
// password; check works on it, and backup and restore refuse, naming
// pg_dump.
func TestPostgres_ServeCheckBackupRefused(t *testing.T) {
	const secret = "kestrel-s3cret"
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	// The test cluster trusts loopback, so the password is never asked for;
	// it is there to be kept out of every log and message.
	u.User = url.UserPassword(u.User.Username(), secret)
	dsn := u.String()

	s := startServer(t, "", "POLICYDESK_DATABASE_URL="+dsn)
	c := loginAPI(t, s.URL, "admin", e2eAdminPassword)
	doc := c.createDocument(t, "Rregullore në PostgreSQL", "# Neni 1\n\nTekst.")
	resp, err := http.Get(s.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz = %d on PostgreSQL", resp.StatusCode)
	}
	s.Stop(t)

	raw, err := postgres.Connect(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var title string
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := raw.QueryRowContext(ctx, `SELECT title FROM documents WHERE id = ?`, doc.ID).Scan(&title); err != nil || title != "Rregullore në PostgreSQL" {
		t.Errorf("the document in PostgreSQL: %q, %v", title, err)
	}
	if _, err := os.Stat(filepath.Join(s.DataDir, databaseName)); !os.IsNotExist(err) {
		t.Errorf("a SQLite file appeared in the data directory: %v", err)
	}
	logs := s.Logs()
	if !strings.Contains(logs, "kind=postgres") || strings.Contains(logs, secret) {
		t.Errorf("the log should name PostgreSQL and never the password:\n%s", logs)
	}

	out, err := runCommand(t, "check", "-data", s.DataDir, "-database-url", dsn)
	if err != nil || !strings.Contains(out, "database ok") || strings.Contains(out, secret) {
		t.Errorf("check on PostgreSQL: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"backup", "-o", filepath.Join(t.TempDir(), "b.tar.gz"), "-data", s.DataDir, "-database-url", dsn},
		{"restore", filepath.Join(t.TempDir(), "b.tar.gz"), "-data", t.TempDir(), "-database-url", dsn},
	} {
		out, err := runCommand(t, args...)
		if err == nil || !strings.Contains(out, "pg_dump") || strings.Contains(out, secret) {
			t.Errorf("%s with a database URL: %v\n%s", args[0], err, out)
		}
	}
	out, err = runCommand(t, "check", "-database-url", "mysql://u:"+secret+"@h/db")
	if err == nil || !strings.Contains(out, "PostgreSQL URL") || strings.Contains(out, secret) {
		t.Errorf("check with a URL that is not PostgreSQL's: %v\n%s", err, out)
	}
}

// While PostgreSQL cannot be reached, /readyz says "database" is down and
// requests get 503; once it is back, both recover by themselves and what
// was saved before is there.
func TestPostgres_DownIs503ThenRecovers(t *testing.T) {
	proxy := pgtest.StartProxy(t, pgtest.URL(t))
	s := startServer(t, "", "POLICYDESK_DATABASE_URL="+proxy.URL)
	c := loginAPI(t, s.URL, "admin", e2eAdminPassword)
	doc := c.createDocument(t, "Rregullore", "# Neni 1\n\nTekst.")
	getDoc := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		return c.do(ctx, http.MethodGet, "/api/v1/documents/"+strconv.FormatInt(doc.ID, 10), nil, nil)
	}

	proxy.Stop()
	if code, ready := readyz(t, s.URL); code != http.StatusServiceUnavailable || ready["database"] != "down" {
		t.Errorf("/readyz with the database gone = %d %v, want 503 with database down", code, ready)
	}
	if err := getDoc(); statusOfErr(err) != http.StatusServiceUnavailable {
		t.Errorf("reading a document with the database gone: %v, want 503", err)
	}

	proxy.Start()
	deadline := time.Now().Add(15 * time.Second)
	for {
		code, ready := readyz(t, s.URL)
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still %d %v 15s after the database came back", code, ready)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := getDoc(); err != nil {
		t.Fatalf("reading the document saved before the outage: %v", err)
	}
}
