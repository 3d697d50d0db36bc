package web

import (
	"regexp"

	"policydesk/calendar"
)

// The calendar's words: the built-in holidays' catalog keys, its audit
// actions and the sentences of its refusals, added to the package's tables
// (auditActionIDs, auditObjectTypes, domainSentences) here so that the
// calendar keeps to its own files.

// holidayKeys are the catalog keys of the built-in holidays' names.
var holidayKeys = map[string]string{
	calendar.NewYear:           "calendar.holiday.new_year",
	calendar.NewYearSecond:     "calendar.holiday.new_year_2",
	calendar.OrthodoxChristmas: "calendar.holiday.orthodox_christmas",
	calendar.IndependenceDay:   "calendar.holiday.independence_day",
	calendar.ConstitutionDay:   "calendar.holiday.constitution_day",
	calendar.LabourDay:         "calendar.holiday.labour_day",
	calendar.EuropeDay:         "calendar.holiday.europe_day",
	calendar.CatholicChristmas: "calendar.holiday.catholic_christmas",
	calendar.CatholicEaster:    "calendar.holiday.catholic_easter",
	calendar.OrthodoxEaster:    "calendar.holiday.orthodox_easter",
	calendar.EidAlFitr:         "calendar.holiday.eid_al_fitr",
	calendar.EidAlAdha:         "calendar.holiday.eid_al_adha",
}

// calendarSentences are the calendar's refusals with their catalog keys
// (see domainSentences).
var calendarSentences = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^The consultation period is 1 to (?P<Max>\d+) working days; (?P<Number>-?\d+) is not\.$`), "calendar.error.working_days"},
	{regexp.MustCompile(`^working_days must be a whole number of working days, from 1 to (?P<Max>\d+)\.$`), "calendar.error.working_days_number"},
	{regexp.MustCompile(`^The calendar knows the years (?P<First>\d+) to (?P<Last>\d+); (?P<Date>[\d.]+) is outside them\.$`), "calendar.error.year_range"},
	{regexp.MustCompile(`^The due date falls after (?P<Last>\d+), beyond the years the calendar knows \((?P<First>\d+) to \d+\)\.$`), "calendar.error.beyond"},
	{regexp.MustCompile(`^year must be a year such as (?P<Year>\d+)\.$`), "calendar.error.year"},
	{exactly("A day off needs a name."), "calendar.error.name_needed"},
	{exactly("A name is one line of text."), "calendar.error.name_line"},
	{regexp.MustCompile(`^A name has at most (?P<Max>\d+) characters\.$`), "calendar.error.name_long"},
	{regexp.MustCompile(`^(?P<Date>[\d.]+) falls on a weekend, which is not a working day anyway; enter the weekday that is off\.$`), "calendar.error.weekend"},
	{regexp.MustCompile(`^(?P<Date>[\d.]+) is already a public holiday\.$`), "calendar.error.already_holiday"},
	{regexp.MustCompile(`^(?P<Date>[\d.]+) is already a day off in place of a holiday on a weekend\.$`), "calendar.error.already_observed"},
	{regexp.MustCompile(`^There is no holiday or day off on (?P<Date>[\d.]+)\.$`), "calendar.error.none"},
	{regexp.MustCompile(`^The holiday on (?P<Date>[\d.]+) is already cancelled for that year\.$`), "calendar.error.already_cancelled"},
	{regexp.MustCompile(`^No holiday on (?P<Date>[\d.]+) is cancelled\.$`), "calendar.error.not_cancelled"},
	{exactly("Only admins change the calendar."), "calendar.error.admins_only"},
	{exactly("The working-days calendar is not configured on this server."), "calendar.error.not_configured"},
	{exactly(errDueOrDays), "calendar.error.due_or_days"},
}

const errDueOrDays = "Give either a due date or a consultation period in working days, not both."

func init() {
	domainSentences = append(domainSentences, calendarSentences...)
	auditActionIDs = append(auditActionIDs, calendar.ActionAdd, calendar.ActionRemove, calendar.ActionCancel, calendar.ActionRestore)
	auditObjectTypes = append(auditObjectTypes, "calendar")
}
