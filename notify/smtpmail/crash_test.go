package smtpmail_test

import (
	"context"
	"crypto/x509"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"policydesk/notify"
	"policydesk/notify/smtpmail/smtptest"
)

// The crash tests run this test binary again as a worker that dies
// (os.Exit, no deferred code, its sockets closed by the kernel) at one
// point of sending, then start a new worker over the same database.
const (
	crashModeVar = "SMTPMAIL_CRASH_MODE"
	crashExit    = 3

	crashBeforeMark  = "before-mark"  // the message written, not yet marked sending
	crashBeforeDot   = "before-dot"   // marked sending, the final "." not yet sent
	crashAfterAccept = "after-accept" // the server said 250, the sent mark not yet written
)

// crashSender wraps the real sender and exits the process at its mode's
// point.
type crashSender struct {
	inner notify.Sender
	mode  string
}

func (c crashSender) Send(ctx context.Context, m notify.Mail, handover func() error) error {
	err := c.inner.Send(ctx, m, func() error {
		if c.mode == crashBeforeMark {
			os.Exit(crashExit)
		}
		if err := handover(); err != nil {
			return err
		}
		if c.mode == crashBeforeDot {
			os.Exit(crashExit)
		}
		return nil
	})
	if err == nil && c.mode == crashAfterAccept {
		os.Exit(crashExit)
	}
	return err
}

// crashChild is the dying worker: it sends the queue once.
func crashChild(mode string) int {
	db := openSQLite(nopTB{}, os.Getenv("SMTPMAIL_DB"))
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM([]byte(os.Getenv("SMTPMAIL_CA")))
	w := fastWorker(db, crashSender{inner: senderFor(nopTB{}, os.Getenv("SMTPMAIL_ADDR"), roots), mode: mode}, "crashing")
	w.Lease = 500 * time.Millisecond
	if _, err := w.Drain(context.Background()); err != nil {
		return 1
	}
	return 0 // it should have died
}

// nopTB lets the child use the test helpers outside a test.
type nopTB struct{ testing.TB }

func (nopTB) Helper()               {}
func (nopTB) Cleanup(func())        {}
func (nopTB) Fatal(args ...any)     { panic(args) }
func (nopTB) TempDir() string       { return os.TempDir() }
func (nopTB) Errorf(string, ...any) {}

// TestCrash: a worker dies at each point of sending one mail; a new worker
// over the same database then runs (and sends a second mail, to show it
// works). Before the mark, the mail is sent in full by the new worker;
// after the server accepted it, it is never sent again; in the window
// between the mark and the final "." it is lost, never duplicated, and
// shows as unconfirmed.
func TestCrash(t *testing.T) {
	for _, c := range []struct {
		mode     string
		arrivals int // of the first mail, in the end
	}{
		{crashBeforeMark, 1},
		{crashBeforeDot, 0},
		{crashAfterAccept, 1},
	} {
		t.Run(c.mode, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.Start(t)
			path := filepath.Join(t.TempDir(), "policydesk.db")
			db := openSQLite(t, path)
			first := plainMail(1)
			mustEnqueue(t, db, first)
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashModeVar+"="+c.mode, "SMTPMAIL_DB="+path, "SMTPMAIL_ADDR="+srv.Addr, "SMTPMAIL_CA="+string(srv.CA))
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != crashExit {
				t.Fatalf("the crashing worker ended with %v, want exit %d\n%s", err, crashExit, out)
			}
			time.Sleep(600 * time.Millisecond) // its claim runs out
			mustEnqueue(t, db, plainMail(2))
			w := fastWorker(db, senderFor(t, srv.Addr, srv.Roots), "restarted")
			if _, err := w.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			counts := srv.ByMessageID(t)
			if counts[notify.MessageID(plainMail(2).Key, "policydesk.example")] != 1 {
				t.Fatalf("the new worker did not send the second mail: %v", counts)
			}
			if got := counts[notify.MessageID(first.Key, "policydesk.example")]; got != c.arrivals {
				t.Fatalf("the first mail arrived %d times, want %d", got, c.arrivals)
			}
			b := backlog(t, db, time.Now())
			if wantUnconfirmed := c.mode != crashBeforeMark; (b.Unconfirmed == 1) != wantUnconfirmed || b.Pending != 0 {
				t.Fatalf("backlog %+v; unconfirmed expected: %v", b, wantUnconfirmed)
			}
		})
	}
}
