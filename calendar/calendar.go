// Package calendar knows the working days of a Policy Desk installation
// in Kosovo: weekends, the public holidays the law fixes (builtin.go), the
// movable ones (both Easters, computed; both Eids, from a table), a
// holiday on a weekend made up by the next working day, and what an admin
// changed: one-off days off the government declares, and built-in days
// cancelled for one year (an Eid announced a day later than predicted is
// one cancellation and one day off). A round's due date is the Nth working
// day after it opened (DueDate).
//
// Dates are civil days held as midnight UTC, as timefmt.ParseDate returns
// them. The package is pure; Service reaches its admin entries through the
// Store it declares.
package calendar

import (
	"cmp"
	"slices"
	"time"

	"policydesk"
)

// Where a holiday comes from.
const (
	SourceBuiltin = "builtin"
	SourceAdmin   = "admin"
)

// Kinds of an admin's entry.
const (
	ChangeDayOff = "day_off" // a one-off day off
	ChangeCancel = "cancel"  // the built-in holiday of that date is not off that year
)

// MaxWorkingDays bounds a consultation period: a year of working days.
const MaxWorkingDays = 365

// Holiday is one non-working day besides weekends.
type Holiday struct {
	// Date is the day the holiday falls on.
	Date time.Time
	// Observed is the day off for it: Date, or the next working day when
	// Date is a Saturday or Sunday; zero when Cancelled.
	Observed time.Time
	// Key names a built-in holiday ("" for an admin's day off); Name is
	// the admin's name, or the built-in's English one.
	Key, Name string
	Source    string
	Cancelled bool
}

// Moved tells whether the day off is not the holiday's own date.
func (h Holiday) Moved() bool { return !h.Cancelled && !h.Observed.Equal(h.Date) }

// Change is an admin's entry for one date.
type Change struct {
	Date time.Time
	Kind string // ChangeDayOff or ChangeCancel
	Name string // the day off's name; "" for a cancellation
	By   string // the admin's login
	At   time.Time
}

// Date is the civil day y-m-d as the package holds it.
func Date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Day is the civil day t falls on in loc.
func Day(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return Date(y, m, d)
}

// Weekend tells whether d is a Saturday or Sunday.
func Weekend(d time.Time) bool { return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday }

// Calendar is the resolved calendar of the years FirstYear to LastYear
// under a set of admin entries.
type Calendar struct {
	holidays []Holiday // every year's, by date
	off      map[time.Time]bool
	changes  map[time.Time]Change
}

// New resolves the calendar with the admin's entries.
func New(changes []Change) *Calendar {
	c := &Calendar{off: map[time.Time]bool{}, changes: map[time.Time]Change{}}
	for _, ch := range changes {
		c.changes[ch.Date] = ch
	}
	// The years either side take part so that a holiday moved across New
	// Year's Eve, and the holidays it skips, are known.
	for y := FirstYear - 1; y <= LastYear+1; y++ {
		for _, h := range builtins(y) {
			if ch, ok := c.changes[h.Date]; ok && ch.Kind == ChangeCancel {
				h.Cancelled = true
			}
			c.holidays = append(c.holidays, h)
		}
	}
	for _, ch := range changes {
		if ch.Kind == ChangeDayOff {
			c.holidays = append(c.holidays, Holiday{Date: ch.Date, Name: ch.Name, Source: SourceAdmin})
		}
	}
	sortHolidays(c.holidays)
	c.observe()
	return c
}

// observe gives every holiday not cancelled its day off: its own date on a
// weekday, else the next day that is no weekend, no holiday's own date and
// no day off already given for another one. Holidays sharing a date share
// the day off.
func (c *Calendar) observe() {
	own := map[time.Time]bool{}
	for _, h := range c.holidays {
		if !h.Cancelled {
			own[h.Date] = true
		}
	}
	given := map[time.Time]time.Time{} // a weekend date -> its day off
	for i := range c.holidays {
		h := &c.holidays[i]
		switch {
		case h.Cancelled:
			continue
		case !Weekend(h.Date):
			h.Observed = h.Date
		case !given[h.Date].IsZero():
			h.Observed = given[h.Date]
		default:
			d := h.Date.AddDate(0, 0, 1)
			for Weekend(d) || own[d] || c.off[d] {
				d = d.AddDate(0, 0, 1)
			}
			h.Observed, given[h.Date] = d, d
		}
		c.off[h.Observed] = true
	}
}

func sortHolidays(hs []Holiday) {
	slices.SortStableFunc(hs, func(a, b Holiday) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return cmp.Compare(a.Source, b.Source) // built-in before an admin's
	})
}

// Holidays lists the year's holidays by date, cancelled ones included.
func (c *Calendar) Holidays(year int) []Holiday {
	out := []Holiday{}
	for _, h := range c.holidays {
		if h.Date.Year() == year {
			out = append(out, h)
		}
	}
	return out
}

// On lists the holidays that fall on d or are made up on d.
func (c *Calendar) On(d time.Time) []Holiday {
	out := []Holiday{}
	for _, h := range c.holidays {
		if h.Date.Equal(d) || h.Observed.Equal(d) {
			out = append(out, h)
		}
	}
	return out
}

// WorkingDay tells whether d is a working day.
func (c *Calendar) WorkingDay(d time.Time) bool { return !Weekend(d) && !c.off[d] }

// DueDate is the nth working day after from (from itself not counted), for
// n from 1 to MaxWorkingDays, within the years the calendar knows.
func (c *Calendar) DueDate(from time.Time, n int) (time.Time, error) {
	if n < 1 || n > MaxWorkingDays {
		return time.Time{}, policydesk.Errorf(policydesk.EInvalid, "The consultation period is 1 to %d working days; %d is not.", MaxWorkingDays, n).On("working_days")
	}
	if err := CheckYear(from); err != nil {
		return time.Time{}, err
	}
	d := from
	// Each step is one day and the walk stops at the end of LastYear, so
	// the loop is bounded whatever the admin entered.
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if d.Year() > LastYear {
			return time.Time{}, policydesk.Errorf(policydesk.EInvalid, "The due date falls after %d, beyond the years the calendar knows (%d to %d).", LastYear, FirstYear, LastYear).On("working_days")
		}
		if c.WorkingDay(d) {
			n--
		}
	}
	return d, nil
}

// CheckYear refuses a date outside the years the calendar knows.
func CheckYear(d time.Time) error {
	if d.Year() < FirstYear || d.Year() > LastYear {
		return policydesk.Errorf(policydesk.EInvalid, "The calendar knows the years %d to %d; %s is outside them.", FirstYear, LastYear, d.Format("02.01.2006"))
	}
	return nil
}
