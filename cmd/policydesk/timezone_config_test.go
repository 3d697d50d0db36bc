package main

import (
	"io"
	"strings"
	"testing"
)

// POLICYDESK_TIMEZONE defaults to Kosovo's zone, a flag wins over it, and a
// wrong name stops the start with a message naming the setting.
func TestTimeZoneConfig(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "POLICYDESK_TIMEZONE" {
				return v
			}
			return ""
		}
	}
	for _, tc := range []struct {
		name, env string
		args      []string
		want      string
	}{
		{name: "default", want: "Europe/Belgrade"},
		{name: "environment", env: "UTC", want: "UTC"},
		{name: "flag wins", env: "UTC", args: []string{"-timezone", "Europe/Tirane"}, want: "Europe/Tirane"},
	} {
		c, _, err := parseConfig("serve", tc.args, env(tc.env), io.Discard)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
		} else if c.Location == nil || c.Location.String() != tc.want {
			t.Errorf("%s: location %v, want %s", tc.name, c.Location, tc.want)
		}
	}
	for _, bad := range []string{"Europe/Prishtina", "Local", "+01:00"} {
		_, _, err := parseConfig("serve", nil, env(bad), io.Discard)
		if err == nil || !strings.Contains(err.Error(), "POLICYDESK_TIMEZONE") || !strings.Contains(err.Error(), "is not a time zone") {
			t.Errorf("POLICYDESK_TIMEZONE=%s: error %v, want a clear refusal", bad, err)
		}
	}
}
