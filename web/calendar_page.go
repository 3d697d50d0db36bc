package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"policydesk"
	"policydesk/calendar"
	"policydesk/timefmt"
)

// The admin page of the working-days calendar (/admin/calendar?year=):
// the year's holidays by month, each with its button (cancel a built-in
// one for that year, restore it, remove an admin's day off), a form to add
// a day off and a due-date calculator.

// calendarRow is one holiday on the page; dates are ISO, shown by dueDate.
type calendarRow struct {
	Date, Observed string
	Moved          bool
	Name           string
	Builtin        bool
	Cancelled      bool
}

// calendarMonth is a month of the year that has holidays.
type calendarMonth struct {
	Name string
	Rows []calendarRow
}

// calendarDone are the banners after a change, by the ?done= code.
var calendarDone = map[string]string{
	"add": "calendar.done.add", "remove": "calendar.done.remove",
	"cancel": "calendar.done.cancel", "restore": "calendar.done.restore",
}

func (s *Server) pageCalendar(r *http.Request) (reply, error) {
	if !policydesk.IsAdmin(policydesk.UserFromContext(r.Context())) {
		return reply{}, policydesk.Errorf(policydesk.EForbidden, "Only admins change the calendar.")
	}
	cal, err := s.calendar()
	if err != nil {
		return reply{}, err
	}
	year, err := s.yearParam(r.URL.Query().Get("year"))
	if err == nil {
		err = calendar.CheckYear(calendar.Date(year, time.January, 1))
	}
	if err != nil {
		return reply{}, err
	}
	hs, err := cal.Holidays(r.Context(), year)
	if err != nil {
		return reply{}, err
	}
	data := map[string]any{"Title": s.tr(r, "calendar.title"), "Year": year, "Months": s.calendarMonths(r, hs),
		"Return": "/admin/calendar?year=" + strconv.Itoa(year), "Count": len(hs)}
	if year > calendar.FirstYear {
		data["Prev"] = year - 1
	}
	if year < calendar.LastYear {
		data["Next"] = year + 1
	}
	if key, ok := calendarDone[r.URL.Query().Get("done")]; ok {
		data["Notice"] = s.tr(r, key, "Date", timefmt.ShowISODate(r.URL.Query().Get("date")))
	}
	s.dueCalculator(r, cal, data)
	return show("calendar", data), nil
}

// calendarMonths groups the holidays by the month they fall in, with the
// month's name in the request's language.
func (s *Server) calendarMonths(r *http.Request, hs []calendar.Holiday) []calendarMonth {
	lang := s.localizer(r).Lang()
	var out []calendarMonth
	for _, h := range hs {
		name := timefmt.MonthName(h.Date.Month(), lang)
		if len(out) == 0 || out[len(out)-1].Name != name {
			out = append(out, calendarMonth{Name: name})
		}
		row := calendarRow{Date: timefmt.ISODate(h.Date), Moved: h.Moved(), Name: s.holidayName(r, h),
			Builtin: h.Source == calendar.SourceBuiltin, Cancelled: h.Cancelled}
		if !h.Cancelled {
			row.Observed = timefmt.ISODate(h.Observed)
		}
		m := &out[len(out)-1]
		m.Rows = append(m.Rows, row)
	}
	return out
}

// dueCalculator answers the page's due-date form (?from=&working_days=):
// the due date, or why it cannot be computed.
func (s *Server) dueCalculator(r *http.Request, cal *calendar.Service, data map[string]any) {
	q := r.URL.Query()
	data["From"] = q.Get("from")
	if data["From"] == "" {
		data["From"] = s.today().Format("02.01.2006")
	}
	data["WorkingDays"] = q.Get("working_days")
	if !q.Has("working_days") {
		return
	}
	from, err := s.dateParam("from", q.Get("from"), true)
	if err != nil {
		data["DueError"] = s.errorMessage(r, err)
		return
	}
	n, err := workingDaysParam(q.Get("working_days"))
	if err == nil {
		var due time.Time
		if due, err = cal.DueDate(r.Context(), from, n); err == nil {
			data["Due"], data["DueFrom"], data["DueN"] = timefmt.ISODate(due), timefmt.ISODate(from), n
			return
		}
	}
	data["DueError"] = s.errorMessage(r, err)
}

// pageCalendarChange runs the page's buttons and its add form (field
// "action": add, remove, restore) and returns to the year's page.
func (s *Server) pageCalendarChange(r *http.Request) (reply, error) {
	cal, err := s.calendar()
	if err != nil {
		return reply{}, err
	}
	action, raw := r.PostFormValue("action"), r.PostFormValue("date")
	form := "calendar-" + action
	d, err := timefmt.ParseDate(raw)
	if err != nil {
		return reply{}, inForm(form, policydesk.OnField("date", policydesk.AsError(err)))
	}
	ctx := r.Context()
	done := action
	switch action {
	case "add":
		err = cal.SetDayOff(ctx, d, r.PostFormValue("name"))
	case "restore":
		err = cal.Restore(ctx, d)
	case "remove":
		builtin, herr := s.isBuiltinDate(r, cal, d)
		if herr != nil {
			return reply{}, herr
		}
		if builtin {
			done = "cancel"
		}
		err = cal.Remove(ctx, d)
	default:
		return reply{}, policydesk.Errorf(policydesk.EBadRequest, "The calendar form has no action %q.", truncate(action, 20))
	}
	if err != nil {
		return reply{}, inForm(form, err)
	}
	return seeOther("/admin/calendar?" + url.Values{"year": {strconv.Itoa(d.Year())}, "done": {done}, "date": {timefmt.ISODate(d)}}.Encode()), nil
}

// isBuiltinDate tells whether a built-in holiday falls on d (its removal
// is a cancellation).
func (s *Server) isBuiltinDate(r *http.Request, cal *calendar.Service, d time.Time) (bool, error) {
	hs, _, err := cal.Day(r.Context(), d)
	if err != nil {
		return false, inForm("calendar-remove", err)
	}
	for _, h := range hs {
		if h.Source == calendar.SourceBuiltin && h.Date.Equal(d) {
			return true, nil
		}
	}
	return false, nil
}
