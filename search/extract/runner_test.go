package extract_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"policydesk/search/extract"
	"policydesk/search/extract/extracttest"
)

// childEnv switches the test binary into the extraction child, so that the
// runner's tests start a real child process of the same code, as the
// service starts its own binary.
const childEnv = "POLICYDESK_EXTRACT_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(extract.Child(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func testRunner(t testing.TB, timeout time.Duration, memory int64) *extract.Runner {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return &extract.Runner{Command: []string{exe}, Env: append(os.Environ(), childEnv+"=1"), Timeout: timeout, Memory: memory}
}

// children lists the processes whose parent is this one.
func children(t testing.TB) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	self := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut after ')'.
		rest := string(stat[bytes.LastIndexByte(stat, ')')+1:])
		fields := strings.Fields(rest)
		if len(fields) > 1 {
			if ppid, _ := strconv.Atoi(fields[1]); ppid == self {
				out = append(out, pid)
			}
		}
	}
	return out
}

func TestRunner_ReadsInAChild(t *testing.T) {
	// The production budget: reading a 16 MiB file under the race
	// detector's shadow memory came near a smaller one on a loaded machine.
	r := testRunner(t, 10*time.Second, extract.DefaultMemory)
	ctx := context.Background()
	text, err := r.Text(ctx, "mou.pdf", "application/pdf", bytes.NewReader(fpdfFile(t, "Academy of Justice")))
	if err != nil || !strings.Contains(text, "Academy of Justice") {
		t.Fatalf("pdf through the child: %q %v", text, err)
	}
	text, err = r.Text(ctx, "MoU.docx", "", bytes.NewReader(extracttest.TextDOCX("Akademia e Drejtësisë")))
	if err != nil || text != "Akademia e Drejtësisë\n" {
		t.Fatalf("docx through the child: %q %v", text, err)
	}
	if _, err := r.Text(ctx, "photo.png", "", strings.NewReader("x")); !errors.Is(err, extract.ErrUnsupported) {
		t.Fatalf("png: %v, want ErrUnsupported", err)
	}
	// Every poison file comes back refused, with the reason the child gave.
	for _, p := range poison {
		_, err := r.Text(ctx, p.name, "", bytes.NewReader(p.data()))
		var re *extract.RefusedError
		if !errors.As(err, &re) || !strings.Contains(re.Reason, p.want) {
			t.Errorf("%s through the child: %v, want refused saying %q", p.name, err, p.want)
		}
	}
	// A file over the input limit is refused by the child too.
	big := append(extracttest.TextPDF("x"), bytes.Repeat([]byte(" "), extract.MaxInput)...)
	var re *extract.RefusedError
	if _, err := r.Text(ctx, "big.pdf", "", bytes.NewReader(big)); !errors.As(err, &re) || !strings.Contains(re.Reason, "larger than 16 MiB") {
		t.Errorf("a PDF over 16 MiB: %v, want refused as too large", err)
	}
	if c := children(t); len(c) != 0 {
		t.Errorf("children left running: %v", c)
	}
}

// TestRunner_HangingReaderIsStopped: a PDF on which the reader loops for
// ever, inside the library where no check can see, is stopped when its
// time is up; the child is gone.
func TestRunner_HangingReaderIsStopped(t *testing.T) {
	r := testRunner(t, 1500*time.Millisecond, 256<<20)
	start := time.Now()
	_, err := r.Text(context.Background(), "xref-loop.pdf", "", bytes.NewReader(extracttest.XrefLoopPDF()))
	took := time.Since(start)
	var le *extract.LimitError
	if !errors.As(err, &le) || !strings.Contains(le.Reason, "longer than 1.5s") {
		t.Fatalf("hanging PDF: %v, want a time limit error", err)
	}
	t.Logf("stopped after %v: %v", took, err)
	if took > 5*time.Second {
		t.Errorf("took %v to stop a reader with a 1.5s budget", took)
	}
	if c := children(t); len(c) != 0 {
		t.Errorf("children left running: %v", c)
	}
}

// TestRunner_MemoryHogIsStopped: a 0.5 MB PDF whose page inflates to a
// 512 MiB string makes the reader allocate without bound; the child's own limit
// stops it and the error says memory.
func TestRunner_MemoryHogIsStopped(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("builds a 512 MiB inflating stream: slow with -short or -race")
	}
	hog := extracttest.HogPDF(512 << 20)
	r := testRunner(t, 60*time.Second, 128<<20)
	start := time.Now()
	_, err := r.Text(context.Background(), "hog.pdf", "", bytes.NewReader(hog))
	took := time.Since(start)
	t.Logf("%d-byte PDF stopped after %v: %v", len(hog), took, err)
	var le *extract.LimitError
	if !errors.As(err, &le) || !strings.Contains(le.Reason, "128 MiB of memory") {
		t.Fatalf("memory hog: %v, want a memory limit error", err)
	}
}

// TestRunner_CancelKillsTheChild: when the caller's context ends (the
// service shuts down), the child is killed at once and the error is the
// context's, not a verdict on the file.
func TestRunner_CancelKillsTheChild(t *testing.T) {
	r := testRunner(t, time.Minute, 256<<20)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := r.Text(ctx, "xref-loop.pdf", "", bytes.NewReader(extracttest.XrefLoopPDF()))
		done <- err
	}()
	deadline := time.Now().Add(10 * time.Second)
	for len(children(t)) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	kids := children(t)
	if len(kids) == 0 {
		t.Fatal("no child started")
	}
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Text did not return after its context was cancelled")
	}
	t.Logf("returned %v after cancel", time.Since(start))
	if c := children(t); len(c) != 0 {
		t.Errorf("children left running after cancel: %v (were %v)", c, kids)
	}
}

// BenchmarkRunner_SmallPDF is the cost of the child per attachment: a
// one-page PDF read in a child versus in this process.
func BenchmarkRunner_SmallPDF(b *testing.B) {
	data := fpdfFile(b, "Memorandum of Understanding with the Academy of Justice")
	r := testRunner(b, 20*time.Second, 512<<20)
	b.Run("child", func(b *testing.B) {
		times := make([]time.Duration, 0, b.N)
		for range b.N {
			start := time.Now()
			if _, err := r.Text(context.Background(), "a.pdf", "", bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
			times = append(times, time.Since(start))
		}
		slices.Sort(times)
		b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms")
	})
	b.Run("in-process", func(b *testing.B) {
		for range b.N {
			if _, err := extract.Text("a.pdf", "", bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRefusePoison is the time to refuse each poison file, in this
// process and through a child.
func BenchmarkRefusePoison(b *testing.B) {
	r := testRunner(b, 20*time.Second, 512<<20)
	for _, p := range poison {
		data := p.data()
		b.Run(p.name+"/in-process", func(b *testing.B) {
			for range b.N {
				if _, err := extract.Text(p.name, "", bytes.NewReader(data)); err == nil {
					b.Fatal("not refused")
				}
			}
		})
		b.Run(p.name+"/child", func(b *testing.B) {
			for range b.N {
				if _, err := r.Text(context.Background(), p.name, "", bytes.NewReader(data)); err == nil {
					b.Fatal("not refused")
				}
			}
		})
	}
}
