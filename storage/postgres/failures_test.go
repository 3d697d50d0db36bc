package postgres_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"policydesk"
	"policydesk/storage/postgres"
	"policydesk/storage/postgres/pgtest"
	"policydesk/storage/storetest"
)

// A transaction that PostgreSQL aborts as a serialization failure is run
// again by the store: a test-only trigger fails the first two attempts at
// the last step of creating a document, its audit entry (a sequence counts
// them; sequences ignore rollbacks), and the third commits, once, its
// audit entry naming the id the document got in the end.
func TestTx_SerializationFailureRetried(t *testing.T) {
	url := pgtest.URL(t)
	db := mustOpen(t, url)
	raw := mustConnect(t, url)
	ana := storetest.MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	for _, stmt := range []string{
		`CREATE SEQUENCE test_attempts`,
		`CREATE FUNCTION test_fail_twice() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF nextval('test_attempts') <= 2 THEN
				RAISE EXCEPTION 'simulated conflict' USING ERRCODE = 'serialization_failure';
			END IF;
			RETURN NEW;
		END $$`,
		`CREATE TRIGGER test_fail_twice AFTER INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_fail_twice()`,
	} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	doc := storetest.MustCreateDocument(t, db, ana, "Rregullore", "internal", "v1")
	var attempts, docs int
	var objectID string
	if err := raw.QueryRow(`SELECT last_value FROM test_attempts`).Scan(&attempts); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT COUNT(*) FROM documents`).Scan(&docs); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT object_id FROM audit_log WHERE action = 'document.create'`).Scan(&objectID); err != nil {
		t.Fatal(err)
	}
	if attempts != 3 || docs != 1 {
		t.Fatalf("attempts %d, documents %d; want 3 attempts and one document", attempts, docs)
	}
	if want := strconv.FormatInt(doc.ID, 10); objectID != want {
		t.Fatalf("the audit entry names document %s, the document is %s", objectID, want)
	}
}

// A database that cannot be reached is EUnavailable (503, and "database"
// failing in /readyz), for reads, writes and Ping alike, and the store
// works again once it is back, with nothing acknowledged lost. The server
// goes away and comes back through a proxy on loopback that refuses
// connections while stopped.
func TestUnavailable_ConnectionRefused(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.URL(t)
	p := pgtest.StartProxy(t, dsn)
	db := mustOpen(t, p.URL)
	ana := storetest.MustCreateUser(t, db, "ana", policydesk.RoleEditor)

	p.Stop()
	if err := db.Ping(ctx); policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Errorf("Ping with the server gone: %v, want EUnavailable", err)
	}
	if _, err := db.FindUserByID(ctx, ana.ID); policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Errorf("read with the server gone: %v, want EUnavailable", err)
	}
	if _, _, err := db.FindAudit(ctx, policydesk.AuditFilter{Limit: 1}); policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Errorf("list with the server gone: %v, want EUnavailable", err)
	}
	u := &policydesk.User{Login: "besa", Name: "Besa", Role: policydesk.RoleReviewer, PasswordHash: "x", CreatedAt: time.Now()}
	if err := db.CreateUser(ctx, u, nil); policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Errorf("write with the server gone: %v, want EUnavailable", err)
	}
	if msg := policydesk.ErrorMessage(db.Ping(ctx)); msg != "The database cannot be reached; try again." {
		t.Errorf("message %q", msg)
	}

	p.Start()
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("Ping with the server back: %v", err)
	}
	if _, err := db.FindUserByID(ctx, ana.ID); err != nil {
		t.Fatalf("the user acknowledged before the outage: %v", err)
	}
	if err := db.CreateUser(ctx, u, nil); err != nil {
		t.Fatalf("write with the server back: %v", err)
	}
	if _, err := postgres.Open(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"); policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Errorf("Open on a closed port: %v, want EUnavailable", err)
	}
	// A server that takes the connection and never answers is unavailable
	// too, once the connect timeout has passed.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	if _, err := postgres.Open(ctx, "postgres://nobody@"+silent.Addr().String()+"/none?connect_timeout=1"); policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Errorf("Open on a server that never answers: %v, want EUnavailable", err)
	}
}

// A connection that breaks in the middle of a transaction or of a result
// (the server restarts, the network drops it) is EUnavailable whichever
// call notices it: the next statement, the commit, or the rows being read.
func TestUnavailable_ConnectionBrokenMidway(t *testing.T) {
	p := pgtest.StartProxy(t, pgtest.URL(t))
	raw := mustConnect(t, p.URL)
	ctx := context.Background()
	begin := func() *sql.Tx {
		t.Helper()
		tx, err := raw.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `SELECT 1`); err != nil {
			t.Fatal(err)
		}
		return tx
	}
	breaks := []struct {
		name string
		f    func() []error
	}{
		{"commit", func() []error {
			tx := begin()
			p.Stop()
			return []error{tx.Commit()}
		}},
		{"statement then commit", func() []error {
			tx := begin()
			p.Stop()
			_, err := tx.ExecContext(ctx, `SELECT 1`)
			return []error{err, tx.Commit()}
		}},
		{"rows", func() []error {
			rows, err := raw.QueryContext(ctx, `SELECT g, repeat('x', 1000) FROM generate_series(1, 100000) g`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			rows.Next()
			p.Stop()
			for rows.Next() {
			}
			return []error{rows.Err()}
		}},
	}
	for _, b := range breaks {
		errs := b.f()
		p.Start()
		for _, e := range errs {
			// database/sql's own signal, which the store reads as
			// EUnavailable: inside a transaction it cannot retry.
			if errors.Is(e, driver.ErrBadConn) {
				continue
			}
			if policydesk.ErrorCode(e) != policydesk.EUnavailable {
				t.Errorf("%s: %v (%T), want EUnavailable", b.name, e, e)
			}
		}
	}
}
