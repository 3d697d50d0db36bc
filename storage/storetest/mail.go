package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"policydesk"
	"policydesk/notify"
)

func testMail(i int) notify.Mail {
	return notify.Mail{Key: fmt.Sprintf("round.opened:%d:user:7", i), To: "besa@example.org",
		Subject: "Raundi i ri: Rregullore për çerdhet – rok čćšžđ", Text: "Tekst ë ç", HTML: "<p>Tekst ë ç</p>"}
}

// testMail_EnqueueIdempotent: a key is queued once, also when many
// writers queue it at the same moment; a bad mail is refused whole.
func testMail_EnqueueIdempotent(t *testing.T, open Opener) {
	b := open(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := testMail(1)
			m.Subject = fmt.Sprintf("copy %d", i)
			errs <- b.DB.EnqueueMail(ctx, m)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("queueing one key concurrently: %v", err)
		}
	}
	if err := b.DB.EnqueueMail(ctx, testMail(1)); err != nil {
		t.Fatal(err)
	}
	if n := CountRows(t, b.Raw, "mail_queue"); n != 1 {
		t.Fatalf("one key queued 17 times: %d rows, want 1", n)
	}
	for _, bad := range []notify.Mail{
		{Key: "", To: "a@example.org", Subject: "s", Text: "t"},
		{Key: "k", To: "not an address", Subject: "s", Text: "t"},
		{Key: "k", To: "a@example.org\r\nBcc: x@evil.example", Subject: "s", Text: "t"},
		{Key: "k", To: "a@example.org", Subject: "s\r\nBcc: x@evil.example", Text: "t"},
		{Key: "k", To: "a@example.org", Subject: "s", Text: ""},
	} {
		if err := b.DB.EnqueueMail(ctx, bad); policydesk.ErrorCode(err) != policydesk.EInvalid {
			t.Errorf("queueing %+v: %v, want an EInvalid error", bad, err)
		}
	}
	if n := CountRows(t, b.Raw, "mail_queue"); n != 1 {
		t.Fatalf("refused mails wrote rows: %d, want 1", n)
	}
}

// testMail_ClaimsNeverShared: two workers claiming at once never get the
// same mail; a live claim keeps others away, an expired one does not.
func testMail_ClaimsNeverShared(t *testing.T, open Opener) {
	b := open(t)
	ctx := context.Background()
	for i := range 30 {
		if err := b.DB.EnqueueMail(ctx, testMail(i)); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	got := map[string][]int64{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, c := range []string{"a", "b", "c"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ms, err := b.DB.ClaimMails(ctx, c, 10, now, now.Add(time.Minute))
			if err != nil || len(ms) > 10 {
				t.Errorf("%s claimed %d mails (%v), at most 10 asked", c, len(ms), err)
				return
			}
			mu.Lock()
			for _, m := range ms {
				got[c] = append(got[c], m.ID)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	seen := map[int64]string{}
	for c, ids := range got {
		for _, id := range ids {
			if other, ok := seen[id]; ok && other != c {
				t.Fatalf("mail %d claimed by %s and %s", id, other, c)
			}
			seen[id] = c
		}
	}
	if len(seen) != 30 {
		t.Fatalf("%d mails claimed, want all 30", len(seen))
	}
	if ms, _ := b.DB.ClaimMails(ctx, "d", 50, now, now.Add(time.Minute)); len(ms) != 0 {
		t.Fatalf("a fourth worker claimed %d mails under live claims", len(ms))
	}
	later := now.Add(2 * time.Minute)
	ms, err := b.DB.ClaimMails(ctx, "d", 50, later, later.Add(time.Minute))
	if err != nil || len(ms) != 30 {
		t.Fatalf("after the claims expired, d claimed %d mails (%v), want 30", len(ms), err)
	}
	if !slices.IsSortedFunc(ms, func(x, y notify.QueuedMail) int { return int(x.ID - y.ID) }) || ms[0].Subject != testMail(0).Subject {
		t.Fatalf("claimed mails not oldest first or not read back whole: %+v", ms[0])
	}
	if err := b.DB.ReleaseMailClaims(ctx, "d"); err != nil {
		t.Fatal(err)
	}
	if ms, _ := b.DB.ClaimMails(ctx, "e", 50, later, later.Add(time.Minute)); len(ms) != 30 {
		t.Fatalf("after d released its claims, e claimed %d mails, want 30", len(ms))
	}
}

// testMail_MarkRetryAndBacklog: marking a mail sending is a
// compare-and-set on the claim; a mail sending is never claimed again; a
// retry waits for its time; the backlog counts every state.
func testMail_MarkRetryAndBacklog(t *testing.T, open Opener) {
	b := open(t)
	ctx := context.Background()
	for i := range 3 {
		if err := b.DB.EnqueueMail(ctx, testMail(i)); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	a, _ := b.DB.ClaimMails(ctx, "a", 1, now, now.Add(time.Second))
	later := now.Add(time.Minute)
	bm, _ := b.DB.ClaimMails(ctx, "b", 3, later, later.Add(time.Minute)) // a's claim expired
	if len(a) != 1 || len(bm) != 3 {
		t.Fatalf("claims: a %d, b %d; want 1 and 3", len(a), len(bm))
	}
	if err := b.DB.MarkMailSending(ctx, a[0].ID, "a", later); policydesk.ErrorCode(err) != policydesk.EConflict {
		t.Fatalf("a marked a mail b took over: %v, want EConflict", err)
	}
	first, second, third := bm[0].ID, bm[1].ID, bm[2].ID
	for _, id := range []int64{first, second} {
		if err := b.DB.MarkMailSending(ctx, id, "b", later); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.DB.MarkMailSending(ctx, first, "b", later); policydesk.ErrorCode(err) != policydesk.EConflict {
		t.Fatalf("marking a mail sending twice: %v, want EConflict", err)
	}
	if err := b.DB.MarkMailSent(ctx, first, "b", later); err != nil {
		t.Fatal(err)
	}
	if err := b.DB.UnconfirmedMail(ctx, second, "b", "connection reset after the final dot"); err != nil {
		t.Fatal(err)
	}
	if err := b.DB.RetryMail(ctx, third, "b", later.Add(time.Hour), "450 try later"); err != nil {
		t.Fatal(err)
	}
	far := later.Add(30 * time.Minute)
	if ms, _ := b.DB.ClaimMails(ctx, "c", 10, far, far.Add(time.Minute)); len(ms) != 0 {
		t.Fatalf("claimed %d mails before the retry's time (sent and unconfirmed ones must never come back)", len(ms))
	}
	bl, err := b.DB.MailBacklog(ctx, far)
	if err != nil {
		t.Fatal(err)
	}
	if bl.Pending != 1 || bl.Failing != 1 || bl.Unconfirmed != 1 || bl.Sent != 1 || bl.Oldest.IsZero() {
		t.Fatalf("backlog %+v, want 1 pending (failing), 1 unconfirmed, 1 sent", bl)
	}
	due := later.Add(2 * time.Hour)
	ms, err := b.DB.ClaimMails(ctx, "c", 10, due, due.Add(time.Minute))
	if err != nil || len(ms) != 1 || ms[0].ID != third || ms[0].Attempts != 1 {
		t.Fatalf("after the retry's time: %+v (%v), want mail %d with 1 attempt", ms, err, third)
	}
	var lastError string
	if err := b.Raw.QueryRow(`SELECT last_error FROM mail_queue WHERE id = ?`, third).Scan(&lastError); err != nil || lastError != "450 try later" {
		t.Fatalf("last error %q (%v)", lastError, err)
	}
}
