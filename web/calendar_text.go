package web

import "policydesk/calendar"

// The calendar's words: the built-in holidays' catalog keys and its audit
// actions, added to the package's tables (auditActionIDs, auditObjectTypes)
// here so that the calendar keeps to its own files. Its refusals are
// policydesk.Errorf formats, translated in locales/{sq,sr}/sentences.toml.

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

func init() {
	auditActionIDs = append(auditActionIDs, calendar.ActionAdd, calendar.ActionRemove, calendar.ActionCancel, calendar.ActionRestore)
	auditObjectTypes = append(auditObjectTypes, "calendar")
}
