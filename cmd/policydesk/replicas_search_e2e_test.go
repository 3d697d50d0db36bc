package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"policydesk/storage/postgres/pgtest"
)

// sharedDataDir is a data directory of its own (its own embedded index
// and blobs) whose database is base's: one SQLite file shared by two
// processes, as replicas share a PostgreSQL database.
func sharedDataDir(t *testing.T, base string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(base, "policydesk.db"), filepath.Join(dir, "policydesk.db")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReplicasE2E_EmbeddedIndexesFollowOneDatabase: two policydesk
// processes, each with its own embedded index, on one database (PostgreSQL,
// and one SQLite file shared by both): a word saved through one is found
// through the other within 5 s, both ways; /readyz reports each replica's
// lag; a third replica started later builds its index from the database
// (logging it) and finds both; reindexed offline, it follows on.
func TestReplicasE2E_EmbeddedIndexesFollowOneDatabase(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		url := pgtest.URL(t)
		testReplicasFollowOneDatabase(t, func() (string, []string) {
			return t.TempDir(), []string{"POLICYDESK_DATABASE_URL=" + url}
		})
	})
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		first := ""
		testReplicasFollowOneDatabase(t, func() (string, []string) {
			if first == "" {
				first = t.TempDir()
				return first, nil
			}
			return sharedDataDir(t, first), nil
		})
	})
}

// testReplicasFollowOneDatabase runs the scenario on replicas that
// newReplica gives: a data directory and settings for each.
func testReplicasFollowOneDatabase(t *testing.T, newReplica func() (string, []string)) {
	dataA, envA := newReplica()
	a := startServer(t, dataA, envA...)
	dataB, envB := newReplica()
	b := startServer(t, dataB, envB...)
	waitSearchCaughtUp(t, a)
	waitSearchCaughtUp(t, b)
	onA := loginAPI(t, a.URL, "admin", e2eAdminPassword)
	onB := loginAPI(t, b.URL, "admin", e2eAdminPassword)

	onA.createDocument(t, "Rregullore qzreplikaone", "# Rregullore\n\n## Neni 1\n\nFjala qzfjalaone.\n")
	within(t, 5*time.Second, "a word saved through A is found through B", func() bool {
		return onB.search(t, "qzfjalaone").Total > 0
	})
	onB.createDocument(t, "Udhëzim qzreplikatwo", "# Udhëzim\n\n## Neni 1\n\nFjala qzfjalatwo.\n")
	within(t, 5*time.Second, "a word saved through B is found through A", func() bool {
		return onA.search(t, "qzfjalatwo").Total > 0
	})
	for _, srv := range []*testServer{a, b} {
		waitSearchCaughtUp(t, srv)
		status, out := readyz(t, srv.URL)
		if status != 200 || out["search_lag_entries"] != "0" || out["search_lag_seconds"] != "0.0" || out["search_building"] != "false" {
			t.Errorf("readyz of a replica that caught up = %d %v", status, out)
		}
	}

	dataC, envC := newReplica()
	c := startServer(t, dataC, envC...)
	onC := loginAPI(t, c.URL, "admin", e2eAdminPassword)
	within(t, 10*time.Second, "a new replica builds its index and finds both words", func() bool {
		return onC.search(t, "qzfjalaone").Total > 0 && onC.search(t, "qzfjalatwo").Total > 0
	})
	if !strings.Contains(c.Logs(), "building the search index from the database") || !strings.Contains(c.Logs(), "built the search index") {
		t.Errorf("the new replica did not log its build:\n%s", c.Logs())
	}

	// `policydesk reindex` writes the log's head into the index it builds:
	// the replica started on it follows from there, with no second build.
	c.Stop(t)
	reindexArgs := []string{"reindex", "-data", dataC}
	for _, e := range envC { // the database's URL, if any
		reindexArgs = append(reindexArgs, "-database-url", strings.TrimPrefix(e, "POLICYDESK_DATABASE_URL="))
	}
	if out, err := runCommand(t, reindexArgs...); err != nil {
		t.Fatalf("policydesk reindex: %v\n%s", err, out)
	}
	c = startServer(t, dataC, envC...)
	onC = loginAPI(t, c.URL, "admin", e2eAdminPassword)
	onA.createDocument(t, "Rregullore qzreplikathree", "# Rregullore\n\n## Neni 1\n\nFjala qzfjalathree.\n")
	within(t, 5*time.Second, "the reindexed replica follows a save made elsewhere", func() bool {
		return onC.search(t, "qzfjalathree").Total > 0 && onC.search(t, "qzfjalaone").Total > 0
	})
	if strings.Contains(c.Logs(), "building the search index") {
		t.Errorf("the replica built its index again after a reindex:\n%s", c.Logs())
	}
}
