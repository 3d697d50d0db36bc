package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"policydesk"
)

// A request whose client left is logged at Info, not as a failure; an
// internal error, or a cancellation the client did not cause, still is.
func TestLogIfInternal_ClientLeft(t *testing.T) {
	var buf bytes.Buffer
	s := &Server{Logger: slog.New(slog.NewTextHandler(&buf, nil))}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	left := httptest.NewRequest("GET", "/documents/1", nil).WithContext(ctx)
	s.logIfInternal(left, fmt.Errorf("reading the document: %w", context.Canceled))
	if out := buf.String(); strings.Contains(out, "level=ERROR") || !strings.Contains(out, "client left") {
		t.Errorf("a client that left was logged as %q", out)
	}

	buf.Reset()
	here := httptest.NewRequest("GET", "/documents/1", nil)
	s.logIfInternal(here, fmt.Errorf("a query was cancelled by the server: %w", context.Canceled))
	s.logIfInternal(here, policydesk.Errorf(policydesk.EUnavailable, "The database cannot be reached."))
	s.logIfInternal(left, errors.New("disk full"))
	if n := strings.Count(buf.String(), "level=ERROR"); n != 3 {
		t.Errorf("%d of 3 server-side failures logged as errors:\n%s", n, buf.String())
	}
}
