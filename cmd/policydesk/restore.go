package main

// policydesk restore: rebuild a data directory from a backup file, trusting
// nothing in it until it is checked.

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/klauspost/compress/gzip"

	"policydesk"
	"policydesk/storage/folder"
	"policydesk/storage/sqlite"
)

func restoreCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	usage := errors.New("usage: policydesk restore FILE -data DIR (DIR must be empty or absent)")
	c, _, err := parseConfig("restore", nil, getenv, stderr)
	if err != nil {
		return err
	}
	sub := flag.NewFlagSet("restore", flag.ContinueOnError)
	sub.SetOutput(stderr)
	sub.StringVar(&c.Data, "data", c.Data, "the data directory to create (POLICYDESK_DATA); it must be empty or absent")
	file := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := sub.Parse(args); err != nil {
		return err
	}
	if file == "" && sub.NArg() == 1 {
		file = sub.Arg(0)
	} else if sub.NArg() > 0 || file == "" {
		return usage
	}
	start := time.Now()
	m, docs, err := restore(ctx, file, c.Data)
	if err != nil {
		return fmt.Errorf("restore %s: %w", file, err)
	}
	blobs := fmt.Sprintf("%d attachment files (%s) checked against their SHA-256", m.Blobs.Count, humanize.IBytes(uint64(m.Blobs.Bytes)))
	if m.Blobs.Store == "s3" {
		blobs = fmt.Sprintf("%d attachments whose files are in S3 bucket %q (not in the backup); point POLICYDESK_S3_* at it", m.Blobs.Count, m.Blobs.Bucket)
	}
	fmt.Fprintf(stdout, "restored the backup of %s into %s in %s: %d documents, %s; database ok.\n"+
		"Sessions were cleared, so everyone logs in again. The search index is rebuilt from the database when the service starts"+
		" (with Meilisearch, run policydesk reindex).\n",
		m.CreatedAt.Format(time.RFC3339), c.Data, time.Since(start).Round(time.Millisecond), docs, blobs)
	return nil
}

// restore rebuilds a data directory from a backup file. dir must be empty
// or absent; on any error, what was written is removed. Every entry is
// checked before a byte is written: only the manifest, the database and
// files under blobs/ with a valid key that the database names, in that
// order, regular files only (no links, no paths leaving dir), each of the
// size and SHA-256 recorded, and the total within the disk's free space.
func restore(ctx context.Context, file, dir string) (*backupManifest, int, error) {
	created, err := prepareTarget(dir)
	if err != nil {
		return nil, 0, err
	}
	ok := false
	defer func() {
		if !ok {
			clearTarget(dir, created)
		}
	}()
	f, err := os.Open(file)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, 0, errors.New("this is not a policydesk backup (not a gzip file)")
	}
	tr := tar.NewReader(gz)
	m, err := readManifest(tr)
	if err != nil {
		return nil, 0, err
	}
	if err := checkFreeSpace(dir, m.Database.Size+m.Blobs.Bytes); err != nil {
		return nil, 0, err
	}

	hdr, err := nextEntry(tr)
	if err != nil {
		return nil, 0, err
	}
	if hdr.Name != databaseName || hdr.Size != m.Database.Size {
		return nil, 0, fmt.Errorf("the second entry is %q of %d bytes, not the database of %d bytes the manifest names", hdr.Name, hdr.Size, m.Database.Size)
	}
	dbPath := filepath.Join(dir, databaseName)
	if err := extractFile(tr, dbPath, hdr.Size, m.Database.SHA256); err != nil {
		return nil, 0, fmt.Errorf("the database: %w", err)
	}
	refs, err := sqlite.ReadBlobRefs(ctx, dbPath)
	if err != nil {
		return nil, 0, fmt.Errorf("the database cannot be read: %w", err)
	}
	want := make(map[string]sqlite.BlobRef, len(refs))
	var total int64
	for _, ref := range refs {
		if !folder.ValidKey(ref.Key) {
			return nil, 0, fmt.Errorf("attachment %d has an invalid key %q", ref.AttachmentID, ref.Key)
		}
		want[ref.Key] = ref
		total += ref.Size
	}
	local := m.Blobs.Store == "folder"
	if local && (m.Blobs.Count != len(refs) || m.Blobs.Bytes != total) {
		return nil, 0, fmt.Errorf("the manifest counts %d attachment files (%d bytes) but the database names %d (%d bytes)", m.Blobs.Count, m.Blobs.Bytes, len(refs), total)
	}
	if local {
		if err := os.Mkdir(filepath.Join(dir, blobsDir), 0o750); err != nil {
			return nil, 0, err
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		hdr, err := nextEntry(tr)
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, 0, err
		}
		key, isBlob := strings.CutPrefix(hdr.Name, blobsDir+"/")
		if !isBlob || !local || !folder.ValidKey(key) {
			return nil, 0, fmt.Errorf("unexpected entry %q", hdr.Name)
		}
		ref, named := want[key]
		if !named {
			return nil, 0, fmt.Errorf("entry %q is a file no attachment names, or comes twice", hdr.Name)
		}
		delete(want, key)
		if hdr.Size != ref.Size {
			return nil, 0, fmt.Errorf("entry %q has %d bytes where attachment %d has %d", hdr.Name, hdr.Size, ref.AttachmentID, ref.Size)
		}
		path := filepath.Join(dir, blobsDir, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, 0, err
		}
		if err := extractFile(tr, path, hdr.Size, ref.SHA256); err != nil {
			return nil, 0, fmt.Errorf("attachment %d (%q of document %d): %w", ref.AttachmentID, ref.Filename, ref.DocumentID, err)
		}
	}
	if local && len(want) > 0 {
		for _, ref := range want {
			return nil, 0, fmt.Errorf("the backup lacks the file of attachment %d (%q of document %d) and %d more", ref.AttachmentID, ref.Filename, ref.DocumentID, len(want)-1)
		}
	}

	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return nil, 0, err
	}
	defer db.Close()
	if err := db.Check(ctx); err != nil {
		return nil, 0, fmt.Errorf("the restored database fails its check: %w", err)
	}
	ids, err := db.DocumentIDs(ctx)
	if err != nil {
		return nil, 0, err
	}
	audit := &policydesk.AuditEntry{At: time.Now().UTC(), Action: "database.restore", ObjectType: "database", ObjectID: databaseName,
		Detail: fmt.Sprintf("from the backup of %s (%s)", m.CreatedAt.Format(time.RFC3339), filepath.Base(file))}
	if err := db.Restored(ctx, audit); err != nil {
		return nil, 0, err
	}
	if err := db.Close(); err != nil {
		return nil, 0, err
	}
	if err := syncTree(dir); err != nil {
		return nil, 0, err
	}
	ok = true
	return m, len(ids), nil
}

// nextEntry reads the next header and refuses anything but a plain file
// with a clean relative name.
func nextEntry(tr *tar.Reader) (*tar.Header, error) {
	hdr, err := tr.Next()
	if errors.Is(err, io.EOF) {
		return nil, io.EOF
	} else if err != nil {
		return nil, fmt.Errorf("the archive is damaged or cut short: %w", err)
	}
	if hdr.Typeflag != tar.TypeReg {
		return nil, fmt.Errorf("entry %q is not a plain file (type %q): links and directories are refused", hdr.Name, hdr.Typeflag)
	}
	name := hdr.Name
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, `\`) || filepath.IsAbs(name) ||
		path.Clean(name) != name || name == ".." || strings.HasPrefix(name, "../") || strings.Contains(name, "/../") {
		return nil, fmt.Errorf("entry %q has a path outside the data directory", name)
	}
	if hdr.Size < 0 {
		return nil, fmt.Errorf("entry %q has a negative size", name)
	}
	return hdr, nil
}

func readManifest(tr *tar.Reader) (*backupManifest, error) {
	hdr, err := nextEntry(tr)
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the archive is empty")
	} else if err != nil {
		return nil, err
	}
	if hdr.Name != manifestName || hdr.Size > maxManifestBytes {
		return nil, fmt.Errorf("this is not a policydesk backup: it starts with %q, not %s", hdr.Name, manifestName)
	}
	data, err := io.ReadAll(io.LimitReader(tr, maxManifestBytes))
	if err != nil {
		return nil, fmt.Errorf("the archive is damaged: %w", err)
	}
	var m backupManifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("the manifest is not valid: %w", err)
	}
	if m.Format != backupFormat || m.Version != backupVersion {
		return nil, fmt.Errorf("the manifest names format %q version %d; this policydesk reads %s version %d", m.Format, m.Version, backupFormat, backupVersion)
	}
	if m.Database.Name != databaseName || m.Database.Size <= 0 || len(m.Database.SHA256) != 64 ||
		m.Blobs.Count < 0 || m.Blobs.Bytes < 0 || (m.Blobs.Store != "folder" && m.Blobs.Store != "s3") {
		return nil, errors.New("the manifest is not valid")
	}
	return &m, nil
}

// extractFile writes exactly size bytes of r to a new file at path (which must
// not exist) and checks their SHA-256.
func extractFile(r io.Reader, path string, size int64, sum string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	h := sha256.New()
	_, err = io.CopyN(io.MultiWriter(f, h), r, size)
	if errors.Is(err, io.EOF) {
		err = errors.New("the archive is cut short")
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		return fmt.Errorf("its SHA-256 is %s, not the %s recorded", got, sum)
	}
	return nil
}

// prepareTarget makes sure dir is an empty directory, creating it if it
// does not exist; it reports whether it created it.
func prepareTarget(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return true, os.MkdirAll(dir, 0o750)
	} else if err != nil {
		return false, err
	}
	if len(entries) > 0 {
		return false, fmt.Errorf("%s is not empty; restore only into an empty or new directory", dir)
	}
	return false, nil
}

// clearTarget removes what a failed restore wrote.
func clearTarget(dir string, created bool) {
	if created {
		os.RemoveAll(dir)
		return
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

func checkFreeSpace(dir string, need int64) error {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return nil // cannot tell; the writes will fail on a full disk
	}
	if free := int64(st.Bavail) * int64(st.Bsize); need > free {
		return fmt.Errorf("the backup needs %s but %s has %s free", humanize.IBytes(uint64(need)), dir, humanize.IBytes(uint64(free)))
	}
	return nil
}
