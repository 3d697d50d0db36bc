package notify

import (
	"context"
	"slices"
	"testing"
	"time"

	"policydesk"
	"policydesk/calendar"
	"policydesk/drafts"
)

// remindStore is the part of InboxStore the reminders use, in memory.
type remindStore struct {
	InboxStore
	position int64
	items    map[string]*Item
}

func (s *remindStore) ClaimFollower(_ context.Context, name, _ string, _ time.Time, _ time.Duration) (int64, error) {
	if name != remindersFollower {
		panic(name)
	}
	return s.position, nil
}

func (s *remindStore) AddInboxItems(_ context.Context, _, _ string, _ time.Time, from, to int64, items []*Item) error {
	if from != s.position {
		return policydesk.Errorf(policydesk.EConflict, "moved")
	}
	s.position = to
	for _, it := range items {
		if s.items[it.Key] == nil {
			s.items[it.Key] = it
		}
	}
	return nil
}

func (s *remindStore) FindRecipient(_ context.Context, id int64) (*Recipient, error) {
	return &Recipient{UserID: id, Mail: SettingImmediately}, nil
}

type dueRounds []UnfinishedReviewer

func (d dueRounds) FindUnfinishedReviewers(_ context.Context, upto string) ([]UnfinishedReviewer, error) {
	var out []UnfinishedReviewer
	for _, u := range d {
		if u.Due <= upto {
			out = append(out, u)
		}
	}
	return out, nil
}

type everyoneReads struct{}

func (everyoneReads) FindUserByID(_ context.Context, id int64) (*policydesk.User, error) {
	return &policydesk.User{ID: id, Role: policydesk.RoleReviewer}, nil
}
func (everyoneReads) FindUserByLogin(context.Context, string) (*policydesk.User, error) {
	return nil, policydesk.Errorf(policydesk.ENotFound, "no")
}
func (everyoneReads) FindDocumentAs(_ context.Context, id, userID int64) (*drafts.Document, string, error) {
	if userID == 99 { // no longer shared with this reviewer
		return &drafts.Document{ID: id, Visibility: "restricted", CreatedBy: 1}, "", nil
	}
	return &drafts.Document{ID: id, Visibility: "restricted", CreatedBy: 1}, "reviewer", nil
}
func (everyoneReads) FindMembers(context.Context, int64) ([]*drafts.Member, error) { return nil, nil }

type fixedCalendar struct{ changes []calendar.Change }

func (f fixedCalendar) Calendar(context.Context) (*calendar.Calendar, error) {
	return calendar.New(f.changes), nil
}

// TestReminders: with a fake clock across a week of Kosovo's calendar,
// reviewers who are not done are reminded once when their round is due
// within three working days and once when it is overdue; nobody on a
// weekend or before 08:00; a day is reminded once however often the job
// runs; an extended round (a new due date) reminds again; a reviewer who
// may no longer read the document is not reminded.
func TestReminders(t *testing.T) {
	zone, _ := time.LoadLocation("Europe/Belgrade")
	store := &remindStore{items: map[string]*Item{}}
	rounds := dueRounds{
		{DocumentID: 7, Round: 1, Due: "2026-12-04", UserID: 3}, // Friday
		{DocumentID: 7, Round: 1, Due: "2026-12-04", UserID: 99},
		{DocumentID: 8, Round: 2, Due: "2026-12-15", UserID: 3},
	}
	now := time.Date(2026, 11, 30, 7, 59, 0, 0, zone) // Monday, before 08:00
	r := &Reminders{Store: store, Rounds: &rounds, Sources: Sources{Users: everyoneReads{}, Documents: everyoneReads{}},
		Calendar: fixedCalendar{}, Zone: zone, Holder: "a", Lease: time.Minute, SoonDays: 3, RemindAt: 8, Now: func() time.Time { return now }}
	step := func(at time.Time) int {
		t.Helper()
		now = at
		n, err := r.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	keys := func() []string {
		var ks []string
		for k := range store.items {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	day := func(d, h int) time.Time { return time.Date(2026, 12, d, h, 0, 0, 0, zone) }

	if n := step(now); n != 0 {
		t.Errorf("before 08:00: %d reminders", n)
	}
	// Monday 30.11 at 08:00: Friday 04.12 is the 4th working day, not yet.
	if n := step(time.Date(2026, 11, 30, 8, 0, 0, 0, zone)); n != 0 {
		t.Errorf("Monday: %d reminders, want none (due on the fourth working day)", n)
	}
	// Tuesday 01.12: due on the third working day: reminded, once.
	if n := step(day(1, 9)); n != 1 || step(day(1, 15)) != 0 {
		t.Errorf("Tuesday: %d reminders, want 1 and none on a second run: %v", n, keys())
	}
	step(day(2, 9))
	step(day(3, 9))
	step(day(4, 9))
	// Saturday: the round is overdue, but nobody is reminded on a day off.
	if n := step(day(5, 9)); n != 0 {
		t.Errorf("Saturday: %d reminders", n)
	}
	// Monday 07.12: overdue, once.
	if n := step(day(7, 9)); n != 1 {
		t.Errorf("Monday after the due date: %d reminders, want the overdue one: %v", n, keys())
	}
	// The round is extended to Wednesday 09.12: reminded again (due soon),
	// then overdue again on Thursday.
	rounds[0].Due = "2026-12-09"
	step(day(8, 9))
	step(day(10, 9))
	want := []string{
		"reminder:round_due_soon:7:1:2026-12-04:user:3",
		"reminder:round_due_soon:7:1:2026-12-09:user:3",
		"reminder:round_due_soon:8:2:2026-12-15:user:3",
		"reminder:round_overdue:7:1:2026-12-04:user:3",
		"reminder:round_overdue:7:1:2026-12-09:user:3",
	}
	if got := keys(); !slices.Equal(got, want) {
		t.Errorf("reminders\n got %v\nwant %v", got, want)
	}
	for _, it := range store.items {
		if it.UserID == 99 {
			t.Errorf("a reviewer who may not read the document was reminded: %s", it.Key)
		}
		if it.Mail != itemMailNow || it.Round == 0 || it.DocumentID == 0 {
			t.Errorf("item %s: %+v", it.Key, it)
		}
	}
}
