package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Default budget of one file.
const (
	DefaultTimeout = 20 * time.Second
	DefaultMemory  = 512 << 20
)

// LimitError is a file whose reading went over its budget of time or
// memory and was stopped.
type LimitError struct{ Reason string }

func (e *LimitError) Error() string { return e.Reason }

// Runner extracts text in a child process with a budget per file, so that
// no file, whatever the readers do with it, can hold the caller longer than
// Timeout or cost it any memory: the child is killed (with its process
// group) when the time is up or the caller's context ends, and it caps its
// own memory and processor time before reading (see Child).
type Runner struct {
	// Command starts the child: a program and its first arguments, such
	// as the service's own binary and "extract-text".
	Command []string
	// Env is the child's environment; nil inherits the caller's, an empty
	// slice gives none.
	Env []string
	// Timeout is the wall-clock budget of one file (DefaultTimeout if 0).
	Timeout time.Duration
	// Memory is the memory budget of one file (DefaultMemory if 0).
	Memory int64
}

func (r *Runner) limits() (time.Duration, int64) {
	timeout, memory := r.Timeout, r.Memory
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if memory <= 0 {
		memory = DefaultMemory
	}
	return timeout, memory
}

// Text extracts the text of a file. Plain text is read here; PDF and DOCX
// in a child. Errors: ErrUnsupported, *RefusedError (the file is refused by
// a reader's checks), *LimitError (over budget), ctx's error when ctx ended,
// others when the child could not run.
func (r *Runner) Text(ctx context.Context, filename, contentType string, in io.Reader) (string, error) {
	kind := KindOf(filename)
	switch kind {
	case "":
		return "", ErrUnsupported
	case KindPlain:
		return plain(in)
	}
	if len(r.Command) == 0 {
		return "", errors.New("no command to run the text reader")
	}
	timeout, memory := r.limits()
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	args := append(r.Command[1:len(r.Command):len(r.Command)], "-kind", kind,
		"-memory", fmt.Sprint(memory), "-cpu", timeout.String())
	cmd := exec.CommandContext(tctx, r.Command[0], args...)
	cmd.Env = r.Env
	// Pdeathsig: the kernel kills the reader the moment the server dies,
	// however busy the reader is; the child's own watch of its parent
	// (exitWithParent) stays as a second line.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	cmd.Stdin = io.LimitReader(in, MaxInput+1)
	stdout, stderr := &capped{max: MaxText}, &capped{max: 4 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	start := time.Now()
	err := cmd.Run()
	switch {
	case ctx.Err() != nil:
		return "", ctx.Err()
	case tctx.Err() != nil:
		return "", &LimitError{Reason: fmt.Sprintf("reading it took longer than %s", timeout)}
	case err == nil && stdout.over:
		return "", fmt.Errorf("the text reader wrote more than %d bytes", MaxText)
	case err == nil:
		return stdout.buf.String(), nil
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return "", fmt.Errorf("running the text reader: %w", err)
	}
	msg := strings.TrimSpace(stderr.buf.String())
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		if ws.Signal() == syscall.SIGKILL || ws.Signal() == syscall.SIGXCPU {
			return "", &LimitError{Reason: fmt.Sprintf("reading it went over its budget of %s of processor time or %d MiB of memory and was stopped after %s",
				timeout, memory>>20, time.Since(start).Round(time.Millisecond))}
		}
		return "", fmt.Errorf("the text reader was ended by %v", ws.Signal())
	}
	switch code := ee.ExitCode(); {
	case code == exitUnsupported:
		return "", ErrUnsupported
	case code == exitRefused && msg != "":
		return "", &RefusedError{Reason: msg}
	case strings.Contains(msg, "out of memory") || strings.Contains(msg, "stack exceeds") || strings.Contains(msg, "failed to allocate"):
		return "", &LimitError{Reason: fmt.Sprintf("reading it needed more than %d MiB of memory", memory>>20)}
	default:
		first, _, _ := strings.Cut(msg, "\n")
		return "", fmt.Errorf("the text reader failed (exit status %d): %s", code, first)
	}
}

// capped keeps the first max bytes written and notes whether more came,
// never blocking the writer.
type capped struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); room < len(p) {
		c.over = true
		c.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return c.buf.Write(p)
}
