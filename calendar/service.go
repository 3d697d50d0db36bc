package calendar

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"policydesk"
)

// Store keeps the admin's entries, at most one per date.
type Store interface {
	// CalendarChanges lists the entries dated from to to, both included,
	// by date.
	CalendarChanges(ctx context.Context, from, to time.Time) ([]Change, error)
	// PutCalendarChange writes c, replacing the entry of its date, and
	// appends audit in the same transaction.
	PutCalendarChange(ctx context.Context, c Change, audit *policydesk.AuditEntry) error
	// DeleteCalendarChange removes the entry of kind on date and appends
	// audit in the same transaction; ENotFound when there is none.
	DeleteCalendarChange(ctx context.Context, date time.Time, kind string, audit *policydesk.AuditEntry) error
}

// MaxNameRunes bounds a day off's name.
const MaxNameRunes = 100

// Audit actions of the calendar (object type "calendar", id the ISO date).
const (
	ActionAdd     = "calendar.add"     // a day off added or renamed
	ActionRemove  = "calendar.remove"  // an admin's day off removed
	ActionCancel  = "calendar.cancel"  // a built-in holiday cancelled for its year
	ActionRestore = "calendar.restore" // a cancellation lifted
)

// Service answers due dates and holidays for everyone and lets admins
// change the calendar.
type Service struct {
	Store Store
	// Now is the clock of audit entries; nil is time.Now.
	Now func() time.Time
}

// NewService returns the calendar over store.
func NewService(store Store) *Service { return &Service{Store: store} }

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Calendar resolves the calendar with the admin's entries as they are now.
func (s *Service) Calendar(ctx context.Context) (*Calendar, error) {
	changes, err := s.Store.CalendarChanges(ctx, Date(FirstYear-1, time.January, 1), Date(LastYear+1, time.December, 31))
	if err != nil {
		return nil, err
	}
	return New(changes), nil
}

// DueDate is the nth working day after from.
func (s *Service) DueDate(ctx context.Context, from time.Time, n int) (time.Time, error) {
	c, err := s.Calendar(ctx)
	if err != nil {
		return time.Time{}, err
	}
	return c.DueDate(from, n)
}

// Holidays lists the year's holidays besides weekends, cancelled ones
// included.
func (s *Service) Holidays(ctx context.Context, year int) ([]Holiday, error) {
	if err := CheckYear(Date(year, time.January, 1)); err != nil {
		return nil, err
	}
	c, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	return c.Holidays(year), nil
}

// Day is what the calendar says of one date: the holidays on it or made up
// on it, and whether it is a working day.
func (s *Service) Day(ctx context.Context, d time.Time) ([]Holiday, bool, error) {
	if err := CheckYear(d); err != nil {
		return nil, false, err
	}
	c, err := s.Calendar(ctx)
	if err != nil {
		return nil, false, err
	}
	return c.On(d), c.WorkingDay(d), nil
}

// SetDayOff makes d a day off named name (admins only). On the date of a
// built-in holiday cancelled for its year it lifts the cancellation
// instead (the name is then not needed). A weekend, an active holiday's
// date or a day already off in place of one are refused: nothing to add.
func (s *Service) SetDayOff(ctx context.Context, d time.Time, name string) error {
	c, err := s.adminCalendar(ctx, d)
	if err != nil {
		return err
	}
	if ch, ok := c.changes[d]; ok && ch.Kind == ChangeCancel {
		return s.restore(ctx, c, d)
	}
	name, err = checkName(name)
	if err != nil {
		return err
	}
	if Weekend(d) {
		return policydesk.Errorf(policydesk.EInvalid, "%s falls on a weekend, which is not a working day anyway; enter the weekday that is off.", show(d)).On("date")
	}
	for _, h := range c.On(d) {
		switch {
		case h.Source == SourceBuiltin && h.Date.Equal(d):
			return policydesk.Errorf(policydesk.EConflict, "%s is already a public holiday.", show(d)).On("date")
		case h.Observed.Equal(d) && !h.Date.Equal(d):
			return policydesk.Errorf(policydesk.EConflict, "%s is already a day off in place of a holiday on a weekend.", show(d)).On("date")
		}
	}
	return s.Store.PutCalendarChange(ctx, s.change(ctx, d, ChangeDayOff, name), s.audit(ctx, ActionAdd, d, name))
}

// Restore lifts the cancellation of the built-in holiday on d (admins
// only); EConflict when it is not cancelled.
func (s *Service) Restore(ctx context.Context, d time.Time) error {
	c, err := s.adminCalendar(ctx, d)
	if err != nil {
		return err
	}
	if ch, ok := c.changes[d]; !ok || ch.Kind != ChangeCancel {
		return policydesk.Errorf(policydesk.EConflict, "No holiday on %s is cancelled.", show(d)).On("date")
	}
	return s.restore(ctx, c, d)
}

func (s *Service) restore(ctx context.Context, c *Calendar, d time.Time) error {
	return s.Store.DeleteCalendarChange(ctx, d, ChangeCancel, s.audit(ctx, ActionRestore, d, builtinNames(c, d)))
}

// Remove makes d a working day again (admins only): an admin's day off is
// removed, a built-in holiday is cancelled for that year.
func (s *Service) Remove(ctx context.Context, d time.Time) error {
	c, err := s.adminCalendar(ctx, d)
	if err != nil {
		return err
	}
	if ch, ok := c.changes[d]; ok {
		if ch.Kind == ChangeCancel {
			return policydesk.Errorf(policydesk.EConflict, "The holiday on %s is already cancelled for that year.", show(d)).On("date")
		}
		return s.Store.DeleteCalendarChange(ctx, d, ChangeDayOff, s.audit(ctx, ActionRemove, d, ch.Name))
	}
	names := builtinNames(c, d)
	if len(names) == 0 {
		return policydesk.Errorf(policydesk.ENotFound, "There is no holiday or day off on %s.", show(d)).On("date")
	}
	return s.Store.PutCalendarChange(ctx, s.change(ctx, d, ChangeCancel, ""), s.audit(ctx, ActionCancel, d, names))
}

// builtinNames are the names of the built-in holidays on date d (none
// when there are none), for the audit log.
func builtinNames(c *Calendar, d time.Time) policydesk.WordList {
	var names policydesk.WordList
	for _, h := range c.On(d) {
		if h.Source == SourceBuiltin && h.Date.Equal(d) {
			names = append(names, BuiltinNames[h.Key])
		}
	}
	return names
}

// adminCalendar is the calendar as it is, for an admin about to change
// date d; anyone else is refused, and so is a date outside the years.
func (s *Service) adminCalendar(ctx context.Context, d time.Time) (*Calendar, error) {
	if !policydesk.IsAdmin(policydesk.UserFromContext(ctx)) {
		return nil, policydesk.Errorf(policydesk.EForbidden, "Only admins change the calendar.")
	}
	if err := CheckYear(d); err != nil {
		return nil, policydesk.OnField("date", err)
	}
	return s.Calendar(ctx)
}

// change is the entry of kind on d by the user in ctx, now.
func (s *Service) change(ctx context.Context, d time.Time, kind, name string) Change {
	ch := Change{Date: d, Kind: kind, Name: name, At: s.now().UTC()}
	if u := policydesk.UserFromContext(ctx); u != nil {
		ch.By = u.Login
	}
	return ch
}

// audit is the entry of action on d; detail is the day off's name as
// entered, or the built-in holidays' names (a WordList).
func (s *Service) audit(ctx context.Context, action string, d time.Time, detail any) *policydesk.AuditEntry {
	return policydesk.NewAuditEntry(ctx, s.now(), action, "calendar", d.Format(time.DateOnly), "%s", detail)
}

// checkName trims a day off's name and refuses an empty, long or
// control-character one.
func checkName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", policydesk.Errorf(policydesk.EInvalid, "A day off needs a name.").On("name")
	case !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "", policydesk.Errorf(policydesk.EInvalid, "A name is one line of text.").On("name")
	case utf8.RuneCountInString(name) > MaxNameRunes:
		return "", policydesk.Errorf(policydesk.EInvalid, "A name has at most %d characters.", MaxNameRunes).On("name")
	}
	return name, nil
}

func show(d time.Time) string { return d.Format("02.01.2006") }
