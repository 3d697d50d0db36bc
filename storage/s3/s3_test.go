package s3_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"policydesk"
	"policydesk/drafts/attachments"
	"policydesk/storage/blobtest"
	"policydesk/storage/s3"
	"policydesk/storage/s3/s3test"
)

// shared is the MinIO most tests use; tests that stop their server start
// their own.
var shared *s3test.Server

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	bin, err := s3test.Binary()
	if err != nil {
		if s3test.Required() {
			fmt.Fprintf(os.Stderr, "FAIL: MinIO is required (POLICYDESK_REQUIRE_MINIO=1 or CI=true): %v\n", err)
			return 1
		}
		// Every test skips through s3test.NeedBinary, saying why.
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "policydesk-minio-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	srv, err := s3test.NewServer(bin, dir)
	if err == nil {
		err = srv.Start()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
		return 1
	}
	defer srv.Stop()
	shared = srv
	return m.Run()
}

func sharedServer(t *testing.T) *s3test.Server {
	t.Helper()
	if shared == nil {
		s3test.NeedBinary(t) // skips, or fails when MinIO is required
		t.Fatal("the shared MinIO did not start")
	}
	return shared
}

func TestConformance(t *testing.T) {
	srv := sharedServer(t)
	blobtest.Run(t, func(t *testing.T) attachments.BlobStore {
		cfg := srv.Config(s3test.NewBucketName())
		t.Cleanup(func() { checkNoIncompleteUploads(t, cfg) })
		return s3test.OpenStore(t, cfg)
	})
}

// quick bounds how long a call may take while the server is down.
const quick = 5 * time.Second

// TestStartWhileDown: the service starts with MinIO down, calls fail fast
// with EUnavailable, and once MinIO comes up the same store works, creating
// its bucket.
func TestStartWhileDown(t *testing.T) {
	srv, err := s3test.NewServer(s3test.NeedBinary(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	cfg := srv.Config(s3test.NewBucketName())
	store := s3test.OpenStore(t, cfg) // nothing listens yet

	checkDown(t, store, "att/while-down")
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	checkUp(t, store, "att/after-start")
}

// TestServerRestart: MinIO stops mid-test and comes back on the same data;
// the store reports EUnavailable meanwhile and then works again with what
// was stored before.
func TestServerRestart(t *testing.T) {
	cfg, stop, restart := s3test.StartMinIO(t)
	store := s3test.OpenStore(t, cfg)
	blobtest.MustPut(t, store, "att/before", []byte("stored before the outage"))

	stop()
	checkDown(t, store, "att/during")

	restart()
	if got := blobtest.MustGet(t, store, "att/before"); string(got) != "stored before the outage" {
		t.Fatalf("after restart: %q", got)
	}
	checkUp(t, store, "att/after-restart")
}

// checkDown checks every call fails quickly with EUnavailable, the cause
// kept for the logs and out of the user's message.
func checkDown(t *testing.T, store *s3.Store, key string) {
	t.Helper()
	ctx := t.Context()
	calls := map[string]func() error{
		"Put": func() error {
			return store.Put(ctx, key, bytes.NewReader([]byte("x")), 1, "text/plain")
		},
		"PutUnknownSize": func() error {
			return store.Put(ctx, key, blobtest.NewGenerator(1, 1<<20), -1, "")
		},
		"Get": func() error {
			rc, _, err := store.Get(ctx, key)
			if err == nil {
				rc.Close()
			}
			return err
		},
		"Delete": func() error { return store.Delete(ctx, key) },
		"List": func() error {
			return store.List(ctx, "", func(attachments.BlobInfo) error { return nil })
		},
		"Ping": func() error { return store.Ping(ctx) },
	}
	for name, call := range calls {
		start := time.Now()
		err := call()
		took := time.Since(start)
		t.Logf("%s while down: %v after %v", name, policydesk.ErrorCode(err), took.Round(time.Millisecond))
		if code := policydesk.ErrorCode(err); code != policydesk.EUnavailable {
			t.Errorf("%s while down: %v (code %q), want %s", name, err, code, policydesk.EUnavailable)
			continue
		}
		if took > quick {
			t.Errorf("%s while down took %v, want under %v", name, took, quick)
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("%s while down: %v does not keep its cause", name, err)
		}
		if msg := policydesk.ErrorMessage(err); strings.Contains(msg, "127.0.0.1") || strings.Contains(msg, "refused") {
			t.Errorf("%s: user-facing message leaks detail: %q", name, msg)
		}
	}
}

func checkUp(t *testing.T, store *s3.Store, key string) {
	t.Helper()
	if err := store.Ping(t.Context()); err != nil {
		t.Fatalf("Ping once up: %v", err)
	}
	blobtest.MustPut(t, store, key, []byte("works again"))
	if got := blobtest.MustGet(t, store, key); string(got) != "works again" {
		t.Fatalf("Get once up: %q", got)
	}
}

// TestBadCredentials: a store it cannot use is down for /readyz.
func TestBadCredentials(t *testing.T) {
	srv := sharedServer(t)
	cfg := srv.Config(s3test.NewBucketName())
	cfg.SecretKey = "wrong-secret"
	store := s3test.OpenStore(t, cfg)
	err := store.Ping(t.Context())
	if policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Fatalf("Ping with a wrong secret: %v, want %s", err, policydesk.EUnavailable)
	}
}

func TestOpenRefusesBadConfig(t *testing.T) {
	for _, cfg := range []s3.Config{
		{Endpoint: "", Bucket: "attachments"},
		{Endpoint: "http://127.0.0.1:9000", Bucket: "attachments"},
		{Endpoint: "127.0.0.1:9000", Bucket: "Bad_Bucket"},
		{Endpoint: "127.0.0.1:9000", Bucket: ""},
	} {
		if _, err := s3.Open(t.Context(), cfg); err == nil {
			t.Errorf("Open(%+v) succeeded", cfg)
		}
	}
}

// checkNoIncompleteUploads: failed Puts leave no parts behind.
func checkNoIncompleteUploads(t *testing.T, cfg s3.Config) {
	t.Helper()
	client, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if ok, err := client.BucketExists(ctx, cfg.Bucket); err != nil || !ok {
		return
	}
	for u := range client.ListIncompleteUploads(ctx, cfg.Bucket, "", true) {
		if u.Err != nil {
			t.Errorf("listing incomplete uploads: %v", u.Err)
			return
		}
		t.Errorf("incomplete upload left for %s", u.Key)
	}
}

// TestLostAnswerRemovesObject: the server stores the object but its answer
// never arrives (a proxy drops it). Put fails, and since the object under
// key is the one this Put wrote, it is removed: nothing remains.
func TestLostAnswerRemovesObject(t *testing.T) {
	srv := sharedServer(t)
	target, _ := url.Parse("http://" + srv.Addr)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.Method == http.MethodPut && strings.HasSuffix(resp.Request.URL.Path, "/att/lost") {
			return errors.New("answer lost")
		}
		return nil
	}
	proxy.ErrorLog = log.New(io.Discard, "", 0)
	front := httptest.NewServer(proxy)
	t.Cleanup(front.Close)

	cfg := srv.Config(s3test.NewBucketName())
	cfg.Endpoint = strings.TrimPrefix(front.URL, "http://")
	store := s3test.OpenStore(t, cfg)
	blobtest.MustPut(t, store, "att/kept", []byte("other object"))

	err := store.Put(t.Context(), "att/lost", bytes.NewReader([]byte("stored, answer lost")), 19, "")
	if err == nil {
		t.Fatal("Put succeeded through a proxy that drops the answer")
	}
	blobtest.MustNotExist(t, store, "att/lost")
	if got := blobtest.MustGet(t, store, "att/kept"); string(got) != "other object" {
		t.Fatalf("neighbour changed: %q", got)
	}
}
