package main

// End-to-end tests of attachments against the real binary and a real MinIO:
// an object-store outage and recovery, the server's memory while streaming a
// large file, and the throughput of the service against minio-go direct.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"policydesk/storage/s3"
	"policydesk/storage/s3/s3test"
)

// s3Env is the server environment that puts attachments in cfg's bucket.
func s3Env(cfg s3.Config) []string {
	return []string{"POLICYDESK_S3_ENDPOINT=" + cfg.Endpoint, "POLICYDESK_S3_ACCESS_KEY=" + cfg.AccessKey,
		"POLICYDESK_S3_SECRET_KEY=" + cfg.SecretKey, "POLICYDESK_S3_BUCKET=" + cfg.Bucket}
}

type uploadedJSON struct {
	ID          int64  `json:"id"`
	Filename    string `json:"filename"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	ContentType string `json:"content_type"`
}

// uploadStream sends r as the file field of a multipart body streamed
// through a pipe: the body is never in memory on the client either.
func (c *apiClient) uploadStream(ctx context.Context, docID int64, filename string, r io.Reader) (*uploadedJSON, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		fw, err := mw.CreateFormFile("file", filename)
		if err == nil {
			_, err = io.Copy(fw, r)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/v1/documents/"+strconv.FormatInt(docID, 10)+"/attachments", pr)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		pr.CloseWithError(err)
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusCreated {
		return nil, &apiError{Status: resp.StatusCode, Body: data}
	}
	var out uploadedJSON
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// download streams an attachment into w and returns its SHA-256.
func (c *apiClient) download(ctx context.Context, id int64, w io.Writer) (string, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/api/v1/attachments/"+strconv.FormatInt(id, 10), nil)
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(resp.Body)
		return "", 0, &apiError{Status: resp.StatusCode, Body: data}
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(h, w), resp.Body)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// longClient is an apiClient without the 30 s timeout, for large files.
func longClient(tb testing.TB, base string) *apiClient {
	c := loginAPI(tb, base, "admin", e2eAdminPassword)
	c.http = &http.Client{Transport: c.http.Transport}
	return c
}

func readyz(tb testing.TB, base string) (int, map[string]string) {
	tb.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]string
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func errorCode(err error) (int, string, string) {
	ae, ok := err.(*apiError)
	if !ok {
		return 0, "", fmt.Sprint(err)
	}
	var body struct {
		Error struct{ Code, Message string }
	}
	json.Unmarshal(ae.Body, &body)
	return ae.Status, body.Error.Code, body.Error.Message
}

func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)}).Read(b)
	return b
}

// browserGet logs in through the form and GETs path with the cookie.
func browserGet(tb testing.TB, base, path string) (int, string) {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	resp := formLogin(tb, client, base, "admin", e2eAdminPassword, path)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(body)
}

func TestAttachmentsMinIOOutage(t *testing.T) {
	cfg, stop, restart := s3test.StartMinIO(t)
	srv := startServer(t, "", s3Env(cfg)...)
	admin := longClient(t, srv.URL)
	doc := admin.createDocument(t, "Memorandum me shtojca", "Neni 1\n\nTeksti i parë.")
	ctx := t.Context()

	files := map[string][]byte{
		"Shtojca – fëmijët.pdf": append([]byte("%PDF-1.7\n"), randomBytes(300<<10, 1)...),
		"Прилог 1.docx":         randomBytes(17<<20, 2), // more than one 16 MiB part
	}
	ids := map[string]int64{}
	for name, data := range files {
		att, err := admin.uploadStream(ctx, doc.ID, name, bytes.NewReader(data))
		if err != nil {
			t.Fatalf("upload %s: %v", name, err)
		}
		if att.Filename != name || att.Size != int64(len(data)) || att.SHA256 != sha256Hex(string(data)) {
			t.Fatalf("upload %s: %+v", name, att)
		}
		ids[name] = att.ID
	}
	checkAll := func(when string) {
		t.Helper()
		for name, data := range files {
			var buf bytes.Buffer
			sum, _, err := admin.download(ctx, ids[name], &buf)
			if err != nil {
				t.Fatalf("%s: download %s: %v", when, name, err)
			}
			if !bytes.Equal(buf.Bytes(), data) || sum != sha256Hex(string(data)) {
				t.Fatalf("%s: %s downloaded %d bytes, not the %d uploaded", when, name, buf.Len(), len(data))
			}
		}
	}
	checkAll("before the outage")
	if status, out := readyz(t, srv.URL); status != 200 || out["blobs"] != "ok" {
		t.Fatalf("readyz before the outage: %d %v", status, out)
	}

	stop()
	start := time.Now()
	_, err := admin.uploadStream(ctx, doc.ID, "during.pdf", strings.NewReader("%PDF-1.4 during the outage"))
	status, code, msg := errorCode(err)
	if status != 503 || code != "unavailable" || !strings.Contains(strings.ToLower(msg), "unavailable") {
		t.Errorf("upload during the outage: %d %q %q, want 503 unavailable", status, code, msg)
	}
	t.Logf("upload during the outage answered %d in %v: %s", status, time.Since(start).Round(time.Millisecond), msg)
	if strings.Contains(msg, cfg.Endpoint) || strings.Contains(strings.ToLower(msg), "refused") {
		t.Errorf("the message leaks the cause: %q", msg)
	}
	_, _, err = admin.download(ctx, ids["Прилог 1.docx"], io.Discard)
	if status, code, _ := errorCode(err); status != 503 || code != "unavailable" {
		t.Errorf("download during the outage: %v, want 503 unavailable", err)
	}
	if status, out := readyz(t, srv.URL); status != 503 || out["blobs"] != "down" || out["database"] != "ok" {
		t.Errorf("readyz during the outage: %d %v, want 503 naming blobs down", status, out)
	}
	// Drafting goes on.
	var v versionJSON
	if err := admin.do(ctx, "POST", "/api/v1/documents/"+strconv.FormatInt(doc.ID, 10)+"/versions",
		map[string]any{"base": 1, "body": "Neni 1\n\nTeksti i dytë.", "message": "Gjatë ndërprerjes"}, &v); err != nil || v.Number != 2 {
		t.Errorf("saving a version during the outage: %+v %v", v, err)
	}
	var list struct {
		Attachments []uploadedJSON `json:"attachments"`
	}
	if err := admin.do(ctx, "GET", "/api/v1/documents/"+strconv.FormatInt(doc.ID, 10)+"/attachments", nil, &list); err != nil || len(list.Attachments) != 2 {
		t.Errorf("attachment list during the outage: %+v %v", list, err)
	}
	pageStatus, page := browserGet(t, srv.URL, "/documents/"+strconv.FormatInt(doc.ID, 10))
	if pageStatus != 200 || !strings.Contains(page, "Shtojca – fëmijët.pdf") || !strings.Contains(page, "Прилог 1.docx") {
		t.Errorf("document page during the outage: %d, attachments listed: %v", pageStatus, strings.Contains(page, "Прилог 1.docx"))
	}

	restart()
	att, err := admin.uploadStream(ctx, doc.ID, "after.pdf", strings.NewReader("%PDF-1.4 after the outage"))
	if err != nil {
		t.Fatalf("upload after MinIO came back (no app restart): %v", err)
	}
	files["after.pdf"], ids["after.pdf"] = []byte("%PDF-1.4 after the outage"), att.ID
	checkAll("after the outage")
	if status, out := readyz(t, srv.URL); status != 200 || out["blobs"] != "ok" {
		t.Errorf("readyz after the outage: %d %v", status, out)
	}
}

// memStatus reads VmRSS and VmHWM (bytes) of a process.
func memStatus(pid int) (rss, hwm int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(fields[1], 10, 64)
		switch fields[0] {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			hwm = kb << 10
		}
	}
	return rss, hwm, sc.Err()
}

// rssPeak polls VmRSS every 20 ms until stopped and returns the peak; it
// also resets the kernel's high-water mark so VmHWM covers only this phase.
type rssPeak struct {
	pid  int
	peak atomic.Int64
	stop chan struct{}
	done chan struct{}
}

func watchRSS(pid int) *rssPeak {
	p := &rssPeak{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) // resets VmHWM where allowed
	go func() {
		defer close(p.done)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			if rss, _, err := memStatus(pid); err == nil && rss > p.peak.Load() {
				p.peak.Store(rss)
			}
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// Stop returns the larger of the polled peak and VmHWM.
func (p *rssPeak) Stop() int64 {
	close(p.stop)
	<-p.done
	peak := p.peak.Load()
	if _, hwm, err := memStatus(p.pid); err == nil && hwm > peak {
		peak = hwm
	}
	return peak
}

// genReader yields n pseudo-random bytes without holding them.
type genReader struct {
	src  *rand.ChaCha8
	left int64
}

func newGenReader(n int64, seed byte) *genReader {
	return &genReader{src: rand.NewChaCha8([32]byte{seed}), left: n}
}

func (g *genReader) Read(p []byte) (int, error) {
	if g.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > g.left {
		p = p[:g.left]
	}
	n, _ := g.src.Read(p)
	g.left -= int64(n)
	return n, nil
}

func TestAttachmentMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 200 MiB")
	}
	const size = 200 << 20
	const budget = 64 << 20
	cfg, _, _ := s3test.StartMinIO(t)
	srv := startServer(t, "", append(s3Env(cfg), "POLICYDESK_MAX_UPLOAD_BYTES="+strconv.Itoa(300<<20))...)
	pid := srv.cmd.Process.Pid
	admin := longClient(t, srv.URL)
	doc := admin.createDocument(t, "Skanime", "Neni 1\n\nTekst.")
	ctx := t.Context()

	// Warm up: the bucket, the S3 client, the handlers, the templates.
	warm, err := admin.uploadStream(ctx, doc.ID, "warm.bin", newGenReader(1<<20, 9))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := admin.download(ctx, warm.ID, io.Discard); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	baseline, hwm0, err := memStatus(pid)
	if err != nil {
		t.Fatal(err)
	}

	w := watchRSS(pid)
	h := sha256.New()
	start := time.Now()
	att, err := admin.uploadStream(ctx, doc.ID, "skanim i madh.pdf", io.TeeReader(newGenReader(size, 1), h))
	if err != nil {
		w.Stop()
		t.Fatalf("uploading 200 MiB: %v", err)
	}
	upTime := time.Since(start)
	peakUp := w.Stop()
	want := hex.EncodeToString(h.Sum(nil))
	if att.Size != size || att.SHA256 != want {
		t.Fatalf("upload: %+v, want size %d sha %s", att, size, want)
	}

	beforeDown, _, _ := memStatus(pid)
	w = watchRSS(pid)
	start = time.Now()
	sum, n, err := admin.download(ctx, att.ID, io.Discard)
	downTime := time.Since(start)
	peakDown := w.Stop()
	if err != nil || n != size || sum != want {
		t.Fatalf("download: %d bytes, sha %s, %v; want %d, %s", n, sum, err, size, want)
	}
	mb := func(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
	t.Logf("server RSS: baseline %s (VmHWM %s), peak during upload %s (+%s, %.0f MB/s), peak during download %s (+%s over baseline, +%s over its start, %.0f MB/s)",
		mb(baseline), mb(hwm0), mb(peakUp), mb(peakUp-baseline), float64(size)/1e6/upTime.Seconds(),
		mb(peakDown), mb(peakDown-baseline), mb(peakDown-beforeDown), float64(size)/1e6/downTime.Seconds())
	if peakUp-baseline >= budget {
		t.Errorf("uploading 200 MiB grew the server by %s; budget %s", mb(peakUp-baseline), mb(budget))
	}
	if peakDown-baseline >= budget {
		t.Errorf("downloading 200 MiB grew the server by %s; budget %s", mb(peakDown-baseline), mb(budget))
	}
}

// attBenchFixture is one MinIO and one server shared by every run of the
// benchmark; TestMain tears them down.
type attBenchFixture struct {
	srv    *testServer
	cfg    s3.Config
	admin  *apiClient
	direct *minio.Client
	docID  int64
}

var (
	attBenchOnce sync.Once
	attBenchFix  *attBenchFixture
	attBenchErr  error
)

func attachmentBenchFixture(b *testing.B) *attBenchFixture {
	b.Helper()
	bin := s3test.NeedBinary(b)
	pd := policydeskBinary(b)
	attBenchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "policydesk-bench-att-")
		if err != nil {
			attBenchErr = err
			return
		}
		runAtExit(func() error { return os.RemoveAll(dir) })
		m, err := s3test.NewServer(bin, dir)
		if err == nil {
			err = m.Start()
		}
		if err != nil {
			attBenchErr = err
			return
		}
		runAtExit(func() error { m.Stop(); return nil })
		cfg := m.Config(s3test.NewBucketName())
		srv, err := launch(pd, filepath.Join(dir, "data"), append(s3Env(cfg), "POLICYDESK_MAX_UPLOAD_BYTES="+strconv.Itoa(300<<20))...)
		if err != nil {
			attBenchErr = err
			return
		}
		runAtExit(srv.shutdown)
		direct, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, "")})
		if err != nil {
			attBenchErr = err
			return
		}
		attBenchFix = &attBenchFixture{srv: srv, cfg: cfg, direct: direct}
	})
	if attBenchErr != nil {
		b.Fatal(attBenchErr)
	}
	f := attBenchFix
	if f.admin == nil {
		f.admin = longClient(b, f.srv.URL)
		f.docID = f.admin.createDocument(b, "Benchmark", "Neni 1\n\nTekst.").ID
	}
	return f
}

// repeatReader yields n bytes cycling through block: a cheap source, so
// the benchmark measures transport and storage, not a generator.
type repeatReader struct {
	block []byte
	off   int
	left  int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n := copy(p, r.block[r.off:])
	r.off = (r.off + n) % len(r.block)
	r.left -= int64(n)
	return n, nil
}

var attBenchBlock = randomBytes(1<<20, 7)

func BenchmarkAttachmentThroughput(b *testing.B) {
	const size = 64 << 20
	f := attachmentBenchFixture(b)
	ctx := context.Background()
	var svcUp, svcDown, dirUp, dirUpKnown, dirDown time.Duration
	mbps := func(d time.Duration) float64 { return float64(size) * float64(b.N) / 1e6 / d.Seconds() }
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Through the service: HTTP multipart to the binary, which streams
		// to MinIO with the size unknown.
		start := time.Now()
		att, err := f.admin.uploadStream(ctx, f.docID, "bench.bin", &repeatReader{block: attBenchBlock, left: size})
		if err != nil {
			b.Fatal(err)
		}
		svcUp += time.Since(start)
		// Read as the direct path reads: no hashing on the client.
		start = time.Now()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.admin.base+"/api/v1/attachments/"+strconv.FormatInt(att.ID, 10), nil)
		req.Header.Set("Authorization", "Bearer "+f.admin.token)
		resp, err := f.admin.http.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != size || resp.StatusCode != 200 {
			b.Fatalf("download: %d %d %v", resp.StatusCode, n, err)
		}
		svcDown += time.Since(start)

		// minio-go straight to the same MinIO, as the service calls it
		// (size unknown, 16 MiB parts, one thread) ...
		key := fmt.Sprintf("bench/direct-%d", i)
		start = time.Now()
		if _, err := f.direct.PutObject(ctx, f.cfg.Bucket, key, struct{ io.Reader }{&repeatReader{block: attBenchBlock, left: size}}, -1,
			minio.PutObjectOptions{ContentType: "application/octet-stream", PartSize: s3.PartSize, NumThreads: 1}); err != nil {
			b.Fatal(err)
		}
		dirUp += time.Since(start)
		// ... and with the size known (minio-go's own choice of parts).
		start = time.Now()
		if _, err := f.direct.PutObject(ctx, f.cfg.Bucket, key+"-known", &repeatReader{block: attBenchBlock, left: size}, size,
			minio.PutObjectOptions{ContentType: "application/octet-stream"}); err != nil {
			b.Fatal(err)
		}
		dirUpKnown += time.Since(start)
		start = time.Now()
		obj, err := f.direct.GetObject(ctx, f.cfg.Bucket, key, minio.GetObjectOptions{})
		if err != nil {
			b.Fatal(err)
		}
		n, err = io.Copy(io.Discard, obj)
		obj.Close()
		if err != nil || n != size {
			b.Fatalf("direct get: %d %v", n, err)
		}
		dirDown += time.Since(start)

		b.StopTimer()
		f.admin.do(ctx, "DELETE", "/api/v1/attachments/"+strconv.FormatInt(att.ID, 10), nil, nil)
		f.direct.RemoveObject(ctx, f.cfg.Bucket, key, minio.RemoveObjectOptions{})
		f.direct.RemoveObject(ctx, f.cfg.Bucket, key+"-known", minio.RemoveObjectOptions{})
		b.StartTimer()
	}
	b.ReportMetric(mbps(svcUp), "svc-up-MB/s")
	b.ReportMetric(mbps(svcDown), "svc-down-MB/s")
	b.ReportMetric(mbps(dirUp), "direct-up-MB/s")
	b.ReportMetric(mbps(dirUpKnown), "direct-up-known-MB/s")
	b.ReportMetric(mbps(dirDown), "direct-down-MB/s")
	b.ReportMetric(mbps(svcUp)/mbps(dirUp), "up-ratio")
	b.ReportMetric(mbps(svcUp)/mbps(dirUpKnown), "up-ratio-known")
	b.ReportMetric(mbps(svcDown)/mbps(dirDown), "down-ratio")
}
