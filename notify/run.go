package notify

import (
	"context"
	"log/slog"
	"time"

	"policydesk"
)

// Run follows the audit log into the inbox and queues the mails until ctx
// ends, every interval. Only the replica holding the follower's lease
// mails, so replicas do not race to choose a digest (keys would keep a
// mail from going twice anyway). m may be nil: no mail is sent. Each step
// is bounded by the lease, well within which a batch ends.
//
// rem, when not nil, reminds reviewers of due and overdue rounds (its own
// lease makes one replica do it, once a day) before the mail goes.
func Run(ctx context.Context, f *Follower, rem *Reminders, m *Mailer, every time.Duration, log *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if rem != nil {
			step, cancel := context.WithTimeout(ctx, rem.Lease/2)
			if _, err := rem.Step(step); err != nil && ctx.Err() == nil && policydesk.ErrorCode(err) != policydesk.EConflict {
				log.Warn("inbox: reminding reviewers failed; it will be retried", "err", err)
			}
			cancel()
		}
		if f.catchUp(ctx, log) && m != nil {
			m.run(ctx, f.Lease/2, log)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// catchUp steps until the follower has read the log; false when another
// replica holds it or a step failed.
func (f *Follower) catchUp(ctx context.Context, log *slog.Logger) bool {
	for ctx.Err() == nil {
		step, cancel := context.WithTimeout(ctx, f.Lease/2)
		n, err := f.Step(step)
		cancel()
		switch {
		case err != nil && ctx.Err() == nil:
			if policydesk.ErrorCode(err) != policydesk.EConflict {
				log.Warn("inbox: following the audit log failed; it will be retried", "err", err)
			}
			return false
		case n == 0:
			return true
		}
	}
	return false
}

// run sends what is due, each pass bounded by limit.
func (m *Mailer) run(ctx context.Context, limit time.Duration, log *slog.Logger) {
	for _, send := range []func(context.Context) (int, error){m.SendImmediate, m.SendDigests} {
		step, cancel := context.WithTimeout(ctx, limit)
		if _, err := send(step); err != nil && ctx.Err() == nil {
			log.Warn("inbox: queueing mail failed; it will be retried", "err", err)
		}
		cancel()
	}
}
