package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/attachments"
	"policydesk/drafts/draftstest"
	"policydesk/storage/sqlite"
)

// backupFixture is a data directory with the demo library and three
// attachments, and a backup of it made by the command.
type backupFixture struct {
	data, file string
	blobs      []string // the attachment files' paths
}

func newBackupFixture(t *testing.T) *backupFixture {
	t.Helper()
	ctx := context.Background()
	f := &backupFixture{data: filepath.Join(t.TempDir(), "data"), file: filepath.Join(t.TempDir(), "backup.tar.gz")}
	getenv := func(k string) string {
		if k == "POLICYDESK_DATA" {
			return f.data
		}
		return ""
	}
	var out, errs strings.Builder
	if err := run(ctx, []string{"demo"}, getenv, &out, &errs); err != nil {
		t.Fatalf("demo: %v\n%s", err, errs.String())
	}
	c, _, err := parseConfig("test", nil, getenv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	app, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	admin, err := app.DB.FindUserByLogin(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		att, err := app.Attachments.Upload(policydesk.NewContextWithUser(ctx, admin), int64(i+1), fmt.Sprintf("shtojca-%d.txt", i),
			strings.NewReader(strings.Repeat(fmt.Sprintf("Shtojca %d. ", i), 1000*(i+1))))
		if err != nil {
			t.Fatal(err)
		}
		f.blobs = append(f.blobs, filepath.Join(f.data, "blobs", filepath.FromSlash(att.Key)))
	}
	app.Close()
	if err := run(ctx, []string{"backup", "-o", f.file}, getenv, &out, &errs); err != nil {
		t.Fatalf("backup: %v", err)
	}
	return f
}

type tarEntry struct {
	hdr  tar.Header
	data []byte
}

func readEntries(t *testing.T, file string) []tarEntry {
	t.Helper()
	fh, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	gz, err := gzip.NewReader(fh)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var entries []tarEntry
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return entries
		} else if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, tarEntry{*hdr, data})
	}
}

func writeEntries(t *testing.T, file string, entries []tarEntry) {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		hdr := e.hdr
		if hdr.Typeflag == tar.TypeReg && hdr.Size == 0 {
			hdr.Size = int64(len(e.data))
		}
		if err := tw.WriteHeader(&hdr); err != nil {
			t.Fatal(err)
		}
		if hdr.Typeflag == tar.TypeReg {
			if _, err := tw.Write(e.data[:min(int64(len(e.data)), hdr.Size)]); err != nil && !strings.Contains(err.Error(), "too long") {
				t.Fatal(err)
			}
		}
	}
	tw.Flush()
	gz.Close()
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func restoreArgs(file, target string) []string { return []string{"restore", file, "-data", target} }

// TestRestoreRefusesHostileArchives feeds restore archives that try to
// write outside the target, use links, lie about sizes or hashes, or are
// cut short: each is refused with a sentence, and nothing is left behind.
func TestRestoreRefusesHostileArchives(t *testing.T) {
	f := newBackupFixture(t)
	good := readEntries(t, f.file)
	if len(good) != 5 || good[0].hdr.Name != manifestName || good[1].hdr.Name != databaseName {
		t.Fatalf("the backup holds %d entries starting %q", len(good), good[0].hdr.Name)
	}
	blob := good[2]
	clone := func() []tarEntry {
		out := make([]tarEntry, len(good))
		for i, e := range good {
			out[i] = tarEntry{e.hdr, append([]byte(nil), e.data...)}
		}
		return out
	}
	reg := func(name string, data []byte) tarEntry {
		return tarEntry{tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(data)), Mode: 0o600}, data}
	}
	manifest := func(change func(m map[string]any)) []tarEntry {
		e := clone()
		var m map[string]any
		json.Unmarshal(e[0].data, &m)
		change(m)
		e[0].data, _ = json.Marshal(m)
		e[0].hdr.Size = int64(len(e[0].data))
		return e
	}
	abs := filepath.Join(t.TempDir(), "planted")
	cases := []struct {
		name    string
		entries func() []tarEntry
		want    string
	}{
		{"parent path", func() []tarEntry { return append(clone(), reg("../planted", []byte("x"))) }, "outside"},
		{"parent inside blobs", func() []tarEntry { return append(clone(), reg("blobs/../../planted", []byte("x"))) }, "outside"},
		{"absolute path", func() []tarEntry { return append(clone(), reg(abs, []byte("x"))) }, "outside"},
		{"backslashes", func() []tarEntry { return append(clone(), reg(`blobs\..\..\planted`, []byte("x"))) }, "outside"},
		{"symlink", func() []tarEntry {
			return append(clone()[:2], tarEntry{tar.Header{Typeflag: tar.TypeSymlink, Name: blob.hdr.Name, Linkname: "/etc/passwd"}, nil})
		}, "not a plain file"},
		{"hard link", func() []tarEntry {
			return append(clone(), tarEntry{tar.Header{Typeflag: tar.TypeLink, Name: "blobs/x", Linkname: "../../planted"}, nil})
		}, "not a plain file"},
		{"directory", func() []tarEntry {
			return append(clone(), tarEntry{tar.Header{Typeflag: tar.TypeDir, Name: "blobs/", Mode: 0o755}, nil})
		}, "not a plain file"},
		{"damaged attachment", func() []tarEntry { e := clone(); e[2].data[10] ^= 1; return e }, "SHA-256"},
		{"short attachment", func() []tarEntry { e := clone(); e[2].data = e[2].data[:100]; e[2].hdr.Size = 100; return e }, "bytes where"},
		{"damaged database", func() []tarEntry { e := clone(); e[1].data[5000] ^= 1; return e }, "SHA-256"},
		{"database longer than the manifest says", func() []tarEntry {
			e := clone()
			e[1].data = append(e[1].data, make([]byte, 4096)...)
			e[1].hdr.Size = int64(len(e[1].data))
			return e
		}, "not the database"},
		{"attachment twice", func() []tarEntry { return append(clone(), good[2]) }, "twice"},
		{"attachment missing", func() []tarEntry { e := clone(); return append(e[:2], e[3:]...) }, "lacks the file"},
		{"file nobody names", func() []tarEntry { return append(clone(), reg("blobs/att/2020/01/extra", []byte("x"))) }, "no attachment names"},
		{"unknown entry", func() []tarEntry { return append(clone(), reg("search/CURRENT", []byte("x"))) }, "unexpected entry"},
		{"attachments before the database", func() []tarEntry { e := clone(); e[1], e[2] = e[2], e[1]; return e }, "not the database"},
		{"no manifest", func() []tarEntry { return clone()[1:] }, "not a policydesk backup"},
		{"huge manifest", func() []tarEntry {
			e := clone()
			e[0].data = append(e[0].data, bytes.Repeat([]byte(" "), 1<<20)...)
			e[0].hdr.Size = int64(len(e[0].data))
			return e
		}, "not a policydesk backup"},
		{"unknown manifest field", func() []tarEntry { return manifest(func(m map[string]any) { m["run"] = "rm -rf /" }) }, "manifest"},
		{"another format", func() []tarEntry { return manifest(func(m map[string]any) { m["version"] = 99 }) }, "version 99"},
		{"more bytes than the disk has", func() []tarEntry {
			return manifest(func(m map[string]any) { m["blobs"].(map[string]any)["bytes"] = 1 << 60 })
		}, "free"},
		{"s3 manifest with files", func() []tarEntry {
			return manifest(func(m map[string]any) { m["blobs"].(map[string]any)["store"] = "s3" })
		}, "unexpected entry"},
		{"empty", func() []tarEntry { return nil }, "empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "hostile.tar.gz")
			writeEntries(t, file, c.entries())
			target := filepath.Join(dir, "sub", "target")
			err := run(t.Context(), restoreArgs(file, target), func(string) string { return "" }, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("restore = %v, want an error saying %q", err, c.want)
			}
			checkNothingLeft(t, dir, target, abs)
		})
	}

	// Cut short, and not gzip at all.
	data, _ := os.ReadFile(f.file)
	for name, content := range map[string][]byte{"cut short": data[:len(data)/2], "not gzip": []byte("PK\x03\x04 a zip file")} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "bad.tar.gz")
			os.WriteFile(file, content, 0o600)
			target := filepath.Join(dir, "sub", "target")
			if err := run(t.Context(), restoreArgs(file, target), func(string) string { return "" }, io.Discard, io.Discard); err == nil {
				t.Fatal("restore accepted it")
			}
			checkNothingLeft(t, dir, target, abs)
		})
	}

	// A directory with something in it is never touched.
	busy := t.TempDir()
	os.WriteFile(filepath.Join(busy, "keep.txt"), []byte("mine"), 0o600)
	err := run(t.Context(), restoreArgs(f.file, busy), func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("restore into a non-empty directory: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(busy, "keep.txt")); string(b) != "mine" {
		t.Fatal("restore touched a non-empty directory")
	}

	// The good archive restores into an existing empty directory.
	empty := t.TempDir()
	var out strings.Builder
	if err := run(t.Context(), restoreArgs(f.file, empty), func(string) string { return "" }, &out, io.Discard); err != nil {
		t.Fatalf("restore of the good backup: %v", err)
	}
	if !strings.Contains(out.String(), "11 documents, 3 attachment files") {
		t.Errorf("restore said: %s", out.String())
	}
	out.Reset()
	if err := run(t.Context(), []string{"check", "-data", empty}, func(string) string { return "" }, &out, io.Discard); err != nil || !strings.Contains(out.String(), "database ok") {
		t.Fatalf("check after restore: %v %s", err, out.String())
	}
}

// checkNothingLeft asserts that a failed restore removed the target it
// created and wrote nothing beside it or at the absolute path tried.
func checkNothingLeft(t *testing.T, dir, target, abs string) {
	t.Helper()
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		entries, _ := os.ReadDir(target)
		t.Errorf("the target is left behind with %d entries", len(entries))
	}
	for _, p := range []string{abs, filepath.Join(dir, "planted"), filepath.Join(dir, "sub", "planted"), filepath.Join(filepath.Dir(dir), "planted")} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("restore wrote %s", p)
		}
	}
}

// TestBackupMissingFile: an attachment file lost from the data directory
// makes the backup fail with a sentence naming it, and leaves no partial
// file and no temporary file behind.
func TestBackupMissingFile(t *testing.T) {
	f := newBackupFixture(t)
	if err := os.Remove(f.blobs[1]); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "new.tar.gz")
	err := run(t.Context(), []string{"backup", "-data", f.data, "-o", out}, func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `("shtojca-1.txt" of document 2) is missing`) {
		t.Fatalf("backup with a missing file = %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
		t.Errorf("the failed backup left %d files behind", len(entries))
	}
	// A damaged file is refused too.
	os.WriteFile(f.blobs[1], []byte("not what was uploaded"), 0o600)
	err = run(t.Context(), []string{"backup", "-data", f.data, "-o", out}, func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("backup with a damaged file = %v", err)
	}
	if err := run(t.Context(), []string{"backup", "-data", filepath.Join(t.TempDir(), "nothing"), "-o", out}, func(string) string { return "" }, io.Discard, io.Discard); err == nil {
		t.Fatal("backup of a directory without a database succeeded")
	}
}

// BenchmarkBackup times `policydesk backup` and `policydesk restore` on the
// demo library and on 200 documents of 100 articles (30,000 words) with
// three versions each and 50 attachments of 256 KiB.
func BenchmarkBackup(b *testing.B) {
	ctx := context.Background()
	for _, size := range []struct {
		name string
		docs int
	}{{"demo", 0}, {"200docs", 200}} {
		b.Run(size.name, func(b *testing.B) {
			data := filepath.Join(b.TempDir(), "data")
			getenv := func(k string) string {
				if k == "POLICYDESK_DATA" {
					return data
				}
				return ""
			}
			if err := run(ctx, []string{"demo"}, getenv, io.Discard, io.Discard); err != nil {
				b.Fatal(err)
			}
			if size.docs > 0 {
				fillLibrary(b, data, size.docs)
			}
			out := filepath.Join(b.TempDir(), "backup.tar.gz")
			var total time.Duration
			for b.Loop() {
				start := time.Now()
				if err := run(ctx, []string{"backup", "-o", out}, getenv, io.Discard, io.Discard); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
				b.StopTimer()
				target := filepath.Join(b.TempDir(), "restored")
				rstart := time.Now()
				if err := run(ctx, restoreArgs(out, target), getenv, io.Discard, io.Discard); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(time.Since(rstart).Milliseconds()), "restore-ms")
				os.RemoveAll(target)
				b.StartTimer()
			}
			st, _ := os.Stat(out)
			dbst, _ := os.Stat(filepath.Join(data, databaseName))
			b.ReportMetric(float64(dbst.Size())/(1<<20), "db-MiB")
			b.ReportMetric(float64(st.Size())/(1<<20), "archive-MiB")
		})
	}
}

func fillLibrary(b *testing.B, data string, docs int) {
	ctx := context.Background()
	c := &Config{Data: data, MaxUploadBytes: attachments.DefaultMaxUploadBytes, LogFormat: "text"}
	app, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	defer app.Close()
	u, err := app.DB.FindUserByLogin(ctx, "drita")
	if err != nil {
		b.Fatal(err)
	}
	uctx := policydesk.NewContextWithUser(ctx, u)
	for i := range docs {
		body := draftstest.Regulation(100, 30000, int64(i+1))
		doc, _, err := app.Drafts.CreateDocument(uctx, drafts.NewDocument{Title: fmt.Sprintf("Rregullore %d", i+1), Kind: "regulation", Language: "sq", Body: body})
		if err != nil {
			b.Fatal(err)
		}
		for v := 2; v <= 3; v++ {
			body = draftstest.Revise(body, int64(i*10+v))
			if _, err := app.Drafts.SaveVersion(uctx, doc.ID, v-1, body, "rishikim"); err != nil {
				b.Fatal(err)
			}
		}
		if i%4 == 0 {
			if _, err := app.Attachments.Upload(uctx, doc.ID, "shtojca.pdf", bytes.NewReader(randomBytes(256<<10, uint64(i)))); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// An attachment deleted after the database was copied, before its file was
// read, is dropped from the copy with an audit entry saying so: the backup
// succeeds and restores to a database that names only files it holds.
func TestBackupAttachmentDeletedMeanwhile(t *testing.T) {
	f := newBackupFixture(t)
	ctx := context.Background()
	getenv := func(k string) string {
		if k == "POLICYDESK_DATA" {
			return f.data
		}
		return ""
	}
	c, _, err := parseConfig("test", nil, getenv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	app, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	admin, err := app.DB.FindUserByLogin(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	atts, err := app.DB.FindAttachments(ctx, 2)
	if err != nil || len(atts) != 1 {
		t.Fatalf("attachments of document 2: %v %v", atts, err)
	}
	backupAfterSnapshot = func() {
		if err := app.Attachments.Delete(policydesk.NewContextWithUser(ctx, admin), atts[0].ID); err != nil {
			t.Errorf("deleting during the backup: %v", err)
		}
		if _, err := os.Stat(f.blobs[1]); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the deleted attachment's file is still there: %v", err)
		}
	}
	defer func() { backupAfterSnapshot = nil }()
	out := filepath.Join(t.TempDir(), "meanwhile.tar.gz")
	if err := run(ctx, []string{"backup", "-data", f.data, "-o", out}, getenv, io.Discard, io.Discard); err != nil {
		t.Fatalf("backup while an attachment is deleted: %v", err)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	if err := run(ctx, []string{"restore", out, "-data", restored}, func(string) string { return "" }, io.Discard, io.Discard); err != nil {
		t.Fatalf("restore: %v", err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(restored, "policydesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, err := db.FindAttachments(ctx, 2); err != nil || len(got) != 0 {
		t.Errorf("the restored database names %d attachments of document 2 (%v), want the deleted one gone", len(got), err)
	}
	for _, doc := range []int64{1, 3} {
		if got, err := db.FindAttachments(ctx, doc); err != nil || len(got) != 1 {
			t.Errorf("document %d has %d attachments after restore (%v), want 1", doc, len(got), err)
		}
	}
	entries, _, err := db.FindAudit(ctx, policydesk.AuditFilter{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		found = found || (e.Action == "attachment.delete" && strings.Contains(e.Detail, "while this backup was taken"))
	}
	if !found {
		t.Error("the copy's audit log does not say the attachment was deleted during the backup")
	}
}
