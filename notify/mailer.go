package notify

import (
	"context"
	"fmt"
	"time"
)

// Renderer writes the mail about items for their recipient, in the
// recipient's language; the web layer provides it from its catalogs. A
// digest is a mail about several items, and more counts those it leaves out.
type Renderer interface {
	RenderMail(r *Recipient, items []*Item, more int, digest bool) (subject, text, html string, err error)
}

// Mailer queues the mails of inbox items: one per item for users who want
// mail immediately, and one digest a day for those who chose the digest.
// An item is marked mailed after its mail is queued; queueing the same key
// again is a no-op, so a crash between the two sends nothing twice.
type Mailer struct {
	Store InboxStore
	Queue MailQueue
	// Render is nil where mail is off: items are then only marked mailed,
	// so that turning mail on later does not send old news.
	Render Renderer
	Now    func() time.Time
	// Zone is the installation's time zone; the digest goes at DigestHour
	// there.
	Zone       *time.Location
	DigestHour int
	// Batch bounds the items one call reads.
	Batch int
}

// MaxDigestItems bounds the items one digest lists; it counts the rest.
const MaxDigestItems = 50

// SendImmediate queues the mail of each item not yet mailed whose user
// wanted mail immediately, and returns how many items it handled.
func (m *Mailer) SendImmediate(ctx context.Context) (int, error) {
	items, err := m.Store.UnmailedItems(ctx, m.batch())
	if err != nil {
		return 0, err
	}
	for _, it := range items {
		if err := m.send(ctx, it.UserID, it.Key, []*Item{it}, false); err != nil {
			return 0, err
		}
	}
	return len(items), nil
}

// DigestTime is the moment of the digest of the day now is in, in the
// installation's zone.
func (m *Mailer) DigestTime(now time.Time) time.Time {
	n := now.In(m.Zone)
	return time.Date(n.Year(), n.Month(), n.Day(), m.DigestHour, 0, 0, 0, m.Zone)
}

// SendDigests queues, once the day's digest time has passed, one mail per
// digest user with their unread items made before that time and not yet
// mailed (key "digest:user:<id>:<day>", so one a day). An item that comes
// in after the day's digest was chosen waits for the next day's.
func (m *Mailer) SendDigests(ctx context.Context) (int, error) {
	now := m.Now()
	cut := m.DigestTime(now)
	if now.Before(cut) {
		return 0, nil
	}
	day := cut.Format(time.DateOnly)
	sent := 0
	var after int64
	for {
		users, err := m.Store.DigestUsers(ctx, cut, after, m.batch())
		if err != nil || len(users) == 0 {
			return sent, err
		}
		for _, uid := range users {
			items, err := m.Store.DigestItems(ctx, uid, day, cut)
			if err != nil {
				return sent, err
			}
			if len(items) == 0 {
				continue
			}
			if err := m.send(ctx, uid, fmt.Sprintf("digest:user:%d:%s", uid, day), items, true); err != nil {
				return sent, err
			}
			sent++
		}
		after = users[len(users)-1]
	}
}

// send queues the mail about items under key, if the user has an address
// and still wants mail, and marks the items mailed either way.
func (m *Mailer) send(ctx context.Context, userID int64, key string, items []*Item, digest bool) error {
	r, err := m.Store.FindRecipient(ctx, userID)
	if err != nil {
		return err
	}
	if r.Email != "" && r.Mail != SettingOff && m.Render != nil {
		shown := items[:min(len(items), MaxDigestItems)]
		subject, text, html, err := m.Render.RenderMail(r, shown, len(items)-len(shown), digest)
		if err != nil {
			return err
		}
		if err := m.Queue.EnqueueMail(ctx, Mail{Key: key, To: r.Email, Subject: subject, Text: text, HTML: html}); err != nil {
			return err
		}
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	return m.Store.MarkMailed(ctx, ids, m.Now())
}

func (m *Mailer) batch() int {
	if m.Batch <= 0 {
		return 200
	}
	return m.Batch
}
