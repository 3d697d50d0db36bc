package csvsafe

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	w.Write("Kur", "Veprimi", "Detaje")
	w.Write("30.11.2026 05:21", "=cmd|' /C calc'!A0", "Neni 5 - paragrafi 2, \"citim\"\nrreshti i dytë")
	w.Write(" @SUM(1)", "-2+3", "\t=1")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	data, ok := strings.CutPrefix(buf.String(), "\ufeff")
	if !ok {
		t.Fatal("no byte order mark first")
	}
	records, err := csv.NewReader(strings.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Kur", "Veprimi", "Detaje"},
		{"30.11.2026 05:21", "'=cmd|' /C calc'!A0", "Neni 5 - paragrafi 2, \"citim\"\nrreshti i dytë"},
		{"' @SUM(1)", "'-2+3", "'\t=1"},
	}
	for i := range want {
		if strings.Join(records[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, records[i], want[i])
		}
	}
}
