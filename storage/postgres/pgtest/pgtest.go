// Package pgtest gives tests a real PostgreSQL database of their own.
//
// URL(tb) creates a fresh, empty database and returns its URL; it is
// dropped when the test ends. The server is the one
// POLICYDESK_TEST_DATABASE_URL names (a role that may create databases),
// else a throwaway cluster this test binary starts once: initdb in a
// temporary directory, postgres on a free loopback port, as an
// unprivileged user when the tests run as root (PostgreSQL refuses root),
// stopped by Main when the binary ends and killed with it if it dies.
//
// Without PostgreSQL the tests skip, unless POLICYDESK_REQUIRE_POSTGRES=1
// (the test command sets it): then they fail.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"policydesk/storage/postgres"
)

// Main runs the package's tests, then stops the cluster they started, if
// any; call it from TestMain, or call Stop from a TestMain of your own.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Stop stops the cluster this binary started, if any, and removes it.
func Stop() { stopCluster() }

// requireVar set to 1 turns a missing PostgreSQL into a failure.
const requireVar = "POLICYDESK_REQUIRE_POSTGRES"

var server struct {
	once sync.Once
	url  string // of the maintenance database, as a role that may create databases
	err  error
}

// URL returns the URL of a new, empty database for tb alone.
func URL(tb testing.TB) string {
	tb.Helper()
	server.once.Do(func() {
		if u := os.Getenv("POLICYDESK_TEST_DATABASE_URL"); u != "" {
			server.url = u
			return
		}
		server.url, server.err = startCluster()
	})
	if server.err != nil {
		if os.Getenv(requireVar) == "1" {
			tb.Fatalf("PostgreSQL is required (POLICYDESK_REQUIRE_POSTGRES=1): %v", server.err)
		}
		tb.Skipf("no PostgreSQL (set POLICYDESK_REQUIRE_POSTGRES=1 to fail instead): %v", server.err)
	}
	name := "policydesk_test_" + randomHex(6)
	admin := adminDB(tb)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		tb.Fatalf("create database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			tb.Errorf("drop database %s: %v", name, err)
		}
	})
	return withDatabase(server.url, name)
}

var admin struct {
	sync.Mutex
	db *sql.DB
}

// adminDB is one pool on the maintenance database, kept for the binary.
func adminDB(tb testing.TB) *sql.DB {
	admin.Lock()
	defer admin.Unlock()
	if admin.db == nil {
		db, err := postgres.Connect(server.url)
		if err != nil {
			tb.Fatal(err)
		}
		db.SetMaxOpenConns(2)
		admin.db = db
	}
	return admin.db
}

// withDatabase returns base with its database replaced by name.
func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" {
		return base + " dbname=" + name
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
