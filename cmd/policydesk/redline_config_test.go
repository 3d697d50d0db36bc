package main

import (
	"io"
	"testing"

	"policydesk/review"
)

func TestRedlineCacheBytesConfig(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	tests := []struct {
		name string
		args []string
		vars map[string]string
		want int64
		bad  bool
	}{
		{name: "default", want: review.DefaultRedlineCacheBytes},
		{name: "environment", vars: map[string]string{"POLICYDESK_REDLINE_CACHE_BYTES": "1048576"}, want: 1 << 20},
		{name: "flag wins", args: []string{"-redline-cache-bytes", "0"}, vars: map[string]string{"POLICYDESK_REDLINE_CACHE_BYTES": "1048576"}, want: 0},
		{name: "not a number", vars: map[string]string{"POLICYDESK_REDLINE_CACHE_BYTES": "64MiB"}, bad: true},
		{name: "negative", args: []string{"-redline-cache-bytes", "-1"}, bad: true},
	}
	for _, tc := range tests {
		c, _, err := parseConfig("serve", tc.args, env(tc.vars), io.Discard)
		if tc.bad {
			if err == nil {
				t.Errorf("%s: accepted", tc.name)
			}
			continue
		}
		if err != nil || c.RedlineCacheBytes != tc.want {
			t.Errorf("%s: %v, %v; want %d", tc.name, c, err, tc.want)
		}
	}
}
