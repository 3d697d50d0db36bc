package smtpmail_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"policydesk/notify"
	"policydesk/notify/smtpmail"
	"policydesk/notify/smtpmail/smtptest"
	"policydesk/storage/postgres"
	"policydesk/storage/postgres/pgtest"
	"policydesk/storage/sqldb"
	"policydesk/storage/sqlite"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(crashModeVar); mode != "" {
		os.Exit(crashChild(mode))
	}
	pgtest.Main(m)
}

const testFrom = "desk@policydesk.example"

// senderFor is a sender to s with STARTTLS (trusting the test's
// certificate) and AUTH PLAIN.
func senderFor(tb testing.TB, addr string, roots *x509.CertPool) *smtpmail.Sender {
	tb.Helper()
	host, port, _ := net.SplitHostPort(addr)
	snd, err := smtpmail.New(smtpmail.Config{Host: host, Port: port, Security: smtpmail.StartTLS, Username: smtptest.User,
		Password: smtptest.Password, From: testFrom, TLS: &tls.Config{RootCAs: roots}})
	if err != nil {
		tb.Fatal(err)
	}
	return snd
}

// openSQLite opens (creating) the SQLite database at path.
func openSQLite(tb testing.TB, path string) *sqldb.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// backends open two handles on one fresh database, as two replicas would.
var backends = map[string]func(tb testing.TB) (*sqldb.DB, *sqldb.DB){
	"sqlite": func(tb testing.TB) (*sqldb.DB, *sqldb.DB) {
		path := filepath.Join(tb.TempDir(), "policydesk.db")
		return openSQLite(tb, path), openSQLite(tb, path)
	},
	"postgres": func(tb testing.TB) (*sqldb.DB, *sqldb.DB) {
		url := pgtest.URL(tb)
		open := func() *sqldb.DB {
			db, err := postgres.Open(context.Background(), url)
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { db.Close() })
			return db
		}
		return open(), open()
	},
}

// fastWorker retries quickly, for tests that wait for retries.
func fastWorker(db *sqldb.DB, snd notify.Sender, consumer string) *notify.Worker {
	return &notify.Worker{Store: db, Sender: snd, Consumer: consumer, Poll: 50 * time.Millisecond,
		SendTimeout: 5 * time.Second, RetryBase: 100 * time.Millisecond, RetryMax: time.Second}
}

// runWorker runs w until the test ends, and waits for it to stop.
func runWorker(tb testing.TB, w *notify.Worker) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	tb.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			tb.Error("the worker did not stop within 10 s of its context's end")
		}
	})
}

func mustEnqueue(tb testing.TB, db *sqldb.DB, mails ...notify.Mail) {
	tb.Helper()
	for _, m := range mails {
		if err := db.EnqueueMail(context.Background(), m); err != nil {
			tb.Fatalf("queueing %s: %v", m.Key, err)
		}
	}
}

func plainMail(i int) notify.Mail {
	return notify.Mail{Key: fmt.Sprintf("comment.reply:%d:user:7", i), To: "besa@ministria.example",
		Subject: fmt.Sprintf("Përgjigje %d", i), Text: fmt.Sprintf("Mesazhi %d", i)}
}

func backlog(tb testing.TB, db *sqldb.DB, at time.Time) notify.Backlog {
	tb.Helper()
	b, err := db.MailBacklog(context.Background(), at)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
