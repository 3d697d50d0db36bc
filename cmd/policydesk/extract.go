package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"policydesk/search"
	"policydesk/search/extract"
)

// extractTextCommand is the hidden subcommand the service runs as a child
// for every attachment it reads: `policydesk extract-text -kind pdf
// -memory BYTES -cpu DURATION`, the file on stdin, the text on stdout. The
// child caps its own memory and processor time before reading; the parent
// kills it when its time is up.
const extractTextCommand = "extract-text"

func extractText(args []string) int {
	return extract.Child(args, os.Stdin, os.Stdout, os.Stderr)
}

// budgetFlags adds the settings of the bounded background work.
func budgetFlags(fs *flag.FlagSet, c *Config, env func(key, def string) string) error {
	timeout, err := time.ParseDuration(env("EXTRACT_TIMEOUT", extract.DefaultTimeout.String()))
	if err != nil {
		return fmt.Errorf("POLICYDESK_EXTRACT_TIMEOUT: %w", err)
	}
	memoryMiB, err := strconv.ParseInt(env("EXTRACT_MEMORY_MIB", strconv.Itoa(extract.DefaultMemory>>20)), 10, 64)
	if err != nil {
		return fmt.Errorf("POLICYDESK_EXTRACT_MEMORY_MIB: %w", err)
	}
	grace, err := time.ParseDuration(env("SHUTDOWN_GRACE", "20s"))
	if err != nil {
		return fmt.Errorf("POLICYDESK_SHUTDOWN_GRACE: %w", err)
	}
	fs.DurationVar(&c.ExtractTimeout, "extract-timeout", timeout, "time budget for reading one attachment's text (POLICYDESK_EXTRACT_TIMEOUT)")
	fs.Int64Var(&c.ExtractMemoryMiB, "extract-memory-mib", memoryMiB, "memory budget in MiB for reading one attachment's text (POLICYDESK_EXTRACT_MEMORY_MIB)")
	fs.DurationVar(&c.ShutdownGrace, "shutdown-grace", grace, "longest a shutdown may take before the process exits anyway (POLICYDESK_SHUTDOWN_GRACE)")
	return nil
}

// newExtraction wires the worker that reads attachments' text, each file in
// a child process of this binary with the configured budget.
func (a *App) newExtraction() (*search.Extraction, error) {
	if a.Config.ExtractMemoryMiB < 64 {
		return nil, fmt.Errorf("the memory budget for reading attachments is %d MiB; it must be at least 64", a.Config.ExtractMemoryMiB)
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding the policydesk binary to read attachments with: %w", err)
	}
	// The child gets an empty environment: the service's secrets (S3 keys,
	// the admin password) stay out of the process that parses uploads.
	r := &extract.Runner{Command: []string{exe, extractTextCommand}, Env: []string{}, Timeout: a.Config.ExtractTimeout, Memory: a.Config.ExtractMemoryMiB << 20}
	return &search.Extraction{Queue: a.DB, Blobs: a.Attachments.Blobs, Extract: r.Text, Logger: a.Logger, Poll: 500 * time.Millisecond}, nil
}
