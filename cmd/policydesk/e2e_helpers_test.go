package main

// Helpers shared by the end-to-end tests and benchmarks: they build the real
// binary once, run it as a separate process on a loopback port and talk to it
// over HTTP, exactly as a deployment would be driven.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"policydesk/storage/postgres/pgtest"
)

// e2eAdminPassword is the password of the admin account every test server
// bootstraps through POLICYDESK_ADMIN_PASSWORD.
const e2eAdminPassword = "e2e-kestrel-harbour-42"

var (
	// atExit holds the teardown of fixtures shared across benchmark runs;
	// TestMain runs it after every test and benchmark has finished.
	atExitMu sync.Mutex
	atExit   []func() error

	binaryOnce sync.Once
	binaryDir  string
	binaryPath string
	binaryErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	atExitMu.Lock()
	for i := len(atExit) - 1; i >= 0; i-- {
		if err := atExit[i](); err != nil {
			fmt.Fprintln(os.Stderr, "teardown:", err)
			code = 1
		}
	}
	atExitMu.Unlock()
	if binaryDir != "" {
		os.RemoveAll(binaryDir)
	}
	os.Exit(code)
}

// runAtExit registers f to run once all tests and benchmarks are done.
func runAtExit(f func() error) {
	atExitMu.Lock()
	defer atExitMu.Unlock()
	atExit = append(atExit, f)
}

// policydeskBinary builds ./cmd/policydesk once per test process and returns
// the path of the binary. POLICYDESK_E2E_RACE=1 builds it with the race
// detector, which slows it down too much for the benchmarks but catches data
// races in the server during the end-to-end tests.
func policydeskBinary(tb testing.TB) string {
	tb.Helper()
	binaryOnce.Do(func() {
		binaryDir, binaryErr = os.MkdirTemp("", "policydesk-e2e-bin-")
		if binaryErr != nil {
			return
		}
		goTool, err := exec.LookPath("go")
		if err != nil {
			if root := os.Getenv("GOROOT"); root != "" {
				goTool, err = filepath.Join(root, "bin", "go"), nil
			}
		}
		if err != nil {
			binaryErr = fmt.Errorf("the go command is needed to build the binary: %w", err)
			return
		}
		binaryPath = filepath.Join(binaryDir, "policydesk")
		args := []string{"build", "-o", binaryPath}
		if os.Getenv("POLICYDESK_E2E_RACE") == "1" {
			args = append(args, "-race")
		}
		cmd := exec.Command(goTool, append(args, ".")...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			binaryErr = fmt.Errorf("go build ./cmd/policydesk: %v\n%s", err, out)
		}
	})
	if binaryErr != nil {
		tb.Fatal(binaryErr)
	}
	return binaryPath
}

// lockedBuffer collects a process's output; the process writes from its own
// goroutines while the test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testServer is one running policydesk process.
type testServer struct {
	URL     string // http://127.0.0.1:port
	DataDir string

	cmd     *exec.Cmd
	logs    *lockedBuffer
	done    chan struct{} // closed when the process has exited
	waitErr error
	stopped bool
}

// startServer runs the binary on a free loopback port with dataDir ("" for a
// fresh temporary one) and extraEnv, and waits until /healthz answers. The cleanup stops it
// with SIGTERM and fails the test unless it exits 0.
func startServer(tb testing.TB, dataDir string, extraEnv ...string) *testServer {
	tb.Helper()
	bin := policydeskBinary(tb)
	if dataDir == "" {
		dataDir = tb.TempDir()
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		s, err := launch(bin, dataDir, extraEnv...)
		if err == nil {
			s.stopAtEnd(tb)
			return s
		}
		lastErr = err
		// Another process may have taken the port between our probe and the
		// server's listen; try another one.
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	tb.Fatalf("starting policydesk: %v", lastErr)
	return nil
}

// stopAtEnd stops s when tb ends, and shows its log if tb failed.
func (s *testServer) stopAtEnd(tb testing.TB) {
	tb.Cleanup(func() {
		s.Stop(tb)
		if tb.Failed() {
			tb.Logf("server log (%s):\n%s", s.URL, s.logs.String())
		}
	})
}

func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// launch starts the binary with the server's environment plus extraEnv.
func launch(bin, dataDir string, extraEnv ...string) (*testServer, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	s := &testServer{URL: "http://" + addr, DataDir: dataDir, logs: &lockedBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Env = append(serverEnv(addr, dataDir), extraEnv...)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.done)
	}()
	if err := s.waitHealthy(30 * time.Second); err != nil {
		s.cmd.Process.Kill()
		<-s.done
		return nil, fmt.Errorf("%w\n%s", err, s.logs.String())
	}
	return s, nil
}

// serverEnv is the test process's environment without any POLICYDESK_
// setting of the developer's shell, plus the server's own.
func serverEnv(addr, dataDir string) []string {
	return append(cleanEnv(), "POLICYDESK_ADDR="+addr, "POLICYDESK_DATA="+dataDir,
		"POLICYDESK_ADMIN_PASSWORD="+e2eAdminPassword, "POLICYDESK_LOG_FORMAT=text",
		// The pages these tests read are in English; the language tests
		// ask for the others.
		"POLICYDESK_LANGUAGE=en")
}

// cleanEnv is os.Environ() without POLICYDESK_ variables.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "POLICYDESK_") {
			env = append(env, kv)
		}
	}
	return env
}

func (s *testServer) waitHealthy(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return fmt.Errorf("policydesk exited before it served: %v", s.waitErr)
		default:
		}
		resp, err := client.Get(s.URL + "/healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	return fmt.Errorf("policydesk did not answer /healthz within %s", timeout)
}

// Stop sends SIGTERM and fails the test unless the process shuts down
// gracefully (exit status 0) in time. Stopping twice is a no-op.
func (s *testServer) Stop(tb testing.TB) {
	tb.Helper()
	if err := s.shutdown(); err != nil {
		tb.Error(err)
	}
}

// shutdown sends SIGTERM and waits for a graceful exit (status 0); it
// returns the problem, so fixtures that outlive a test can use it too.
func (s *testServer) shutdown() error {
	if s.stopped {
		return nil
	}
	s.stopped = true
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("policydesk did not shut down within 30s of SIGTERM\n%s", s.logs.String())
	}
	if s.waitErr != nil {
		return fmt.Errorf("policydesk did not shut down gracefully: %v\n%s", s.waitErr, s.logs.String())
	}
	return nil
}

// Kill ends the process with SIGKILL, as a power cut or the OOM killer would.
func (s *testServer) Kill(tb testing.TB) {
	tb.Helper()
	s.stopped = true
	if err := s.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		tb.Fatalf("SIGKILL: %v", err)
	}
	<-s.done
}

// Logs returns what the process has written so far.
func (s *testServer) Logs() string { return s.logs.String() }

// apiClient speaks the JSON API with a bearer token.
type apiClient struct {
	base  string
	token string
	http  *http.Client
}

// apiError is a non-2xx answer.
type apiError struct {
	Status int
	Body   []byte
}

func (e *apiError) Error() string {
	return fmt.Sprintf("HTTP %d: %s", e.Status, bytes.TrimSpace(e.Body))
}

func statusOfErr(err error) int {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// loginAPI opens a session through POST /api/v1/sessions.
func loginAPI(tb testing.TB, base, login, password string) *apiClient {
	tb.Helper()
	// Keep-alive connections for every worker of the load and crash tests.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns, transport.MaxIdleConnsPerHost = 256, 256
	tb.Cleanup(transport.CloseIdleConnections)
	c := &apiClient{base: base, http: &http.Client{Timeout: 30 * time.Second, Transport: transport}}
	var out struct {
		Token string `json:"token"`
		User  struct {
			Login string `json:"login"`
			Role  string `json:"role"`
		} `json:"user"`
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.do(ctx, http.MethodPost, "/api/v1/sessions", map[string]string{"login": login, "password": password}, &out); err != nil {
		tb.Fatalf("login as %s: %v", login, err)
	}
	if out.Token == "" || out.User.Login != login {
		tb.Fatalf("login as %s: unexpected answer %+v", login, out)
	}
	c.token = out.Token
	return c
}

// do sends in as JSON (when not nil) and decodes a 2xx answer into out (when
// not nil). A non-2xx answer is an *apiError.
func (c *apiClient) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &apiError{Status: resp.StatusCode, Body: data}
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: decoding %q: %w", method, path, data, err)
		}
	}
	return nil
}

type documentJSON struct {
	ID         int64  `json:"id"`
	Title      string `json:"title"`
	Kind       string `json:"kind"`
	Language   string `json:"language"`
	Status     string `json:"status"`
	Visibility string `json:"visibility"`
	Head       int    `json:"head"`
}

type versionJSON struct {
	Number  int    `json:"number"`
	Body    string `json:"body"`
	SHA256  string `json:"sha256"`
	Author  string `json:"author"`
	Message string `json:"message"`
}

// createDocument creates a regulation in Albanian through the API.
func (c *apiClient) createDocument(tb testing.TB, title, body string) *documentJSON {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var doc documentJSON
	in := map[string]string{"title": title, "kind": "regulation", "language": "sq", "visibility": "internal",
		"body": body, "message": "Drafti i parë"}
	if err := c.do(ctx, http.MethodPost, "/api/v1/documents", in, &doc); err != nil {
		tb.Fatalf("creating %q: %v", title, err)
	}
	if doc.ID == 0 || doc.Head != 1 {
		tb.Fatalf("creating %q: unexpected answer %+v", title, doc)
	}
	return &doc
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// runCommand runs the binary with args (a subcommand such as check) and
// returns its combined output.
func runCommand(tb testing.TB, args ...string) (string, error) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, policydeskBinary(tb), args...)
	cmd.Env = cleanEnv()
	out, err := cmd.CombinedOutput()
	return string(out), err
}
