// Package docxtest gives the tests of Word import and export independent
// readers and writers of .docx: Debian's pandoc and LibreOffice (soffice),
// and poppler's pdftotext. When POLICYDESK_REQUIRE_OFFICE=1 (the test
// command sets it) or CI=true, a missing tool fails the test; elsewhere it
// skips it with the reason.
package docxtest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("POLICYDESK_REQUIRE_OFFICE") == "1" || os.Getenv("CI") == "true" {
		t.Fatalf("%s not found (%v); `make deps` installs it (Debian's pandoc, libreoffice-writer, poppler-utils)", name, err)
	}
	t.Skipf("%s not found (%v); set POLICYDESK_REQUIRE_OFFICE=1 to make this a failure", name, err)
	return ""
}

// Pandoc returns the path of pandoc.
func Pandoc(t testing.TB) string { return tool(t, "pandoc") }

// Soffice returns the path of LibreOffice's soffice.
func Soffice(t testing.TB) string { return tool(t, "soffice") }

// run runs a tool with a deadline and returns its standard output, failing
// the test with its standard error.
func run(t testing.TB, timeout time.Duration, dir string, name string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes()
}

// PandocRead converts a .docx to text in pandoc's format to (e.g.
// "markdown", "plain"), with extra arguments such as
// "--track-changes=accept".
func PandocRead(t testing.TB, docx []byte, to string, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "in.docx")
	if err := os.WriteFile(in, docx, 0o600); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"-f", "docx", "-t", to, "--wrap=none"}, extra...)
	args = append(args, in)
	return string(run(t, time.Minute, dir, Pandoc(t), args...))
}

// PandocWrite converts text in pandoc's format from (e.g. "markdown") to a
// .docx, as a user who writes with pandoc would.
func PandocWrite(t testing.TB, text, from string) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.txt"), filepath.Join(dir, "out.docx")
	if err := os.WriteFile(in, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, time.Minute, dir, Pandoc(t), "-f", from, "-t", "docx", "-o", out, in)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// LibreOffice runs one soffice at a time per test process: a user profile
// is used by one soffice at once, and each process has its own.
var (
	officeMu      sync.Mutex
	officeProfile string
)

// Convert converts a file with LibreOffice headless: in is the input's
// bytes with its extension ext (e.g. "docx", "odt", "html"), filter the
// --convert-to argument (e.g. "pdf", "docx:MS Word 2007 XML"). It returns
// the converted file's bytes.
func Convert(t testing.TB, in []byte, ext, filter string) []byte {
	t.Helper()
	soffice := Soffice(t)
	officeMu.Lock()
	defer officeMu.Unlock()
	if officeProfile == "" {
		d, err := os.MkdirTemp("", "policydesk-soffice-")
		if err != nil {
			t.Fatal(err)
		}
		officeProfile = d
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "in."+ext)
	if err := os.WriteFile(src, in, 0o600); err != nil {
		t.Fatal(err)
	}
	outDir := filepath.Join(dir, "out")
	run(t, 3*time.Minute, dir, soffice, "-env:UserInstallation=file://"+officeProfile,
		"--headless", "--norestore", "--nolockcheck", "--convert-to", filter, "--outdir", outDir, src)
	entries, err := os.ReadDir(outDir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("soffice --convert-to %s wrote %v (%v), want one file", filter, entries, err)
	}
	b, err := os.ReadFile(filepath.Join(outDir, entries[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// PDFText opens a .docx in LibreOffice, prints it to PDF and returns the
// PDF's text as pdftotext reads it: proof that Word's free rival opens the
// file and finds the words.
func PDFText(t testing.TB, docx []byte) string {
	t.Helper()
	pdf := Convert(t, docx, "docx", "pdf")
	pdftotext := tool(t, "pdftotext")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return string(run(t, time.Minute, dir, pdftotext, "-enc", "UTF-8", in, "-"))
}

// Words splits text into words for word-by-word comparison, ignoring
// spacing and line breaks.
func Words(text string) []string { return strings.Fields(text) }
