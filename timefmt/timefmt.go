// Package timefmt writes and reads the dates and times people see: in the
// installation's time zone (Kosovo's, Europe/Belgrade, unless configured
// otherwise) as 30.11.2026 05:21, dates as 30.11.2026, and month names in
// Albanian, Serbian (Latin) and English where a month is written out.
// Storage and the API keep UTC RFC 3339; this package is only for people.
package timefmt

import (
	"errors"
	"fmt"
	"policydesk"
	"strings"
	"time"

	// The time zone database is compiled in, so a machine without
	// /usr/share/zoneinfo (a minimal container) still knows Kosovo's time.
	_ "time/tzdata"
)

// DefaultZone is Kosovo's time zone (CET/CEST, the same as Belgrade's).
const DefaultZone = "Europe/Belgrade"

const (
	dateTimeLayout = "02.01.2006 15:04"
	dateLayout     = "02.01.2006"
	isoLayout      = time.DateOnly
)

// The years ParseDate accepts: wide enough for any law's dates, narrow
// enough to catch a typed 20266 or 0026.
const (
	MinYear = 1900
	MaxYear = 2200
)

// LoadZone returns the named IANA time zone, with an error a person setting
// POLICYDESK_TIMEZONE understands.
func LoadZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = DefaultZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil || strings.EqualFold(name, "local") {
		return nil, fmt.Errorf("%q is not a time zone; give an IANA name such as %s (Kosovo) or UTC", name, DefaultZone)
	}
	return loc, nil
}

// Kosovo returns the default zone; it cannot fail because the zone
// database is compiled in.
func Kosovo() *time.Location {
	loc, err := time.LoadLocation(DefaultZone)
	if err != nil {
		panic("timefmt: the embedded time zone database lacks " + DefaultZone)
	}
	return loc
}

// Format writes t as 30.11.2026 05:21 in loc; the zero time is "".
func Format(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(dateTimeLayout)
}

// FormatDate writes the day t falls on in loc as 30.11.2026.
func FormatDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(dateLayout)
}

// ISODate writes a date returned by ParseDate as 2026-11-30 (for the API
// and storage).
func ISODate(d time.Time) string { return d.Format(isoLayout) }

// ShowISODate turns a stored 2026-11-30 into 30.11.2026; anything else is
// returned as it is, so an odd stored value is still shown.
func ShowISODate(s string) string {
	d, err := time.Parse(isoLayout, s)
	if err != nil {
		return s
	}
	return d.Format(dateLayout)
}

// ErrDate is wrapped by every error ParseDate returns.
var ErrDate = errors.New("not a date")

// dateError is a sentence for the person who typed the date (EInvalid,
// translated like every policydesk.Error) that is also ErrDate.
type dateError struct{ err *policydesk.Error }

func (e *dateError) Error() string   { return e.err.Message }
func (e *dateError) Unwrap() []error { return []error{e.err, ErrDate} }

// ParseDate reads a calendar date written dd.mm.yyyy, d.m.yyyy (a trailing
// dot is allowed, as Serbian writes 30.11.2026.) or ISO yyyy-mm-dd, with
// spaces around it ignored. The result is midnight UTC of that day. The
// errors are sentences: a wrong shape, an impossible day (31.02.2026) or a
// year outside MinYear..MaxYear.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, &dateError{policydesk.Errorf(policydesk.EInvalid, "Enter a date as dd.mm.yyyy, for example 30.11.2026.")}
	}
	if len(s) > 32 {
		s = s[:32] + "…"
	}
	day, month, year, ok := splitDate(s)
	if !ok {
		return time.Time{}, &dateError{policydesk.Errorf(policydesk.EInvalid, "%q is not a date; write it as dd.mm.yyyy, for example 30.11.2026.", s)}
	}
	if year < MinYear || year > MaxYear {
		return time.Time{}, &dateError{policydesk.Errorf(policydesk.EInvalid, "%q is outside the years %d to %d.", s, MinYear, MaxYear)}
	}
	if month < 1 || month > 12 {
		return time.Time{}, &dateError{policydesk.Errorf(policydesk.EInvalid, "%q does not exist: a year has 12 months.", s)}
	}
	last := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if day < 1 || day > last {
		return time.Time{}, &dateError{policydesk.Errorf(policydesk.EInvalid, "%q does not exist: %s %d has %d days.", s, time.Month(month), year, last)}
	}
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), nil
}

// splitDate splits d.m.yyyy (optionally ending in a dot) or yyyy-mm-dd into
// numbers, refusing every other shape.
func splitDate(s string) (day, month, year int, ok bool) {
	if parts := strings.Split(s, "-"); len(parts) == 3 {
		if len(parts[0]) != 4 || len(parts[1]) != 2 || len(parts[2]) != 2 {
			return 0, 0, 0, false
		}
		y, ok1 := digits(parts[0])
		m, ok2 := digits(parts[1])
		d, ok3 := digits(parts[2])
		return d, m, y, ok1 && ok2 && ok3
	}
	s = strings.TrimSuffix(s, ".")
	parts := strings.Split(s, ".")
	if len(parts) != 3 || len(parts[0]) > 2 || len(parts[1]) > 2 || len(parts[2]) != 4 {
		return 0, 0, 0, false
	}
	d, ok1 := digits(parts[0])
	m, ok2 := digits(parts[1])
	y, ok3 := digits(parts[2])
	return d, m, y, ok1 && ok2 && ok3
}

// digits reads a non-empty run of ASCII digits (no signs, no spaces).
func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// DayRange is the instants from the start of the day from to the start of
// the day after to, in loc: the bounds of "from 01.03.2026 to 31.03.2026"
// inclusive, correct on the days the clocks change. A zero from or to
// leaves that side open.
func DayRange(from, to time.Time, loc *time.Location) (start, end time.Time) {
	if !from.IsZero() {
		start = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	}
	if !to.IsZero() {
		end = time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, loc)
	}
	return start, end
}
