package policydesk

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestArgsRoundTrip: what a stored detail keeps of its values comes back
// as the catalogs need it: whole numbers as numbers, Words and lists of
// Words as Words, other values as their text; nothing readable is lost.
func TestArgsRoundTrip(t *testing.T) {
	type named string
	in := []any{7, int64(-3), "drita", Say("title"), WordList{Say("title"), Say("status")}, named("x"), 1.5}
	s, err := EncodeArgs(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{int64(7), int64(-3), "drita", Say("title"), WordList{Say("title"), Say("status")}, "x", "1.5"}
	if got := DecodeArgs(s); !reflect.DeepEqual(got, want) {
		t.Errorf("DecodeArgs(%s) = %#v, want %#v", s, got, want)
	}
	for _, bad := range []string{"", "{", `{"a":1}`, "null"} {
		if got := DecodeArgs(bad); got != nil {
			t.Errorf("DecodeArgs(%q) = %#v, want nothing", bad, got)
		}
	}
	if s, err := EncodeArgs(nil); s != "" || err != nil {
		t.Errorf("EncodeArgs(nil) = %q, %v", s, err)
	}
}

// TestAuditEntryDetailIn: an entry's detail is its sentence in the
// reader's language; an entry stored before formats were kept reads as
// written.
func TestAuditEntryDetailIn(t *testing.T) {
	e := (&AuditEntry{}).Describe("changed: %s", WordList{Say("title"), Say("status")})
	if e.Detail != "changed: title, status" {
		t.Errorf("Detail %q", e.Detail)
	}
	if got := e.DetailIn(upper{}, "xx"); got != "CHANGED: %S|title, status" {
		t.Errorf("DetailIn = %q", got)
	}
	old := &AuditEntry{Detail: "version 3"}
	if got := old.DetailIn(upper{}, "xx"); got != "version 3" {
		t.Errorf("an old entry reads %q", got)
	}
}

// upper is a Translator that shows what it was asked.
type upper struct{}

func (upper) Sentence(_, format string, args ...any) string {
	out := strings.ToUpper(format) + "|"
	for _, a := range args {
		out += fmt.Sprint(a)
	}
	return out
}
