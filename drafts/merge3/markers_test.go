package merge3

import "testing"

// A conflict Merge wrote is found at its first marker line; a merge that
// was resolved, a clean merge and Markdown's own "=======" are not.
func TestUnresolved(t *testing.T) {
	base := "# Rregullorja\n\nNeni 1\n\nOrari 08:00–16:00.\n"
	mine := "# Rregullorja\n\nNeni 1\n\nOrari 07:30–16:00.\n"
	head := "# Rregullorja\n\nNeni 1\n\nOrari 09:00–16:00.\n"
	merged, clean := Merge(base, mine, head)
	if clean {
		t.Fatalf("expected a conflict, got %q", merged)
	}
	if line, m := Unresolved(merged); line != 5 || m != "<<<<<<< your version" {
		t.Errorf("Unresolved(merge) = %d, %q; want 5, the opening marker (merge %q)", line, m, merged)
	}
	clean1, ok := Merge(base, mine, base)
	if !ok {
		t.Fatal("a one-sided change should merge cleanly")
	}
	for _, tc := range []struct {
		name, text string
		line       int
	}{
		{"clean merge", clean1, 0},
		{"setext heading", "Kapitulli I\n=======\n\nTeksti.\n", 0},
		{"marker-like prose", "Shënim: <<<<<<< your version është shenjë.\n", 0},
		{"trailing spaces", "a\n\n>>>>>>> saved version  \n", 3},
		{"base marker left alone", "a\n||||||| base\nb\n", 2},
		{"crlf", "a\r\n<<<<<<< your version\r\n", 2},
		{"empty", "", 0},
	} {
		if line, _ := Unresolved(tc.text); line != tc.line {
			t.Errorf("%s: Unresolved(%q) = %d, want %d", tc.name, tc.text, line, tc.line)
		}
	}
}
