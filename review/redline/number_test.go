package redline_test

import (
	"reflect"
	"testing"

	"policydesk/review/redline"
)

// changes lists the non-equal ops of every article as "del:text"/"ins:text".
func changes(r *redline.Redline) []string {
	var out []string
	for _, art := range r.Articles {
		for _, op := range art.Ops {
			if op.Op != redline.OpEqual {
				out = append(out, op.Op[:3]+":"+op.Text)
			}
		}
	}
	return out
}

// TestNumbersChangeAsUnits checks the example and its kin: a time,
// date, amount or percentage that changed is replaced whole, and what did
// not change around it (a range's dash, the other end of a range, the
// currency) stays equal.
func TestNumbersChangeAsUnits(t *testing.T) {
	tests := []struct {
		name, a, b string
		want       []string
	}{
		{"a range whose ends both changed", "Orari: 08:00–17:00.", "Orari: 07:30–18:00.",
			[]string{"del:08:00–17:00", "ins:07:30–18:00"}},
		{"one end of a range", "Orari: 08:00–17:00.", "Orari: 08:00–16:30.",
			[]string{"del:17:00", "ins:16:30"}},
		{"a time written with a dot", "nga ora 8.30 deri", "nga ora 9.00 deri",
			[]string{"del:8.30", "ins:9.00"}},
		{"a date, one digit", "më 30.11.2026 në", "më 30.11.2027 në",
			[]string{"del:30.11.2026", "ins:30.11.2027"}},
		{"an ISO date", "data 2026-11-30 hyn", "data 2026-12-01 hyn",
			[]string{"del:2026-11-30", "ins:2026-12-01"}},
		{"a slashed date", "do 30/11/2026 godine", "do 01/12/2026 godine",
			[]string{"del:30/11/2026", "ins:01/12/2026"}},
		{"an amount, the currency kept", "gjoba 1.500,00 € për", "gjoba 1.600,00 € për",
			[]string{"del:1.500,00", "ins:1.600,00"}},
		{"an English amount", "a fine of 1,500.00 EUR", "a fine of 1,500.50 EUR",
			[]string{"del:1,500.00", "ins:1,500.50"}},
		{"grouped by a no-break space", "shuma 10\u00a0000 euro", "shuma 12\u00a0000 euro",
			[]string{"del:10\u00a0000", "ins:12\u00a0000"}},
		{"a percentage", "norma 15% e", "norma 18% e",
			[]string{"del:15%", "ins:18%"}},
		{"a paragraph number", "\n1.2.3. Teksti i paragrafit.", "\n1.2.4. Teksti i paragrafit.",
			[]string{"del:1.2.3.", "ins:1.2.4."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := doc(t1, t2+" "+tt.a+" "+t3), doc(t1, t2+" "+tt.b+" "+t3)
			r := redline.Compute(a, b, nil, nil)
			checkReconstruct(t, r, a, b)
			if got := changes(r); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("changes %q, want %q", got, tt.want)
			}
			if words := redline.CountWords(tt.want[1][len("ins:"):]); r.Stats.WordsInserted != words || words > 2 {
				t.Errorf("words inserted %d, want %d: a number is one word", r.Stats.WordsInserted, words)
			}
		})
	}
}
