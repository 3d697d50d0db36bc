package storetest

import (
	"context"
	"testing"
	"time"

	"policydesk"
	"policydesk/calendar"
)

func init() {
	cases = append(cases,
		struct {
			name string
			test func(*testing.T, Opener)
		}{"Calendar_Changes", testCalendar_Changes},
		struct {
			name string
			test func(*testing.T, Opener)
		}{"Calendar_ServiceOverStore", testCalendar_ServiceOverStore})
}

func calDay(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// testCalendar_Changes: the calendar's admin entries are written, replaced
// (one per date), listed by date within a range and removed only by their
// kind, each with its audit entry in the same transaction; a removal of
// nothing is ENotFound and writes no audit entry; the schema refuses an
// unnamed day off.
func testCalendar_Changes(t *testing.T, open Opener) {
	ctx := context.Background()
	b := open(t)
	db := b.DB
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	audit := func(action, id string) *policydesk.AuditEntry {
		return &policydesk.AuditEntry{At: at, Actor: "admin", Action: action, ObjectType: "calendar", ObjectID: id}
	}
	for _, c := range []calendar.Change{
		{Date: calDay("2026-12-31"), Kind: calendar.ChangeDayOff, Name: "Viti i Ri (ditë e shtuar)", By: "admin", At: at},
		{Date: calDay("2026-03-20"), Kind: calendar.ChangeCancel, By: "admin", At: at},
		{Date: calDay("2027-01-05"), Kind: calendar.ChangeDayOff, Name: "Later", By: "admin", At: at},
	} {
		if err := db.PutCalendarChange(ctx, c, audit(calendar.ActionAdd, c.Date.Format(time.DateOnly))); err != nil {
			t.Fatal(err)
		}
	}
	// Replacing the entry of a date.
	if err := db.PutCalendarChange(ctx, calendar.Change{Date: calDay("2026-12-31"), Kind: calendar.ChangeDayOff, Name: "Renamed", By: "besa", At: at},
		audit(calendar.ActionAdd, "2026-12-31")); err != nil {
		t.Fatal(err)
	}
	got, err := db.CalendarChanges(ctx, calDay("2026-01-01"), calDay("2026-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Date != calDay("2026-03-20") || got[0].Kind != calendar.ChangeCancel ||
		got[1].Name != "Renamed" || got[1].By != "besa" || !got[1].At.Equal(at) {
		t.Fatalf("2026's entries: %+v", got)
	}
	// A removal of the wrong kind finds nothing and writes nothing.
	_, before, _ := db.FindAudit(ctx, policydesk.AuditFilter{Limit: 1})
	err = db.DeleteCalendarChange(ctx, calDay("2026-03-20"), calendar.ChangeDayOff, audit(calendar.ActionRemove, "2026-03-20"))
	if policydesk.ErrorCode(err) != policydesk.ENotFound {
		t.Fatalf("removing a day off where there is a cancellation: %v", err)
	}
	if _, after, _ := db.FindAudit(ctx, policydesk.AuditFilter{Limit: 1}); after != before {
		t.Fatalf("a refused removal wrote an audit entry (%d, then %d)", before, after)
	}
	if err := db.DeleteCalendarChange(ctx, calDay("2026-03-20"), calendar.ChangeCancel, audit(calendar.ActionRestore, "2026-03-20")); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.CalendarChanges(ctx, calDay("2026-01-01"), calDay("2027-12-31")); len(got) != 2 {
		t.Fatalf("after the removal: %+v", got)
	}
	entries, _, err := db.FindAudit(ctx, policydesk.AuditFilter{ObjectType: "calendar", Limit: 10})
	if err != nil || len(entries) != 5 || entries[0].Action != calendar.ActionRestore {
		t.Fatalf("audit entries: %d, %v", len(entries), err)
	}
	if _, err := b.Raw.ExecContext(ctx, `INSERT INTO calendar_days (day, kind, name, created_at) VALUES ('2026-06-01', 'day_off', '', 'x')`); err == nil {
		t.Fatal("the schema took a day off without a name")
	}
}

// testCalendar_ServiceOverStore: an admin's changes through the calendar
// service reach the due dates and the holiday list of a fresh service over
// the same database; a non-admin changes nothing.
func testCalendar_ServiceOverStore(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t).DB
	admin := policydesk.NewContextWithUser(ctx, &policydesk.User{ID: 1, Login: "admin", Role: policydesk.RoleAdmin})
	editor := policydesk.NewContextWithUser(ctx, &policydesk.User{ID: 2, Login: "ana", Role: policydesk.RoleEditor})
	svc := calendar.NewService(db)
	if err := svc.SetDayOff(editor, calDay("2026-12-31"), "Nope"); policydesk.ErrorCode(err) != policydesk.EForbidden {
		t.Fatalf("an editor's day off: %v", err)
	}
	if err := svc.SetDayOff(admin, calDay("2026-12-31"), "Dita e fundit"); err != nil {
		t.Fatal(err)
	}
	if err := svc.Remove(admin, calDay("2026-05-09")); err != nil { // Europe Day, cancelled
		t.Fatal(err)
	}
	fresh := calendar.NewService(db)
	if due, err := fresh.DueDate(ctx, calDay("2026-12-30"), 1); err != nil || due != calDay("2027-01-05") {
		t.Fatalf("due after 30.12.2026: %v, %v (31 December is off, then 1, 4 January)", due, err)
	}
	if due, err := fresh.DueDate(ctx, calDay("2026-05-08"), 1); err != nil || due != calDay("2026-05-11") {
		t.Fatalf("due after 08.05.2026 with Europe Day cancelled: %v, %v", due, err)
	}
	hs, err := fresh.Holidays(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	var cancelled, added bool
	for _, h := range hs {
		cancelled = cancelled || h.Key == calendar.EuropeDay && h.Cancelled
		added = added || h.Source == calendar.SourceAdmin && h.Name == "Dita e fundit"
	}
	if !cancelled || !added {
		t.Fatalf("2026's holidays lack the changes: %+v", hs)
	}
}
