package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"os"
	"sync"
	"time"

	"policydesk"
)

// Worker sends the queued mails: it claims due mails in small batches,
// sends each within SendTimeout, and records the outcome. A mail that fails
// is retried with exponential backoff (RetryBase doubling up to RetryMax)
// for as long as it fails: it is never dropped, and stays visible in the
// queue with its attempts and last error.
//
// # Sent once
//
// Exactly-once delivery over SMTP is impossible in general: the server
// accepts a message when it receives the final "." of DATA, and its answer
// can be lost. The worker therefore marks a mail "sending" in the database
// (a compare-and-set that succeeds only while the worker still holds the
// mail's claim) after every byte of the message is written and before the
// final "." is sent. A mail marked sending is never sent again, by this
// worker or another replica. The server's explicit refusal puts it back as
// pending; its acceptance marks it sent.
//
// So a crash, a restart or a second replica can never send a mail twice.
// What remains is a narrow window in which a mail can be lost (at most
// once, never twice): the process dies, or the connection breaks, after the
// mark is committed and before the server's answer to the "." is read. The
// mail then stays "sending", counted as unconfirmed in the backlog (which
// every worker logs when it starts) and logged with its key when the
// process lived to see the error, for an administrator to look at: the server may or
// may not have accepted it. A crash anywhere before the mark leaves the
// mail pending (sent later, in full); a crash after the server's "250" and
// before the "sent" mark sends nothing twice either (the mail arrived, and
// counts as unconfirmed).
type Worker struct {
	Store  MailStore
	Sender Sender
	Logger *slog.Logger
	// Now is the clock (default time.Now), for due times and backoff.
	Now func() time.Time
	// Batch is how many mails one pass claims (default 10).
	Batch int
	// Poll is how often the queue is read when Notify is not called
	// (default 2 seconds).
	Poll time.Duration
	// SendTimeout bounds one mail's conversation with the server
	// (default 30 seconds).
	SendTimeout time.Duration
	// RetryBase is the pause after a mail's first failure, doubling with
	// each further one up to RetryMax (defaults 30 seconds and 1 hour).
	RetryBase, RetryMax time.Duration
	// Consumer names this worker in its claims (default: host and a random
	// part); Lease is how long a claim lasts (default: a whole batch's
	// SendTimeouts and a minute more, so a claim does not run out while
	// its batch is sent; a dead replica's claims are free after it).
	Consumer string
	Lease    time.Duration

	wake chan struct{}
	once sync.Once
}

func (w *Worker) init() {
	w.once.Do(func() {
		w.wake = make(chan struct{}, 1)
		if w.Now == nil {
			w.Now = time.Now
		}
		if w.Batch <= 0 {
			w.Batch = 10
		}
		w.Poll = durationOr(w.Poll, 2*time.Second)
		w.SendTimeout = durationOr(w.SendTimeout, 30*time.Second)
		w.RetryBase = durationOr(w.RetryBase, 30*time.Second)
		w.RetryMax = durationOr(w.RetryMax, time.Hour)
		w.Lease = durationOr(w.Lease, time.Duration(w.Batch)*w.SendTimeout+time.Minute)
		if w.Consumer == "" {
			w.Consumer = consumerName()
		}
		if w.Logger == nil {
			w.Logger = slog.New(slog.DiscardHandler)
		}
	})
}

func durationOr(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// consumerName names a worker in its claims: the host and a random part,
// so that two processes never share claims.
func consumerName() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return "mail:" + host + "/" + hex.EncodeToString(b)
}

// Notify wakes the worker after mails were queued, so they go at once.
func (w *Worker) Notify() {
	w.init()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends queued mails until ctx ends. A mail being handed over when ctx
// ends is finished (within SendTimeout); one not yet handed over is left
// for the next start or another replica, whose claims are released.
func (w *Worker) Run(ctx context.Context) {
	w.init()
	w.logBacklog(ctx)
	failures := 0
	for {
		n, err := w.Drain(ctx)
		wait := w.Poll
		switch {
		case err != nil && ctx.Err() == nil:
			failures++
			wait = min(w.Poll<<min(failures, 6), time.Minute)
			if failures == 1 || failures%20 == 0 {
				w.Logger.Warn("sending mail failed; the mails wait in the queue", slog.Any("err", err), slog.Duration("retry_in", wait))
			}
		case n > 0:
			failures = 0
			continue // more may be due
		default:
			failures = 0
		}
		select {
		case <-ctx.Done():
			w.release()
			return
		case <-w.wake:
		case <-time.After(wait):
		}
	}
}

// logBacklog says at start what waits in the queue and what needs a look.
func (w *Worker) logBacklog(ctx context.Context) {
	b, err := w.Store.MailBacklog(ctx, w.Now())
	switch {
	case err != nil:
		w.Logger.Warn("reading the mail queue failed", slog.Any("err", err))
	case b.Unconfirmed > 0 || b.Failing > 0:
		w.Logger.Warn("mail queue: some mails need a look (see mail_queue: status sending is unconfirmed, pending with attempts is failing)",
			slog.Int("pending", b.Pending), slog.Int("failing", b.Failing), slog.Int("unconfirmed", b.Unconfirmed))
	default:
		w.Logger.Info("mail queue", slog.Int("pending", b.Pending), slog.Int("sent", b.Sent))
	}
}

// release ends the worker's claims when it stops, so another replica
// takes the mails at once instead of when the claims expire.
func (w *Worker) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.Store.ReleaseMailClaims(ctx, w.Consumer); err != nil {
		w.Logger.Warn("releasing claims on mails failed; they expire on their own", slog.Any("err", err))
	}
}

// Drain sends one batch of due mails and reports how many it finished
// (sent, refused or unconfirmed). A failure to reach the mail server stops
// the pass with an error (the mail is retried with backoff, the rest of the
// batch waits for the next pass); a mail the server refuses is postponed
// and the pass goes on.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	w.init()
	now := w.Now()
	mails, err := w.Store.ClaimMails(ctx, w.Consumer, w.Batch, now, now.Add(w.Lease))
	if err != nil {
		return 0, err
	}
	done := 0
	for _, q := range mails {
		if ctx.Err() != nil {
			break
		}
		err := w.deliver(ctx, q)
		if err != nil {
			return done, err
		}
		done++
	}
	return done, nil
}

// deliver sends one claimed mail and records the outcome. It returns an
// error only when the server could not be reached (or the store failed),
// which stops the pass.
func (w *Worker) deliver(ctx context.Context, q QueuedMail) error {
	// The conversation is bounded by SendTimeout and not cut by ctx once
	// the mail is handed over: a stopping worker finishes that one mail
	// rather than leave it unconfirmed.
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.SendTimeout)
	defer cancel()
	var mu sync.Mutex
	handedOver := false
	var markErr error
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if !handedOver {
			cancel()
		}
	})
	defer stop()
	handover := func() error {
		mu.Lock()
		defer mu.Unlock()
		if err := ctx.Err(); err != nil {
			return err
		}
		markErr = w.Store.MarkMailSending(sendCtx, q.ID, w.Consumer, w.Now())
		handedOver = markErr == nil
		return markErr
	}
	err := w.Sender.Send(sendCtx, q.Mail, handover)
	// The outcome is recorded even when ctx ended meanwhile.
	rec, cancelRec := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancelRec()
	mu.Lock()
	defer mu.Unlock()
	return w.record(rec, ctx, q, handedOver, markErr, err)
}

// record writes what came of sending q to the queue.
func (w *Worker) record(rec, run context.Context, q QueuedMail, handedOver bool, markErr, err error) error {
	log := w.Logger.With(slog.Int64("mail", q.ID), slog.String("key", q.Key))
	switch {
	case err == nil && handedOver:
		return w.Store.MarkMailSent(rec, q.ID, w.Consumer, w.Now())
	case err == nil:
		return errors.New("the mail sender returned without handing the mail over")
	case policydesk.ErrorCode(markErr) == policydesk.EConflict:
		log.Info("a mail was taken over by another worker; left to it", slog.Any("err", markErr))
		return nil
	case !handedOver && run.Err() != nil:
		return nil // stopping: the claim is released, the mail stays pending
	case handedOver && !refused(err):
		log.Error("the mail server did not confirm a mail; it is not sent again and counts as unconfirmed", slog.Any("err", err))
		return w.Store.UnconfirmedMail(rec, q.ID, w.Consumer, err.Error())
	}
	next := w.Now().Add(w.backoff(q.Attempts + 1))
	log.Warn("sending a mail failed; will retry", slog.Int("attempts", q.Attempts+1), slog.Time("next", next), slog.Any("err", err))
	if rerr := w.Store.RetryMail(rec, q.ID, w.Consumer, next, err.Error()); rerr != nil {
		return rerr
	}
	if refused(err) {
		return nil // the server answers: the next mail may go through
	}
	return err
}

// backoff is the pause after a mail's nth failure.
func (w *Worker) backoff(n int) time.Duration {
	d := w.RetryBase
	for i := 1; i < n && d < w.RetryMax; i++ {
		d *= 2
	}
	return min(d, w.RetryMax)
}
