package main

// Caddy for the tests: the repository's Caddyfile run by a real Caddy on
// loopback in front of real policydesk processes; and testTool, which finds
// it and the other tools `make deps` builds.

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const caddyfile = "../../Caddyfile"

// testTool finds the binary name (caddy, mc) that `make deps` builds: at
// POLICYDESK_<NAME>_BIN, else .tools/bin/<name>, else on PATH. Without one
// the test skips, unless POLICYDESK_REQUIRE_<NAME>=1 or CI=true.
func testTool(t testing.TB, name string) string {
	t.Helper()
	upper := strings.ToUpper(name)
	candidates := []string{os.Getenv("POLICYDESK_" + upper + "_BIN"), "../../.tools/bin/" + name}
	if p, err := exec.LookPath(name); err == nil {
		candidates = append(candidates, p)
	}
	for _, p := range candidates {
		if fi, err := os.Stat(p); p != "" && err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			abs, err := filepath.Abs(p)
			if err != nil {
				t.Fatal(err)
			}
			return abs
		}
	}
	why := "no " + name + " binary: not in POLICYDESK_" + upper + "_BIN, .tools/bin/" + name + " or PATH; run `make deps` to build it"
	if os.Getenv("POLICYDESK_REQUIRE_"+upper) == "1" || os.Getenv("CI") == "true" {
		t.Fatalf("%s is required (POLICYDESK_REQUIRE_%s=1 or CI=true): %s", name, upper, why)
	}
	t.Skip(why)
	return ""
}

// caddyEnv is the environment Caddy reads the Caddyfile's settings from,
// with its storage in a temporary home.
func caddyEnv(t testing.TB, settings ...string) []string {
	home := t.TempDir()
	return append(append(cleanEnv(), "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "data"),
		"XDG_CONFIG_HOME="+filepath.Join(home, "config")), settings...)
}

// startCaddy runs the Caddyfile in front of upstreams (host:port) on a free
// loopback port, checking their health every 250 ms, and returns its URL
// once it proxies /healthz. The cleanup stops it.
func startCaddy(t testing.TB, upstreams ...string) string {
	t.Helper()
	bin := testTool(t, "caddy")
	var ports [3]string
	for i := range ports {
		addr, err := freeLoopbackAddr()
		if err != nil {
			t.Fatal(err)
		}
		ports[i] = addr
	}
	site := "http://" + ports[0]
	cmd := exec.Command(bin, "run", "--config", caddyfile, "--adapter", "caddyfile")
	_, httpPort, _ := net.SplitHostPort(ports[0])
	_, httpsPort, _ := net.SplitHostPort(ports[2])
	cmd.Env = caddyEnv(t, "POLICYDESK_SITE="+site, "POLICYDESK_UPSTREAMS="+strings.Join(upstreams, " "),
		"HEALTH_INTERVAL=250ms", "CADDY_ADMIN="+ports[1], "HTTP_PORT="+httpPort, "HTTPS_PORT="+httpsPort)
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			out := logs.String()
			t.Logf("caddy log (last 4 KiB):\n%s", out[max(0, len(out)-4096):])
		}
	})
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("caddy exited before it served: %v\n%s", err, logs.String())
		default:
		}
		if resp, err := client.Get(site + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return site
			}
		}
	}
	t.Fatalf("caddy did not proxy /healthz within 30s\n%s", logs.String())
	return ""
}

// reverseProxies adapts the Caddyfile to Caddy's JSON with settings and
// returns every reverse_proxy handler in it.
func reverseProxies(t *testing.T, settings ...string) []map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, testTool(t, "caddy"), "adapt", "--config", caddyfile, "--adapter", "caddyfile")
	cmd.Env = caddyEnv(t, settings...)
	out, err := cmd.Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		t.Fatalf("caddy adapt: %v\n%s", err, exit.Stderr)
	} else if err != nil {
		t.Fatal(err)
	}
	var config any
	if err := json.Unmarshal(out, &config); err != nil {
		t.Fatalf("caddy adapt printed no JSON: %v\n%s", err, out)
	}
	var found []map[string]any
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["handler"] == "reverse_proxy" {
				found = append(found, v)
			}
			for _, child := range v {
				walk(child)
			}
		case []any:
			for _, child := range v {
				walk(child)
			}
		}
	}
	walk(config)
	return found
}
