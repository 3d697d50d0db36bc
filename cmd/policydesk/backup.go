package main

// policydesk backup and policydesk restore: one gzip-compressed tar file
// holding a manifest, a consistent copy of the database (VACUUM INTO, while
// the service runs) and the attachment files it names.

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

	"github.com/klauspost/compress/gzip"

	"policydesk/drafts"
	"policydesk/storage/folder"
	"policydesk/storage/sqlite"
)

const (
	backupFormat     = "policydesk-backup"
	backupVersion    = 1
	manifestName     = "policydesk-backup.json"
	databaseName     = "policydesk.db"
	blobsDir         = "blobs"
	maxManifestBytes = 64 << 10
	// backupAttempts bounds how often a backup starts over because an
	// attachment was deleted between the database copy and its file's turn.
	backupAttempts = 5
)

// backupManifest is the archive's first entry.
type backupManifest struct {
	Format    string         `json:"format"`
	Version   int            `json:"version"`
	CreatedAt time.Time      `json:"created_at"`
	Database  backupDatabase `json:"database"`
	Blobs     backupBlobs    `json:"blobs"`
}

type backupDatabase struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

type backupBlobs struct {
	// Store is "folder" when the files follow under blobs/, "s3" when they
	// stay in the bucket and the archive holds none.
	Store  string `json:"store"`
	Bucket string `json:"bucket,omitempty"`
	Count  int    `json:"count"`
	Bytes  int64  `json:"bytes"`
}

func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, _, err := parseConfig("backup", nil, getenv, stderr)
	if err != nil {
		return err
	}
	sub := flag.NewFlagSet("backup", flag.ContinueOnError)
	sub.SetOutput(stderr)
	sub.StringVar(&c.Data, "data", c.Data, "data directory of the service (POLICYDESK_DATA)")
	out := sub.String("o", "", "the backup file to write (a .tar.gz); replaced atomically if it exists")
	if err := sub.Parse(args); err != nil {
		return err
	}
	if *out == "" || sub.NArg() > 0 {
		return errors.New("usage: policydesk backup -o FILE [-data DIR]")
	}
	start := time.Now()
	m, err := backup(ctx, c, *out)
	if err != nil {
		return err
	}
	where := fmt.Sprintf("%d attachment files (%s)", m.Blobs.Count, humanBytes(m.Blobs.Bytes))
	if m.Blobs.Store == "s3" {
		where = fmt.Sprintf("no attachment files: %d attachments stay in S3 bucket %q, which needs its own backup", m.Blobs.Count, m.Blobs.Bucket)
	}
	fmt.Fprintf(stdout, "backed up the database (%s) and %s to %s in %s\n",
		humanBytes(m.Database.Size), where, *out, time.Since(start).Round(time.Millisecond))
	return nil
}

// blobGoneError is an attachment whose file vanished after the database was
// copied: it was deleted meanwhile, so a fresh copy no longer names it.
type blobGoneError struct{ ref sqlite.BlobRef }

func (e *blobGoneError) Error() string {
	return fmt.Sprintf("the file of attachment %d (%q of document %d) is missing from %s",
		e.ref.AttachmentID, e.ref.Filename, e.ref.DocumentID, blobsDir)
}

// backup copies the database while the service runs, then the attachment
// files that copy names (files are immutable and written before their row,
// so every file the copy names exists unless it was deleted since, which a
// new attempt with a fresh copy settles), into a temporary file renamed
// over out once complete and on disk.
func backup(ctx context.Context, c *Config, out string) (*backupManifest, error) {
	dbPath := filepath.Join(c.Data, databaseName)
	if _, err := os.Stat(dbPath); err != nil {
		return nil, fmt.Errorf("no database to back up at %s: %w", dbPath, err)
	}
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	out, err = filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp(filepath.Dir(out), ".policydesk-backup-")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(work)
	for attempt := 1; ; attempt++ {
		m, err := writeBackup(ctx, db, c, work, out, attempt)
		var gone *blobGoneError
		if !errors.As(err, &gone) {
			return m, err
		}
		if attempt == backupAttempts {
			return nil, fmt.Errorf("%w; delete that attachment or put its file back, then back up again", err)
		}
	}
}

func writeBackup(ctx context.Context, db *sqlite.DB, c *Config, work, out string, attempt int) (*backupManifest, error) {
	snap := filepath.Join(work, fmt.Sprintf("snapshot-%d.db", attempt))
	if err := db.Snapshot(ctx, snap); err != nil {
		return nil, fmt.Errorf("copying the database: %w", err)
	}
	defer os.Remove(snap)
	refs, err := sqlite.ReadBlobRefs(ctx, snap)
	if err != nil {
		return nil, fmt.Errorf("reading the database copy: %w", err)
	}
	m := &backupManifest{Format: backupFormat, Version: backupVersion, CreatedAt: time.Now().UTC()}
	m.Database.Name = databaseName
	if m.Database.Size, m.Database.SHA256, err = hashFile(snap); err != nil {
		return nil, err
	}
	m.Blobs.Store, m.Blobs.Count = "folder", len(refs)
	if c.S3.Endpoint != "" {
		m.Blobs.Store, m.Blobs.Bucket = "s3", c.S3.Bucket
	}
	var files []string
	if m.Blobs.Store == "folder" {
		for _, ref := range refs {
			p, err := blobPath(c.Data, ref)
			if err != nil {
				return nil, err
			}
			if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
				return nil, &blobGoneError{ref}
			} else if err != nil {
				return nil, err
			}
			m.Blobs.Bytes += ref.Size
			files = append(files, p)
		}
	}

	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	gz, _ := gzip.NewWriterLevel(tmp, gzip.BestSpeed)
	tw := tar.NewWriter(gz)
	manifest, _ := json.MarshalIndent(m, "", "  ")
	if err := addEntry(tw, manifestName, int64(len(manifest)), m.CreatedAt, bytes.NewReader(manifest), ""); err != nil {
		return nil, err
	}
	if err := addFile(tw, databaseName, snap, m.Database.Size, "", m.CreatedAt); err != nil { // just hashed
		return nil, err
	}
	for i, ref := range refs[:len(files)] {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		err := addFile(tw, blobsDir+"/"+ref.Key, files[i], ref.Size, ref.SHA256, m.CreatedAt)
		if errors.Is(err, os.ErrNotExist) {
			return nil, &blobGoneError{ref}
		} else if err != nil {
			return nil, fmt.Errorf("attachment %d (%q of document %d): %w", ref.AttachmentID, ref.Filename, ref.DocumentID, err)
		}
	}
	if err := errors.Join(tw.Close(), gz.Close()); err != nil {
		return nil, fmt.Errorf("writing %s: %w", out, err)
	}
	if err := errors.Join(tmp.Sync(), tmp.Close()); err != nil {
		return nil, fmt.Errorf("writing %s: %w", out, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return nil, err
	}
	done = true
	return m, syncDir(filepath.Dir(out))
}

// blobPath is where the folder store keeps ref's file; a key that is not a
// valid folder key (it could leave the directory) is refused.
func blobPath(data string, ref sqlite.BlobRef) (string, error) {
	if !folder.ValidKey(ref.Key) {
		return "", fmt.Errorf("attachment %d has an invalid key %q", ref.AttachmentID, ref.Key)
	}
	return filepath.Join(data, blobsDir, filepath.FromSlash(ref.Key)), nil
}

// addFile copies the file at path into the archive, checking that it still
// has the size and SHA-256 the database recorded.
func addFile(tw *tar.Writer, name, path string, size int64, sum string, mod time.Time) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return err
	} else if st.Size() != size {
		return fmt.Errorf("the file has %d bytes where %d were recorded: it is damaged", st.Size(), size)
	}
	return addEntry(tw, name, size, mod, f, sum)
}

func addEntry(tw *tar.Writer, name string, size int64, mod time.Time, r io.Reader, sum string) error {
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o600, ModTime: mod, Format: tar.FormatPAX}); err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.CopyN(tw, io.TeeReader(r, h), size); err != nil {
		return err
	}
	if sum != "" && hex.EncodeToString(h.Sum(nil)) != sum {
		return errors.New("the file does not match its recorded SHA-256: it is damaged")
	}
	return nil
}

func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return n, hex.EncodeToString(h.Sum(nil)), err
}

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
	blobs := fmt.Sprintf("%d attachment files (%s) checked against their SHA-256", m.Blobs.Count, humanBytes(m.Blobs.Bytes))
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
	audit := &drafts.AuditEntry{At: time.Now().UTC(), Action: "database.restore", ObjectType: "database", ObjectID: databaseName,
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
		return fmt.Errorf("the backup needs %s but %s has %s free", humanBytes(need), dir, humanBytes(free))
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// syncTree fsyncs every directory below dir, so the new names survive a
// power cut (the files were synced as they were written).
func syncTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return syncDir(p)
	})
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
