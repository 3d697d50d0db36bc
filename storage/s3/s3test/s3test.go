// Package s3test runs a real MinIO server for tests.
//
// The binary is POLICYDESK_MINIO_BIN, else <repo>/.tools/bin/minio (what
// `make deps` installs), else minio on PATH. When it is missing the tests
// skip, unless POLICYDESK_REQUIRE_MINIO=1 or CI=true: then they fail.
package s3test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"policydesk/storage/s3"
)

// Credentials of every server started here.
const (
	User     = "policydesk"
	Password = "policydesk-secret"
)

// readyTimeout bounds a start; a cold start takes about a second.
const readyTimeout = 60 * time.Second

// Binary returns the path of the minio binary, or an error naming what was
// tried.
func Binary() (string, error) {
	if p := os.Getenv("POLICYDESK_MINIO_BIN"); p != "" {
		if isExecutable(p) {
			return p, nil
		}
		if !Required() {
			// An unbuilt .tools/bin/minio named by the Makefile: try PATH.
			if p, err := exec.LookPath("minio"); err == nil {
				return p, nil
			}
		}
		return "", fmt.Errorf("POLICYDESK_MINIO_BIN=%s is not an executable file; run `make deps`", p)
	}
	if root, err := repoRoot(); err == nil {
		if p := filepath.Join(root, ".tools", "bin", "minio"); isExecutable(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath("minio"); err == nil {
		return p, nil
	}
	return "", errors.New("no minio binary: not in POLICYDESK_MINIO_BIN, .tools/bin/minio or PATH; run `make deps` to install it")
}

// Required tells whether a missing MinIO must fail the tests.
func Required() bool {
	return os.Getenv("POLICYDESK_REQUIRE_MINIO") == "1" || os.Getenv("CI") == "true"
}

// NeedBinary returns the minio binary, skipping t without one, or failing it
// when MinIO is required.
func NeedBinary(t testing.TB) string {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		if Required() {
			t.Fatalf("MinIO is required (POLICYDESK_REQUIRE_MINIO=1 or CI=true): %v", err)
		}
		t.Skipf("skipping S3 tests: %v", err)
	}
	return bin
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// repoRoot finds the directory holding go.mod above the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Server is a MinIO process on a fixed address and data directory, so it
// can be stopped and started again where it was.
type Server struct {
	Bin  string
	Addr string // 127.0.0.1:port of the S3 API
	Dir  string // data directory

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	out  *lockedWriter
}

// Output returns what the last started process printed.
func (s *Server) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.out == nil {
		return ""
	}
	return s.out.String()
}

// NewServer prepares a server on a free port with a data directory under
// dir; it is not running until Start.
func NewServer(bin, dir string) (*Server, error) {
	addr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	return &Server{Bin: bin, Addr: addr, Dir: filepath.Join(dir, "minio-data")}, nil
}

// Start runs the server and waits until /minio/health/ready answers.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("s3test: server already running")
	}
	console, err := FreeAddr()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.Dir, 0o750); err != nil {
		return err
	}
	cmd := exec.Command(s.Bin, "server", s.Dir, "--address", s.Addr, "--console-address", console, "--quiet")
	cmd.Env = append(os.Environ(),
		"MINIO_ROOT_USER="+User,
		"MINIO_ROOT_PASSWORD="+Password,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
	)
	out := &lockedWriter{w: &bytes.Buffer{}}
	cmd.Stdout, cmd.Stderr = out, out
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("s3test: starting %s: %w", s.Bin, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	s.cmd, s.done, s.out = cmd, done, out
	err = waitReady(s.Addr, done)
	if err == nil {
		err = waitServing(s.Addr, done)
	}
	if err != nil {
		s.stopLocked()
		return fmt.Errorf("s3test: minio on %s: %w\n%s", s.Addr, err, out.String())
	}
	return nil
}

// Stop ends the server (SIGTERM, then SIGKILL after a few seconds) and
// waits for it. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked()
}

func (s *Server) stopLocked() {
	if s.cmd == nil {
		return
	}
	terminate(s.cmd)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

// Config returns an s3.Config for bucket on this server. Region is left
// empty, as the service's configuration leaves it.
func (s *Server) Config(bucket string) s3.Config {
	return s3.Config{Endpoint: s.Addr, AccessKey: User, SecretKey: Password, Bucket: bucket}
}

func waitReady(addr string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case <-exited:
			return errors.New("exited before it was ready")
		default:
		}
		resp, err := client.Get("http://" + addr + "/minio/health/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %v (last: %v)", readyTimeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitServing waits until an authenticated request succeeds: the health
// check answers before MinIO has loaded IAM and its object layer, and until
// then every request gets XMinioServerNotInitialized.
func waitServing(addr string, exited <-chan struct{}) error {
	client, err := minio.New(addr, &minio.Options{Creds: credentials.NewStaticV4(User, Password, "")})
	if err != nil {
		return err
	}
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case <-exited:
			return errors.New("exited before it served requests")
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := client.ListBuckets(ctx)
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not serving after %v (last: %v)", readyTimeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// FreeAddr returns a 127.0.0.1 address nothing listens on right now.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// NewBucketName returns a fresh valid bucket name.
func NewBucketName() string {
	var b [8]byte
	rand.Read(b[:])
	return "test-" + hex.EncodeToString(b[:])
}

// StartServer starts a MinIO of its own for t, stopped at t's end. It skips
// or fails t as NeedBinary does.
func StartServer(t testing.TB) *Server {
	t.Helper()
	bin := NeedBinary(t)
	srv, err := NewServer(bin, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	return srv
}

// StartMinIO starts a MinIO for t and returns the config of a fresh bucket
// on it (created by the store on first use), stop to take the server down
// and restart to bring it back on the same address and data.
func StartMinIO(t testing.TB) (cfg s3.Config, stop func(), restart func()) {
	t.Helper()
	srv := StartServer(t)
	restart = func() {
		t.Helper()
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
	}
	return srv.Config(NewBucketName()), srv.Stop, restart
}

// OpenStore opens a store on cfg, failing t on error.
func OpenStore(t testing.TB, cfg s3.Config) *s3.Store {
	t.Helper()
	s, err := s3.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

func (w *lockedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.String()
}
