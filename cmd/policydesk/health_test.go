package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestHealthCommand: `policydesk health`, the container's probe, exits 0
// against a serving process — also when POLICYDESK_ADDR is the wildcard
// address a container listens on — and fails with a sentence naming the
// URL when nothing answers or the answer is not 200.
func TestHealthCommand(t *testing.T) {
	srv := startServer(t, "")
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	health := func(addr string, args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, policydeskBinary(t), append([]string{"health"}, args...)...)
		cmd.Env = append(cleanEnv(), "POLICYDESK_ADDR="+addr)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for _, addr := range []string{"127.0.0.1:" + port, "0.0.0.0:" + port, ":" + port} {
		if out, err := health(addr); err != nil || !strings.Contains(out, `"ok"`) {
			t.Errorf("health with POLICYDESK_ADDR=%s: %v\n%s", addr, err, out)
		}
	}
	if out, err := health("0.0.0.0:"+port, "-path", "/readyz"); err != nil || !strings.Contains(out, `"database":"ok"`) {
		t.Errorf("health -path /readyz: %v\n%s", err, out)
	}
	if out, err := health("0.0.0.0:"+port, "-path", "/readyz?exclude=nonsense"); err == nil || !strings.Contains(out, "400") {
		t.Errorf("health on a 400 answer: %v\n%s", err, out)
	}
	if out, err := health("0.0.0.0:"+port, "-path", "readyz"); err == nil || !strings.Contains(out, "must start with /") {
		t.Errorf("health -path without a slash: %v\n%s", err, out)
	}
	free, err := freeLoopbackAddr()
	if err != nil {
		t.Fatal(err)
	}
	if out, err := health(free, "-timeout", "2s"); err == nil || !strings.Contains(out, "did not answer") || !strings.Contains(out, free) {
		t.Errorf("health against a closed port: %v\n%s", err, out)
	}
}
