package timefmt

import (
	"fmt"
	"time"

	"policydesk/cyrillic"
)

// monthNames are the months in each interface language, lower case as
// Albanian and Serbian write them inside a sentence (sr is Latin script).
var monthNames = map[string][12]string{
	"sq": {"janar", "shkurt", "mars", "prill", "maj", "qershor", "korrik", "gusht", "shtator", "tetor", "nëntor", "dhjetor"},
	"sr": {"januar", "februar", "mart", "april", "maj", "jun", "jul", "avgust", "septembar", "oktobar", "novembar", "decembar"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

func init() {
	// Serbian in Cyrillic says the Latin months in its script.
	var cyr [12]string
	for i, m := range monthNames["sr"] {
		cyr[i] = cyrillic.FromLatin(m)
	}
	monthNames["sr-Cyrl"] = cyr
}

// Languages are the languages MonthName and LongDate know; any other falls
// back to English.
var Languages = []string{"sq", "sr", "sr-Cyrl", "en"}

// MonthName is month m in lang (sq, sr, sr-Cyrl or en; anything else
// gives English).
func MonthName(m time.Month, lang string) string {
	names, ok := monthNames[lang]
	if !ok {
		names = monthNames["en"]
	}
	if m < time.January || m > time.December {
		return m.String()
	}
	return names[m-1]
}

// LongDate writes the day t falls on in loc with the month written out:
// "30 nëntor 2026" (sq), "30. novembar 2026." (sr), "30. новембар 2026."
// (sr-Cyrl), "30 November 2026" (en).
func LongDate(t time.Time, loc *time.Location, lang string) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	if lang == "sr" || lang == "sr-Cyrl" {
		return fmt.Sprintf("%d. %s %d.", t.Day(), MonthName(t.Month(), lang), t.Year())
	}
	return fmt.Sprintf("%d %s %d", t.Day(), MonthName(t.Month(), lang), t.Year())
}
