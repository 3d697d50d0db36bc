package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// healthCommand asks the service listening at POLICYDESK_ADDR for
// /healthz (or -path) and fails unless it answers 200 within -timeout: the
// probe of a container image that has no curl (the Dockerfile's
// HEALTHCHECK), so the image needs nothing but this binary.
func healthCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, _, err := parseConfig("health", nil, getenv, stderr)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", c.Addr, "the address the service listens on (POLICYDESK_ADDR)")
	path := fs.String("path", "/healthz", "what to ask for: /healthz (the process serves) or /readyz (its dependencies answer)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	target, err := probeURL(*addr, *path)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("the service at %s did not answer: %w", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the service at %s answered %s: %s", target, resp.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprintf(stdout, "%s: %s\n", target, strings.TrimSpace(string(body)))
	return nil
}

// probeURL is the URL of path on the service listening at addr; a wildcard
// listen address (0.0.0.0:8080, :8080, [::]:8080) is probed on loopback.
func probeURL(addr, path string) (string, error) {
	if !strings.HasPrefix(path, "/") {
		return "", fmt.Errorf("-path must start with /, not %q", path)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("POLICYDESK_ADDR %q is not host:port: %w", addr, err)
	}
	if ip, err := netip.ParseAddr(host); host == "" || (err == nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + path, nil
}
