package calendar

import (
	"time"

	"policydesk"
)

// What the built-in holidays rely on. Kosovo's Law No. 03/L-064 on Official
// Holidays in the Republic of Kosovo (2008), as we read it (the context
// documents in /work/shared/context say nothing on holidays; a lawyer
// should confirm this list against the law as amended):
//
//   - official holidays: New Year (1 and 2 January), Independence Day
//     (17 February), Constitution Day (9 April), International Labour Day
//     (1 May), Europe Day (9 May);
//   - religious holidays that are days off for everyone: Orthodox Christmas
//     (7 January), Catholic Christmas (25 December), Catholic Easter,
//     Orthodox Easter, Eid al-Fitr (Fitër Bajrami) and Eid al-Adha (Kurban
//     Bajrami), each its first day;
//   - a holiday that falls on a weekend is made up by the next working day,
//     which the government announces every year. We apply it to Saturdays
//     and Sundays alike (the practice of the government's announcements),
//     and a holiday is made up once per date: two holidays on one Sunday
//     (both Easters in 2025) give one Monday off; a further day the
//     government declares is entered by an admin.
//
// Both Easters are Sundays, so each is observed on the Monday after it.

// Keys of the built-in holidays; the pages name them from the catalogs
// ("calendar.holiday.<key>").
const (
	NewYear           = "new_year"
	NewYearSecond     = "new_year_2"
	OrthodoxChristmas = "orthodox_christmas"
	IndependenceDay   = "independence_day"
	ConstitutionDay   = "constitution_day"
	LabourDay         = "labour_day"
	EuropeDay         = "europe_day"
	CatholicChristmas = "catholic_christmas"
	CatholicEaster    = "catholic_easter"
	OrthodoxEaster    = "orthodox_easter"
	EidAlFitr         = "eid_al_fitr"
	EidAlAdha         = "eid_al_adha"
)

// BuiltinKeys are the keys of every built-in holiday.
var BuiltinKeys = []string{NewYear, NewYearSecond, OrthodoxChristmas, IndependenceDay, ConstitutionDay,
	LabourDay, EuropeDay, CatholicChristmas, CatholicEaster, OrthodoxEaster, EidAlFitr, EidAlAdha}

// BuiltinNames are the built-in holidays' names in English, as Words: the
// audit log's details say them in its reader's language.
var BuiltinNames = map[string]policydesk.Words{
	NewYear: policydesk.Say("New Year"), NewYearSecond: policydesk.Say("New Year (second day)"),
	OrthodoxChristmas: policydesk.Say("Orthodox Christmas"), IndependenceDay: policydesk.Say("Independence Day"),
	ConstitutionDay: policydesk.Say("Constitution Day"), LabourDay: policydesk.Say("International Labour Day"),
	EuropeDay: policydesk.Say("Europe Day"), CatholicChristmas: policydesk.Say("Catholic Christmas"),
	CatholicEaster: policydesk.Say("Catholic Easter"), OrthodoxEaster: policydesk.Say("Orthodox Easter"),
	EidAlFitr: policydesk.Say("Eid al-Fitr"), EidAlAdha: policydesk.Say("Eid al-Adha"),
}

// The years the calendar knows: the Eid table below covers them. Dates
// outside are refused rather than computed without the two Eids.
const (
	FirstYear = 2024
	LastYear  = 2040
)

type monthDay struct {
	m time.Month
	d int
}

var fixed = []struct {
	at  monthDay
	key string
}{
	{monthDay{time.January, 1}, NewYear},
	{monthDay{time.January, 2}, NewYearSecond},
	{monthDay{time.January, 7}, OrthodoxChristmas},
	{monthDay{time.February, 17}, IndependenceDay},
	{monthDay{time.April, 9}, ConstitutionDay},
	{monthDay{time.May, 1}, LabourDay},
	{monthDay{time.May, 9}, EuropeDay},
	{monthDay{time.December, 25}, CatholicChristmas},
}

// eidDates are the expected first days of Eid al-Fitr (1 Shawwal) and Eid
// al-Adha (10 Dhu al-Hijjah) by the Umm al-Qura astronomical calendar, as
// tabulated by the python-holidays project (holidays/calendars/islamic.py,
// MIT). The Islamic Community of Kosovo sets the day by the moon and the
// government announces it shortly before; it may differ by a day, and then
// an admin cancels the predicted day here and adds the announced one.
// 2033 and 2039 have two of one feast.
var eidDates = map[string][]string{
	EidAlFitr: {"2024-04-10", "2025-03-30", "2026-03-20", "2027-03-09", "2028-02-26", "2029-02-14",
		"2030-02-04", "2031-01-24", "2032-01-14", "2033-01-02", "2033-12-23", "2034-12-12", "2035-12-01",
		"2036-11-19", "2037-11-08", "2038-10-29", "2039-10-19", "2040-10-07"},
	EidAlAdha: {"2024-06-16", "2025-06-06", "2026-05-27", "2027-05-16", "2028-05-05", "2029-04-24",
		"2030-04-13", "2031-04-02", "2032-03-22", "2033-03-11", "2034-03-01", "2035-02-18", "2036-02-07",
		"2037-01-26", "2038-01-16", "2039-01-05", "2039-12-26", "2040-12-14"},
}

// builtins are the built-in holidays falling in year, by date (not yet
// moved off weekends).
func builtins(year int) []Holiday {
	var out []Holiday
	add := func(d time.Time, key string) {
		out = append(out, Holiday{Date: d, Key: key, Name: BuiltinNames[key].String(), Source: SourceBuiltin})
	}
	for _, f := range fixed {
		add(Date(year, f.at.m, f.at.d), f.key)
	}
	add(CatholicEasterDate(year), CatholicEaster)
	add(OrthodoxEasterDate(year), OrthodoxEaster)
	for _, key := range []string{EidAlFitr, EidAlAdha} {
		for _, s := range eidDates[key] {
			if d, _ := time.Parse(time.DateOnly, s); d.Year() == year {
				add(d, key)
			}
		}
	}
	sortHolidays(out)
	return out
}

// CatholicEasterDate is Easter Sunday in the Gregorian calendar (the
// anonymous Gregorian computus, as given by Meeus, Astronomical
// Algorithms, ch. 8).
func CatholicEasterDate(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date(year, time.Month(month), day)
}

// OrthodoxEasterDate is Easter Sunday by the Julian computus (Meeus,
// ch. 8), converted to the Gregorian date: the Julian calendar is behind
// by year/100 - year/400 - 2 days (13 days in 1900-2099).
func OrthodoxEasterDate(year int) time.Time {
	a, b, c := year%4, year%7, year%19
	d := (19*c + 15) % 30
	e := (2*a + 4*b - d + 34) % 7
	month := (d + e + 114) / 31
	day := (d+e+114)%31 + 1
	shift := year/100 - year/400 - 2
	return Date(year, time.Month(month), day+shift)
}
