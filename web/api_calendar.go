package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/calendar"
	"policydesk/timefmt"
)

// The working-days calendar over the API: due dates and holidays for every
// signed-in user, days off and cancellations for admins (the calendar
// service decides who may change it).

// calendarRoutes: the API and the admin page of the calendar.
func (s *Server) calendarRoutes(api, pages *mux.Router) {
	api.HandleFunc("/calendar/due", s.api(s.apiCalendarDue)).Methods(http.MethodGet)
	api.HandleFunc("/calendar/holidays", s.api(s.apiHolidays)).Methods(http.MethodGet)
	api.HandleFunc("/calendar/holidays/{date}", s.api(s.apiCalendarDay)).Methods(http.MethodGet)
	api.HandleFunc("/calendar/holidays/{date}", s.api(s.apiSetDayOff)).Methods(http.MethodPut)
	api.HandleFunc("/calendar/holidays/{date}", s.api(s.apiRemoveDayOff)).Methods(http.MethodDelete)
	pages.HandleFunc("/admin/calendar", s.page(s.pageCalendar)).Methods(http.MethodGet)
	pages.HandleFunc("/admin/calendar", s.form(s.pageCalendarChange)).Methods(http.MethodPost)
}

// holidayJSON is one holiday as the API answers it.
type holidayJSON struct {
	Date string `json:"date"`
	// Observed is the day off for it (Date unless Moved); absent when
	// Cancelled.
	Observed  string `json:"observed,omitempty"`
	Moved     bool   `json:"moved"`
	Name      string `json:"name"`
	Key       string `json:"key,omitempty"`
	Source    string `json:"source"`
	Cancelled bool   `json:"cancelled"`
}

func (s *Server) toHolidayJSON(r *http.Request, h calendar.Holiday) holidayJSON {
	out := holidayJSON{Date: timefmt.ISODate(h.Date), Moved: h.Moved(), Name: s.holidayName(r, h), Key: h.Key, Source: h.Source, Cancelled: h.Cancelled}
	if !h.Cancelled {
		out.Observed = timefmt.ISODate(h.Observed)
	}
	return out
}

// holidayName is a built-in holiday's name in the request's language, an
// admin's day off's name as entered.
func (s *Server) holidayName(r *http.Request, h calendar.Holiday) string {
	if h.Key != "" {
		return s.tr(r, holidayKeys[h.Key])
	}
	return h.Name
}

func (s *Server) calendar() (*calendar.Service, error) {
	if s.Calendar == nil {
		return nil, policydesk.Errorf(policydesk.EUnavailable, "The working-days calendar is not configured on this server.")
	}
	return s.Calendar, nil
}

// today is the day it is now in the installation's zone.
func (s *Server) today() time.Time { return calendar.Day(s.Drafts.Now(), s.zone()) }

// dateParam reads a date given as YYYY-MM-DD (or dd.mm.yyyy); a missing
// one is today when optional. A malformed one is a bad request.
func (s *Server) dateParam(name, v string, optional bool) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" && optional {
		return s.today(), nil
	}
	d, err := timefmt.ParseDate(v)
	if err != nil {
		// A malformed date in a URL is a bad request; the sentence is
		// the date parser's, translated like every other.
		var e *policydesk.Error
		if !errors.As(err, &e) {
			return time.Time{}, err
		}
		bad := *e
		bad.Code = policydesk.EBadRequest
		return time.Time{}, bad.On(name)
	}
	return d, nil
}

// workingDaysParam reads a number of working days; its range is the
// calendar's to check.
func workingDaysParam(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, policydesk.Errorf(policydesk.EBadRequest, "working_days must be a whole number of working days, from 1 to %d.", calendar.MaxWorkingDays).On("working_days")
	}
	return n, nil
}

// apiCalendarDue answers GET /calendar/due?from=YYYY-MM-DD&working_days=N
// with {"due"}: the Nth working day after from (today when from is absent).
func (s *Server) apiCalendarDue(r *http.Request) (int, any, error) {
	cal, err := s.calendar()
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	from, err := s.dateParam("from", q.Get("from"), true)
	if err != nil {
		return 0, nil, err
	}
	n, err := workingDaysParam(q.Get("working_days"))
	if err != nil {
		return 0, nil, err
	}
	due, err := cal.DueDate(r.Context(), from, n)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]string{"due": timefmt.ISODate(due), "from": timefmt.ISODate(from)}, nil
}

// apiHolidays answers GET /calendar/holidays?year=YYYY (this year when
// absent) with {"year","holidays":[...]}.
func (s *Server) apiHolidays(r *http.Request) (int, any, error) {
	cal, err := s.calendar()
	if err != nil {
		return 0, nil, err
	}
	year, err := s.yearParam(r.URL.Query().Get("year"))
	if err != nil {
		return 0, nil, err
	}
	hs, err := cal.Holidays(r.Context(), year)
	if err != nil {
		return 0, nil, err
	}
	out := make([]holidayJSON, len(hs))
	for i, h := range hs {
		out[i] = s.toHolidayJSON(r, h)
	}
	return http.StatusOK, map[string]any{"year": year, "holidays": out}, nil
}

// yearParam reads ?year=, this year when absent.
func (s *Server) yearParam(v string) (int, error) {
	if v = strings.TrimSpace(v); v == "" {
		return s.today().Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil {
		return 0, policydesk.Errorf(policydesk.EBadRequest, "year must be a year such as %d.", s.today().Year()).On("year")
	}
	return y, nil
}

// apiCalendarDay answers GET /calendar/holidays/{date}: the holidays on
// that date or made up on it, and whether it is a working day.
func (s *Server) apiCalendarDay(r *http.Request) (int, any, error) {
	d, err := s.dateParam("date", mux.Vars(r)["date"], false)
	if err != nil {
		return 0, nil, err
	}
	return s.calendarDay(r, d)
}

func (s *Server) calendarDay(r *http.Request, d time.Time) (int, any, error) {
	cal, err := s.calendar()
	if err != nil {
		return 0, nil, err
	}
	hs, working, err := cal.Day(r.Context(), d)
	if err != nil {
		return 0, nil, err
	}
	out := make([]holidayJSON, len(hs))
	for i, h := range hs {
		out[i] = s.toHolidayJSON(r, h)
	}
	return http.StatusOK, map[string]any{"date": timefmt.ISODate(d), "working_day": working, "holidays": out}, nil
}

// apiSetDayOff answers PUT /calendar/holidays/{date} {"name"} (admins): a
// day off, or a cancelled built-in holiday restored; then the day as GET
// shows it.
func (s *Server) apiSetDayOff(r *http.Request) (int, any, error) {
	cal, err := s.calendar()
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	d, err := s.dateParam("date", mux.Vars(r)["date"], false)
	if err != nil {
		return 0, nil, err
	}
	if err := cal.SetDayOff(r.Context(), d, in.Name); err != nil {
		return 0, nil, err
	}
	return s.calendarDay(r, d)
}

// apiRemoveDayOff answers DELETE /calendar/holidays/{date} (admins): an
// admin's day off removed or a built-in holiday cancelled for that year;
// then the day as GET shows it.
func (s *Server) apiRemoveDayOff(r *http.Request) (int, any, error) {
	cal, err := s.calendar()
	if err != nil {
		return 0, nil, err
	}
	d, err := s.dateParam("date", mux.Vars(r)["date"], false)
	if err != nil {
		return 0, nil, err
	}
	if err := cal.Remove(r.Context(), d); err != nil {
		return 0, nil, err
	}
	return s.calendarDay(r, d)
}

// roundDue is a new round's due date: due as given, or, when a period is
// given, the period's last working day counted from today in the
// installation's zone, as ISO.
func (s *Server) roundDue(r *http.Request, due string, days int, period bool) (string, error) {
	if !period {
		return due, nil
	}
	if strings.TrimSpace(due) != "" {
		return "", policydesk.Errorf(policydesk.EInvalid, "Give either a due date or a consultation period in working days, not both.").On("working_days")
	}
	cal, err := s.calendar()
	if err != nil {
		return "", err
	}
	d, err := cal.DueDate(r.Context(), s.today(), days)
	if err != nil {
		return "", err
	}
	return timefmt.ISODate(d), nil
}

// roundDueForm reads the round form's due date or period (working_days,
// empty when not given).
func (s *Server) roundDueForm(r *http.Request) (string, error) {
	v := strings.TrimSpace(r.PostFormValue("working_days"))
	if v == "" {
		return r.PostFormValue("due"), nil
	}
	n, err := workingDaysParam(v)
	if err != nil {
		return "", policydesk.OnField("working_days", policydesk.Errorf(policydesk.EInvalid, "%s", policydesk.ErrorMessage(err)))
	}
	return s.roundDue(r, r.PostFormValue("due"), n, true)
}
