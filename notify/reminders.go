package notify

import (
	"context"
	"fmt"
	"time"

	"policydesk"
	"policydesk/calendar"
	"policydesk/timefmt"
)

// Kinds of the reminders' inbox items.
const (
	KindRoundDueSoon = "round_due_soon" // a round I review is due within SoonDays working days
	KindRoundOverdue = "round_overdue"  // a round I review is past its due date and I am not done
)

// UnfinishedReviewer is a reviewer of an open round who has not said they
// are done.
type UnfinishedReviewer struct {
	DocumentID int64
	Round      int
	Due        string // YYYY-MM-DD
	UserID     int64
}

// DueRounds finds who still has to finish reviewing.
type DueRounds interface {
	// FindUnfinishedReviewers returns the reviewers, not done, of the
	// open rounds due on or before upto (YYYY-MM-DD).
	FindUnfinishedReviewers(ctx context.Context, upto string) ([]UnfinishedReviewer, error)
}

// Reminders tells reviewers, once a working day after RemindAt o'clock in
// the installation's time zone, of the rounds they review that are due
// within SoonDays working days and of those past their due date. Each
// reminder is an inbox item (mailed like any other, in its recipient's
// language and setting) whose key names the round's due date, so a
// reviewer is reminded once per due date of each: an extended round
// reminds again. The day reminded last is kept as a follower's position
// ("reminders"), moved in the same transaction as the items, so replicas
// and restarts remind once.
type Reminders struct {
	Store    InboxStore
	Rounds   DueRounds
	Sources  Sources
	Calendar interface {
		Calendar(ctx context.Context) (*calendar.Calendar, error)
	}
	Zone     *time.Location
	Holder   string
	Lease    time.Duration
	SoonDays int
	RemindAt int // the hour
	Now      func() time.Time
}

// remindersFollower is the follower row whose position is the day last
// reminded, as yyyymmdd.
const remindersFollower = "reminders"

// NewReminders returns reminders three working days ahead, at 08:00.
func NewReminders(store InboxStore, rounds DueRounds, src Sources, cal interface {
	Calendar(ctx context.Context) (*calendar.Calendar, error)
}, zone *time.Location, holder string) *Reminders {
	return &Reminders{Store: store, Rounds: rounds, Sources: src, Calendar: cal, Zone: zone, Holder: holder,
		Lease: 30 * time.Second, SoonDays: 3, RemindAt: 8, Now: time.Now}
}

// Step reminds for today once it is time and returns how many items it
// added; EConflict when another replica holds the reminders.
func (r *Reminders) Step(ctx context.Context) (int, error) {
	now := r.Now()
	if now.In(r.Zone).Hour() < r.RemindAt {
		return 0, nil
	}
	today := calendar.Day(now, r.Zone)
	day := int64(today.Year()*10000 + int(today.Month())*100 + today.Day())
	pos, err := r.Store.ClaimFollower(ctx, remindersFollower, r.Holder, now, r.Lease)
	if err != nil || pos >= day {
		return 0, err
	}
	cal, err := r.Calendar.Calendar(ctx)
	if err != nil {
		return 0, err
	}
	var items []*Item
	if cal.WorkingDay(today) { // nobody is reminded on a day off
		if items, err = r.itemsFor(ctx, cal, today, now); err != nil {
			return 0, err
		}
	}
	return len(items), r.Store.AddInboxItems(ctx, remindersFollower, r.Holder, now, pos, day, items)
}

// itemsFor are today's reminders.
func (r *Reminders) itemsFor(ctx context.Context, cal *calendar.Calendar, today, now time.Time) ([]*Item, error) {
	soon, err := cal.DueDate(today, r.SoonDays)
	if err != nil {
		return nil, err
	}
	due, err := r.Rounds.FindUnfinishedReviewers(ctx, timefmt.ISODate(soon))
	if err != nil {
		return nil, err
	}
	var items []*Item
	for _, u := range due {
		kind := KindRoundDueSoon
		if u.Due < timefmt.ISODate(today) {
			kind = KindRoundOverdue
		}
		ok, err := r.mayRead(ctx, u)
		if err != nil {
			return nil, err
		} else if !ok {
			continue
		}
		rcpt, err := r.Store.FindRecipient(ctx, u.UserID)
		if err != nil {
			return nil, err
		}
		items = append(items, &Item{Key: fmt.Sprintf("reminder:%s:%d:%d:%s:user:%d", kind, u.DocumentID, u.Round, u.Due, u.UserID),
			UserID: u.UserID, Kind: kind, DocumentID: u.DocumentID, Round: u.Round, At: now, Mail: itemMail(rcpt.Mail)})
	}
	return items, nil
}

// mayRead tells whether the reviewer may still read the round's document.
func (r *Reminders) mayRead(ctx context.Context, u UnfinishedReviewer) (bool, error) {
	user, err := r.Sources.Users.FindUserByID(ctx, u.UserID)
	if err != nil {
		return false, err
	}
	doc, role, err := r.Sources.Documents.FindDocumentAs(ctx, u.DocumentID, u.UserID)
	if policydesk.ErrorCode(err) == policydesk.ENotFound {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return policydesk.Policy(user, doc, role).Read, nil
}
