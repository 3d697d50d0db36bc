package textkit

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"policydesk"
)

func TestNewlines(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "",
		"Neni 1\nNeni 2":         "Neni 1\nNeni 2",
		"Neni 1\r\nNeni 2\r\n":   "Neni 1\nNeni 2\n",
		"Word\rexport\r":         "Word\nexport\n",
		"mixed\r\n\r\rend":       "mixed\n\n\nend",
		"\r\n\r\n":               "\n\n",
		"no line end at all, ëç": "no line end at all, ëç",
	} {
		if got := Newlines(in); got != want {
			t.Errorf("Newlines(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsWordRune(t *testing.T) {
	for _, r := range "azAZ09ëçËÇšđžćčЉљЖж\u0308" {
		if !IsWordRune(r) {
			t.Errorf("IsWordRune(%q) = false, want true", r)
		}
	}
	for _, r := range " \t\n.,;:-–—()[]\"'«»„“/\\*_#|\u00a0\u200b" {
		if IsWordRune(r) {
			t.Errorf("IsWordRune(%q) = true, want false", r)
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name      string
		s         string
		max       int
		multiline bool
		want      string // part of the message; "" for no error
	}{
		{"plain", "Rregullore për qendrat ditore", 100, false, ""},
		{"tab kept", "a\tb", 100, false, ""},
		{"newline in a line", "a\nb", 100, false, "single line"},
		{"newline in a text", "a\nb", 100, true, ""},
		{"invalid UTF-8", "a\xffb", 100, true, "not valid UTF-8"},
		{"too long", strings.Repeat("ë", 11), 10, false, "longer than 10"},
		{"exactly the limit", strings.Repeat("ë", 10), 10, false, ""},
		{"no limit", strings.Repeat("a", 100000), 0, false, ""},
		{"NUL", "a\x00b", 100, true, "U+0000"},
		{"escape", "a\x1b[31m", 100, true, "U+001B"},
		{"DEL", "a\x7f", 100, true, "U+007F"},
		{"C1 control", "a\u0085b", 100, true, "U+0085"},
		{"carriage return", "a\rb", 100, true, "U+000D"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(policydesk.Say("title"), tt.s, tt.max, tt.multiline)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			if policydesk.ErrorCode(err) != policydesk.EInvalid || !strings.Contains(policydesk.ErrorMessage(err), tt.want) {
				t.Fatalf("Check = %v, want EINVALID saying %q", err, tt.want)
			}
			if !strings.Contains(policydesk.ErrorMessage(err), "title") {
				t.Errorf("message %q does not name the field", policydesk.ErrorMessage(err))
			}
		})
	}
}

func TestCheckVisible(t *testing.T) {
	for _, s := range []string{"Rregulloreexe.pdf", "Memorandum i Mirëkuptimit", "Član 10"} {
		if err := CheckLabel(policydesk.Say("title"), s, 100); err != nil {
			t.Errorf("CheckLabel(%q): %v", s, err)
		}
	}
	for s, want := range map[string]string{
		"Rregullore\u202Efdp.exe": "U+202E) after 10 characters",
		"Neni\u200b1":             "U+200B) after 4 characters",
		"\ufeffTitle":             "U+FEFF) after 0 characters",
		"soft\u00adhyphen":        "U+00AD",
		"one\u2028line":           "U+2028",
	} {
		err := CheckLabel(policydesk.Say("title"), s, 100)
		if policydesk.ErrorCode(err) != policydesk.EInvalid || !strings.Contains(policydesk.ErrorMessage(err), want) {
			t.Errorf("CheckLabel(%q) = %v, want EINVALID saying %q", s, err, want)
		}
	}
	// A paragraph separator is allowed in a text of several lines.
	if err := CheckVisible(policydesk.Say("comment"), "one\u2029two", false); err != nil {
		t.Errorf("CheckVisible of a multi-line text: %v", err)
	}
}

func TestCheckOneOf(t *testing.T) {
	allowed := []string{"sq", "sr", "en"}
	if err := CheckOneOf(policydesk.Say("language"), "sr", allowed); err != nil {
		t.Fatal(err)
	}
	err := CheckOneOf(policydesk.Say("language"), "de", allowed)
	if msg := policydesk.ErrorMessage(err); policydesk.ErrorCode(err) != policydesk.EInvalid || !strings.Contains(msg, `"de"`) || !strings.Contains(msg, "sq, sr, en") {
		t.Fatalf("CheckOneOf = %v, want EINVALID naming the value and the choices", err)
	}
}

// FuzzText holds the rules to any input: Newlines leaves no CR, keeps
// everything else and is idempotent; Check accepts exactly the valid UTF-8
// without controls other than tab and newline; IsWordRune agrees with
// Unicode's letters, digits and marks; a label accepted is visible text.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "Neni 1\r\nNeni 2\r", "a\x00b", "\xff", "Rregullore\u202Efdp", "ë\u0308ç", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Newlines(s)
		if strings.ContainsRune(n, '\r') || Newlines(n) != n {
			t.Fatalf("Newlines(%q) = %q", s, n)
		}
		if strings.ReplaceAll(n, "\n", "") != strings.ReplaceAll(strings.ReplaceAll(s, "\r", ""), "\n", "") {
			t.Fatalf("Newlines(%q) = %q changed more than line ends", s, n)
		}
		clean := utf8.ValidString(s)
		for _, r := range s {
			if unicode.IsControl(r) && r != '\n' && r != '\t' {
				clean = false
			}
			if r < 0x80 && IsWordRune(r) != (unicode.IsLetter(r) || unicode.IsDigit(r)) ||
				r >= 0x80 && IsWordRune(r) != (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)) {
				t.Fatalf("IsWordRune(%q) disagrees with Unicode", r)
			}
		}
		if err := Check(policydesk.Say("text"), s, 0, true); (err == nil) != clean {
			t.Fatalf("Check(%q) = %v, clean = %v", s, err, clean)
		}
		if CheckLabel(policydesk.Say("title"), s, 0) == nil {
			for _, r := range s {
				if r == '\n' || Invisible(r) || r == '\u2028' || r == '\u2029' {
					t.Fatalf("CheckLabel accepted %q holding %U", s, r)
				}
			}
		}
	})
}
