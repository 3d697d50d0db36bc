package calendar

import (
	"testing"
	"testing/quick"
	"time"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func iso(d time.Time) string { return d.Format(time.DateOnly) }

// find returns the year's holiday with key (built-in) or name (admin).
func find(t *testing.T, c *Calendar, year int, key string) Holiday {
	t.Helper()
	for _, h := range c.Holidays(year) {
		if h.Key == key || (h.Key == "" && h.Name == key) {
			return h
		}
	}
	t.Fatalf("%d has no holiday %q", year, key)
	return Holiday{}
}

func TestEasterDates(t *testing.T) {
	// Published dates of both Easters (Gregorian calendar).
	for _, c := range []struct {
		year               int
		catholic, orthodox string
	}{
		{2024, "2024-03-31", "2024-05-05"},
		{2025, "2025-04-20", "2025-04-20"},
		{2026, "2026-04-05", "2026-04-12"},
		{2027, "2027-03-28", "2027-05-02"},
		{2028, "2028-04-16", "2028-04-16"},
		{2030, "2030-04-21", "2030-04-28"},
		{2038, "2038-04-25", "2038-04-25"},
		{2040, "2040-04-01", "2040-05-06"},
	} {
		if got := iso(CatholicEasterDate(c.year)); got != c.catholic {
			t.Errorf("Catholic Easter %d = %s, want %s", c.year, got, c.catholic)
		}
		if got := iso(OrthodoxEasterDate(c.year)); got != c.orthodox {
			t.Errorf("Orthodox Easter %d = %s, want %s", c.year, got, c.orthodox)
		}
	}
	for y := FirstYear; y <= LastYear; y++ {
		if CatholicEasterDate(y).Weekday() != time.Sunday || OrthodoxEasterDate(y).Weekday() != time.Sunday {
			t.Errorf("an Easter of %d is not a Sunday", y)
		}
	}
}

func TestWeekendHolidaysMoveToTheNextWorkingDay(t *testing.T) {
	c := New(nil)
	for _, w := range []struct {
		year            int
		key, date, seen string
	}{
		{2026, EuropeDay, "2026-05-09", "2026-05-11"},       // a Saturday
		{2026, CatholicEaster, "2026-04-05", "2026-04-06"},  // Sunday to Monday
		{2026, OrthodoxEaster, "2026-04-12", "2026-04-13"},  // Sunday to Monday
		{2026, ConstitutionDay, "2026-04-09", "2026-04-09"}, // a Thursday stays
		{2026, EidAlFitr, "2026-03-20", "2026-03-20"},
		// 1 January 2028 is a Saturday, 2 January a Sunday: Monday 3 and
		// Tuesday 4 January are off.
		{2028, NewYear, "2028-01-01", "2028-01-03"},
		{2028, NewYearSecond, "2028-01-02", "2028-01-04"},
		// 2027: Saturday 2 January goes to Monday 4 January.
		{2027, NewYearSecond, "2027-01-02", "2027-01-04"},
		// 2025: both Easters on Sunday 20 April share Monday 21 April.
		{2025, CatholicEaster, "2025-04-20", "2025-04-21"},
		{2025, OrthodoxEaster, "2025-04-20", "2025-04-21"},
	} {
		h := find(t, c, w.year, w.key)
		if iso(h.Date) != w.date || iso(h.Observed) != w.seen {
			t.Errorf("%s %d: date %s observed %s, want %s observed %s", w.key, w.year, iso(h.Date), iso(h.Observed), w.date, w.seen)
		}
		if h.Moved() != (w.date != w.seen) {
			t.Errorf("%s %d: Moved() = %v", w.key, w.year, h.Moved())
		}
	}
	for _, d := range []string{"2026-05-11", "2026-04-06", "2026-04-13", "2028-01-03", "2028-01-04"} {
		if c.WorkingDay(day(d)) {
			t.Errorf("%s is a working day", d)
		}
	}
	for _, d := range []string{"2026-05-12", "2026-04-07", "2028-01-05", "2025-04-22"} {
		if !c.WorkingDay(day(d)) {
			t.Errorf("%s is not a working day", d)
		}
	}
}

func TestDueDate(t *testing.T) {
	c := New(nil)
	for _, w := range []struct {
		from string
		n    int
		due  string
	}{
		{"2026-11-30", 1, "2026-12-01"}, // Monday to Tuesday
		{"2026-11-27", 1, "2026-11-30"}, // Friday to Monday over the weekend
		{"2026-05-08", 1, "2026-05-12"}, // Friday; Monday 11 May is Europe Day's
		{"2026-04-02", 2, "2026-04-07"}, // Thu; Fri 3, then Easter Monday 6 off: Tue 7
		// The year boundary: Thu 31 Dec 2026, Fri 1 Jan off, Mon 4 Jan
		// (for Sat 2 Jan) off, Tue 5, Wed 6; Thu 7 Jan is Orthodox Christmas.
		{"2026-12-30", 3, "2027-01-06"},
		{"2026-12-30", 4, "2027-01-08"},
		{"2026-12-24", 1, "2026-12-28"},  // Fri 25 Dec off, weekend
		{"2026-01-01", 15, "2026-01-26"}, // 2 and 7 January off
	} {
		got, err := c.DueDate(day(w.from), w.n)
		if err != nil || iso(got) != w.due {
			t.Errorf("DueDate(%s, %d) = %s, %v; want %s", w.from, w.n, iso(got), err, w.due)
		}
	}
	for _, bad := range []struct {
		from string
		n    int
	}{{"2026-01-01", 0}, {"2026-01-01", -3}, {"2026-01-01", 366}, {"2023-12-31", 5}, {"2041-01-02", 1}, {"2040-12-20", 20}} {
		if _, err := c.DueDate(day(bad.from), bad.n); err == nil {
			t.Errorf("DueDate(%s, %d) did not fail", bad.from, bad.n)
		}
	}
}

func TestAdminDayOffAndCancellation(t *testing.T) {
	// Eid al-Fitr 2026 announced for Saturday 21 March instead of Friday
	// 20 March: cancel the predicted day, add the real one (a weekend day
	// off made up on Monday 23), and the government adds Tuesday 24 March.
	c := New([]Change{
		{Date: day("2026-03-20"), Kind: ChangeCancel},
		{Date: day("2026-03-24"), Kind: ChangeDayOff, Name: "Dita e deklaruar"},
	})
	eid := find(t, c, 2026, EidAlFitr)
	if !eid.Cancelled || !eid.Observed.IsZero() || eid.Moved() {
		t.Errorf("cancelled Eid: %+v", eid)
	}
	if !c.WorkingDay(day("2026-03-20")) {
		t.Error("20.03.2026 is still off after its holiday was cancelled")
	}
	added := find(t, c, 2026, "Dita e deklaruar")
	if added.Source != SourceAdmin || iso(added.Observed) != "2026-03-24" || c.WorkingDay(day("2026-03-24")) {
		t.Errorf("admin's day off: %+v", added)
	}
	if got, _ := c.DueDate(day("2026-03-19"), 2); iso(got) != "2026-03-23" {
		t.Errorf("DueDate over the changed days = %s, want 2026-03-23", iso(got))
	}
	if got, _ := c.DueDate(day("2026-03-23"), 1); iso(got) != "2026-03-25" {
		t.Errorf("DueDate over the admin's day = %s, want 2026-03-25", iso(got))
	}
	// A cancelled holiday frees the day another moved holiday would skip:
	// with 2 January 2027 cancelled, nothing is made up on Monday 4.
	c = New([]Change{{Date: day("2027-01-02"), Kind: ChangeCancel}})
	if !c.WorkingDay(day("2027-01-04")) {
		t.Error("04.01.2027 is off although the holiday it made up for is cancelled")
	}
}

func TestEidTableIsInRange(t *testing.T) {
	for key, dates := range eidDates {
		years := map[int]bool{}
		for _, s := range dates {
			d := day(s)
			if d.Year() < FirstYear || d.Year() > LastYear {
				t.Errorf("%s %s is outside %d-%d", key, s, FirstYear, LastYear)
			}
			years[d.Year()] = true
		}
		for y := FirstYear; y <= LastYear; y++ {
			if !years[y] {
				t.Errorf("%s has no date in %d", key, y)
			}
		}
	}
}

// The due date is always a working day, after from, and strictly later
// for a longer period, under any admin entries.
func TestDueDateProperties(t *testing.T) {
	span := Date(LastYear-1, time.January, 1).Sub(Date(FirstYear, time.January, 1)).Hours() / 24
	prop := func(offset uint16, n1, n2 uint16, offs []uint16, cancels []uint8) bool {
		base := Date(FirstYear, time.January, 1)
		var changes []Change
		for _, o := range offs {
			changes = append(changes, Change{Date: base.AddDate(0, 0, int(o)%int(span)), Kind: ChangeDayOff, Name: "x"})
		}
		all := New(nil).holidays
		for _, i := range cancels {
			changes = append(changes, Change{Date: all[int(i)%len(all)].Date, Kind: ChangeCancel})
		}
		c := New(changes)
		from := base.AddDate(0, 0, int(offset)%int(span))
		a, b := int(n1)%MaxWorkingDays+1, int(n2)%MaxWorkingDays+1
		if a > b {
			a, b = b, a
		}
		da, err1 := c.DueDate(from, a)
		db, err2 := c.DueDate(from, b)
		if err1 != nil || err2 != nil {
			t.Logf("DueDate failed: %v %v", err1, err2)
			return false
		}
		return c.WorkingDay(da) && c.WorkingDay(db) && da.After(from) && (a == b) == da.Equal(db) && !db.Before(da)
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 300}); err != nil {
		t.Error(err)
	}
}
