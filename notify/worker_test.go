package notify_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"policydesk/notify"
	"policydesk/storage/sqlite"
)

// refusingSender is a server that refuses every mail, counting them.
type refusingSender struct {
	mu sync.Mutex
	n  int
}

func (s *refusingSender) Send(context.Context, notify.Mail, func() error) error {
	s.mu.Lock()
	s.n++
	s.mu.Unlock()
	return &notify.RefusedError{Err: errors.New("451 4.3.0 try again later")}
}

// TestWorker_BackoffDoublesToAnHour: with a fake clock, a mail that keeps
// failing is tried again after 30 s, 1, 2, 4 … minutes, then every hour,
// and never dropped.
func TestWorker_BackoffDoublesToAnHour(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "policydesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := notify.Mail{Key: "k", To: "besa@ministria.example", Subject: "s", Text: "t"}
	if err := db.EnqueueMail(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	snd := &refusingSender{}
	w := &notify.Worker{Store: db, Sender: snd, Now: func() time.Time { return now }}
	drain := func() int {
		n, err := w.Drain(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if drain() != 1 {
		t.Fatal("the first attempt did not happen")
	}
	for i, wait := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour, time.Hour} {
		now = now.Add(wait - time.Second)
		if drain() != 0 {
			t.Fatalf("retry %d came before its %s", i+1, wait)
		}
		now = now.Add(time.Second)
		if drain() != 1 {
			t.Fatalf("retry %d did not come after %s", i+1, wait)
		}
	}
	b, err := db.MailBacklog(context.Background(), now)
	if err != nil || b.Pending != 1 || b.Failing != 1 || snd.n != 11 {
		t.Fatalf("after 11 refusals: backlog %+v (%v), %d sends; want the mail still pending", b, err, snd.n)
	}
}

// TestWorker_StopsOnCancel: Run says at start that a mail keeps failing,
// and returns soon after its context ends.
func TestWorker_StopsOnCancel(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "policydesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.EnqueueMail(context.Background(), notify.Mail{Key: "k", To: "besa@ministria.example", Subject: "s", Text: "t"}); err != nil {
		t.Fatal(err)
	}
	if _, err := (&notify.Worker{Store: db, Sender: &refusingSender{}}).Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	w := &notify.Worker{Store: db, Sender: &refusingSender{}, Poll: time.Hour, Consumer: "a",
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5 s of its context's end")
	}
	if !strings.Contains(logs.String(), "need a look") || !strings.Contains(logs.String(), "failing=1") {
		t.Fatalf("the start's log does not name the failing mail:\n%s", logs.String())
	}
}

// TestMessageID: one key gives one id, another key another, in the
// <hash@domain> form.
func TestMessageID(t *testing.T) {
	a, b := notify.MessageID("round.opened:1:user:7", "desk.example"), notify.MessageID("round.opened:1:user:8", "desk.example")
	if a != notify.MessageID("round.opened:1:user:7", "desk.example") || a == b || len(a) != 2+32+1+len("desk.example") || a[0] != '<' || a[len(a)-1] != '>' {
		t.Fatalf("MessageID: %q, %q", a, b)
	}
}
