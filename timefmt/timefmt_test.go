package timefmt

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestFormatAcrossDaylightSaving(t *testing.T) {
	loc := Kosovo()
	for _, c := range []struct {
		utc  string
		want string
	}{
		{"2026-11-30T04:21:00Z", "30.11.2026 05:21"},      // winter: UTC+1
		{"2026-07-01T10:00:00Z", "01.07.2026 12:00"},      // summer: UTC+2
		{"2026-03-29T00:59:59Z", "29.03.2026 01:59"},      // last second before the spring change
		{"2026-03-29T01:00:00Z", "29.03.2026 03:00"},      // 02:00 local never happens
		{"2026-10-25T00:30:00Z", "25.10.2026 02:30"},      // the first 02:30 (CEST)
		{"2026-10-25T01:30:00Z", "25.10.2026 02:30"},      // the second 02:30 (CET)
		{"2026-12-31T23:30:00Z", "01.01.2027 00:30"},      // the new year comes an hour early
		{"2026-11-30T04:21:00+05:00", "30.11.2026 00:21"}, // any input zone
	} {
		at, err := time.Parse(time.RFC3339, c.utc)
		if err != nil {
			t.Fatal(err)
		}
		if got := Format(at, loc); got != c.want {
			t.Errorf("Format(%s) = %q, want %q", c.utc, got, c.want)
		}
		if got, want := FormatDate(at, loc), c.want[:10]; got != want {
			t.Errorf("FormatDate(%s) = %q, want %q", c.utc, got, want)
		}
	}
	if Format(time.Time{}, loc) != "" || FormatDate(time.Time{}, loc) != "" {
		t.Error("the zero time is shown as something")
	}
}

func TestDayRangeOnTheChangeDays(t *testing.T) {
	loc := Kosovo()
	for _, c := range []struct {
		day        string
		start, end string
		hours      float64
	}{
		{"29.03.2026", "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z", 23},
		{"25.10.2026", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z", 25},
		{"30.11.2026", "2026-11-29T23:00:00Z", "2026-11-30T23:00:00Z", 24},
	} {
		d, err := ParseDate(c.day)
		if err != nil {
			t.Fatal(err)
		}
		start, end := DayRange(d, d, loc)
		if got := start.UTC().Format(time.RFC3339); got != c.start {
			t.Errorf("%s starts at %s, want %s", c.day, got, c.start)
		}
		if got := end.UTC().Format(time.RFC3339); got != c.end {
			t.Errorf("%s ends at %s, want %s", c.day, got, c.end)
		}
		if h := end.Sub(start).Hours(); h != c.hours {
			t.Errorf("%s lasts %v hours, want %v", c.day, h, c.hours)
		}
	}
	if s, e := DayRange(time.Time{}, time.Time{}, loc); !s.IsZero() || !e.IsZero() {
		t.Error("open bounds are not zero")
	}
}

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // ISO, or "" for an error
		msg  string // part of the error
	}{
		{"30.11.2026", "2026-11-30", ""},
		{"1.3.2026", "2026-03-01", ""},
		{"01.03.2026", "2026-03-01", ""},
		{"30.11.2026.", "2026-11-30", ""}, // Serbian trailing dot
		{"  30.11.2026\t", "2026-11-30", ""},
		{"\u00a030.11.2026\n", "2026-11-30", ""},
		{"2026-11-30", "2026-11-30", ""},
		{" 2026-11-30 ", "2026-11-30", ""},
		{"29.02.2028", "2028-02-29", ""}, // leap year
		{"29.02.2000", "2000-02-29", ""}, // divisible by 400
		{"29.02.2026", "", "February 2026 has 28 days"},
		{"29.02.2100", "", "February 2100 has 28 days"}, // divisible by 100, not 400
		{"31.02.2026", "", "does not exist"},
		{"31.04.2026", "", "April 2026 has 30 days"},
		{"00.01.2026", "", "does not exist"},
		{"15.13.2026", "", "12 months"},
		{"15.00.2026", "", "12 months"},
		{"2026-02-30", "", "does not exist"},
		{"01.01.1899", "", "outside the years 1900 to 2200"},
		{"01.01.2201", "", "outside the years"},
		{"", "", "dd.mm.yyyy"},
		{"   ", "", "dd.mm.yyyy"},
		{"30/11/2026", "", "not a date"},
		{"11/30/2026", "", "not a date"},
		{"30.11.26", "", "not a date"},
		{"30.11.20266", "", "not a date"},
		{"2026-1-3", "", "not a date"},
		{"+1.3.2026", "", "not a date"},
		{"-1.3.2026", "", "not a date"},
		{"1 .3.2026", "", "not a date"},
		{"30.11", "", "not a date"},
		{"30.11.2026..", "", "not a date"},
		{"30 November 2026", "", "not a date"},
		{"٣٠.١١.٢٠٢٦", "", "not a date"}, // non-ASCII digits
		{"2026-11-30T10:00:00Z", "", "not a date"},
		{strings.Repeat("1", 5000), "", "not a date"},
	} {
		got, err := ParseDate(c.in)
		if c.want != "" {
			if err != nil {
				t.Errorf("ParseDate(%q): %v", c.in, err)
			} else if ISODate(got) != c.want || got.Location() != time.UTC || got.Hour() != 0 {
				t.Errorf("ParseDate(%q) = %v, want %s at midnight UTC", c.in, got, c.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", c.in, got)
			continue
		}
		if !errors.Is(err, ErrDate) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("ParseDate(%q) error %q, want ErrDate saying %q", c.in, err, c.msg)
		}
		if len(err.Error()) > 200 {
			t.Errorf("ParseDate(%q) error is %d bytes long", c.in[:10], len(err.Error()))
		}
	}
}

func TestShowISODate(t *testing.T) {
	for in, want := range map[string]string{"2026-11-30": "30.11.2026", "2028-02-29": "29.02.2028", "": "", "soon": "soon"} {
		if got := ShowISODate(in); got != want {
			t.Errorf("ShowISODate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoadZone(t *testing.T) {
	for _, name := range []string{"Europe/Belgrade", "UTC", "Europe/Tirane", " Europe/Belgrade ", ""} {
		loc, err := LoadZone(name)
		if err != nil {
			t.Errorf("LoadZone(%q): %v", name, err)
			continue
		}
		if name == "" && loc.String() != DefaultZone {
			t.Errorf("LoadZone(\"\") = %s, want the default", loc)
		}
	}
	for _, name := range []string{"Kosovo/Prishtina", "Local", "../../etc/passwd", "CET+1"} {
		if _, err := LoadZone(name); err == nil || !strings.Contains(err.Error(), "is not a time zone") {
			t.Errorf("LoadZone(%q) = %v, want a clear refusal", name, err)
		}
	}
}

func TestMonthNames(t *testing.T) {
	at := time.Date(2026, 11, 30, 4, 21, 0, 0, time.UTC)
	for lang, want := range map[string]string{"sq": "30 nëntor 2026", "sr": "30. novembar 2026.", "sr-Cyrl": "30. новембар 2026.", "en": "30 November 2026", "de": "30 November 2026"} {
		if got := LongDate(at, Kosovo(), lang); got != want {
			t.Errorf("LongDate in %s = %q, want %q", lang, got, want)
		}
	}
	for _, lang := range Languages {
		seen := map[string]bool{}
		for m := time.January; m <= time.December; m++ {
			n := MonthName(m, lang)
			if n == "" || seen[n] {
				t.Errorf("%s: month %d is %q (empty or repeated)", lang, m, n)
			}
			seen[n] = true
		}
	}
	if MonthName(time.January, "sq") != "janar" || MonthName(time.December, "sr") != "decembar" ||
		MonthName(time.June, "sr-Cyrl") != "јун" || MonthName(time.September, "sr-Cyrl") != "септембар" {
		t.Error("months are out of order")
	}
	// The last day of a month in Kosovo may be another month in UTC.
	if got := LongDate(time.Date(2026, 4, 30, 22, 30, 0, 0, time.UTC), Kosovo(), "sq"); got != "1 maj 2026" {
		t.Errorf("LongDate uses the wrong zone: %q", got)
	}
}

// FuzzParseDate checks that ParseDate never panics, that what it accepts
// is a real day in range, and that it reads its own outputs back.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"30.11.2026", "1.3.2026", "2026-11-30", "31.02.2026", " 29.02.2028 ", "30.11.2026.", "", "99.99.9999", "2026-13-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !errors.Is(err, ErrDate) {
				t.Fatalf("ParseDate(%q) error %v does not wrap ErrDate", s, err)
			}
			return
		}
		if d.Year() < MinYear || d.Year() > MaxYear || d.Location() != time.UTC || d.Hour()+d.Minute()+d.Second()+d.Nanosecond() != 0 {
			t.Fatalf("ParseDate(%q) = %v: out of range or not midnight UTC", s, d)
		}
		for _, again := range []string{ISODate(d), FormatDate(d, time.UTC), ShowISODate(ISODate(d))} {
			back, err := ParseDate(again)
			if err != nil || !back.Equal(d) {
				t.Fatalf("ParseDate(%q) = %v, but %q reads back as %v, %v", s, d, again, back, err)
			}
		}
	})
}
