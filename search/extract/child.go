package extract

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Exit statuses of the child besides 0 (text on stdout).
const (
	exitFailed      = 1
	exitUnsupported = 3
	exitRefused     = 4 // the reason on stderr
)

// Child is the main of the extraction child process (`policydesk
// extract-text -kind pdf -memory BYTES -cpu DURATION`): it caps its own
// address space and processor time before it reads a byte, reads the file
// on stdin, writes the text on stdout and returns the exit status.
func Child(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("extract-text", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kind := fs.String("kind", "", "reader: plain, docx or pdf")
	memory := fs.Int64("memory", DefaultMemory, "bytes of memory the reader may use")
	cpu := fs.Duration("cpu", DefaultTimeout, "processor time the reader may use")
	if err := fs.Parse(args); err != nil {
		return exitFailed
	}
	if err := limitSelf(*memory, *cpu); err != nil {
		fmt.Fprintln(stderr, "setting the limits:", err)
		return exitFailed
	}
	go exitWithParent(os.Getppid())
	text, err := TextOfKind(*kind, stdin)
	var re *RefusedError
	switch {
	case errors.Is(err, ErrUnsupported):
		return exitUnsupported
	case errors.As(err, &re):
		fmt.Fprint(stderr, re.Reason)
		return exitRefused
	case err != nil:
		fmt.Fprintln(stderr, err)
		return exitFailed
	}
	w := bufio.NewWriter(stdout)
	w.WriteString(text)
	if err := w.Flush(); err != nil {
		return exitFailed
	}
	return 0
}

// limitSelf keeps the reader to one processor, makes the garbage collector
// work hard well before memory runs out, and sets hard limits the kernel
// enforces: the address space may grow by memory bytes beyond what the
// runtime has mapped at start (an allocation past it fails and the child
// dies with "out of memory"), and processor time is capped (SIGKILL).
func limitSelf(memory int64, cpu time.Duration) error {
	runtime.GOMAXPROCS(1)
	debug.SetMemoryLimit(memory / 2)
	base, err := addressSpace()
	if err != nil {
		return err
	}
	as := uint64(base + memory)
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: as, Max: as}); err != nil {
		return fmt.Errorf("RLIMIT_AS: %w", err)
	}
	secs := uint64(max(1, (cpu+time.Second-1)/time.Second))
	if err := syscall.Setrlimit(syscall.RLIMIT_CPU, &syscall.Rlimit{Cur: secs, Max: secs + 1}); err != nil {
		return fmt.Errorf("RLIMIT_CPU: %w", err)
	}
	return nil
}

// addressSpace is the process's current virtual size (VmSize) in bytes.
func addressSpace() (int64, error) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmSize:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("VmSize: %w", err)
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("no VmSize in /proc/self/status")
}

// exitWithParent ends the child when its parent is gone (a hard exit of
// the server), so no reader outlives the service.
func exitWithParent(parent int) {
	for range time.Tick(250 * time.Millisecond) {
		if os.Getppid() != parent {
			os.Exit(exitFailed)
		}
	}
}
