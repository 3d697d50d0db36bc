// Package folder keeps attachment bytes in a local directory, the embedded
// default behind attachments.BlobStore.
//
// A key maps to a file below the root. Put writes a temporary file next to
// the final one, fsyncs it, renames it into place and fsyncs the directory,
// so a key names either the complete old bytes or the complete new ones,
// even across a crash.
package folder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"policydesk"
	"policydesk/drafts/attachments"
)

// tempPrefix starts the name of every file still being written. Keys may not
// have a segment starting with a dot, so no key collides with one.
const tempPrefix = ".tmp-"

// maxKeyLen keeps keys within what every file system and S3 accept.
const maxKeyLen = 1024

// Store is a attachments.BlobStore on a directory.
type Store struct {
	root string
}

var _ attachments.BlobStore = (*Store)(nil)

// Open uses dir (created if missing) as the store's root and removes the
// temporary files a crashed Put may have left behind. Only one process may
// use a directory at a time.
func Open(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("folder: empty directory")
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("folder: %w", err)
	}
	if err := os.MkdirAll(root, 0o750); err != nil {
		return nil, fmt.Errorf("folder: %w", err)
	}
	s := &Store{root: root}
	if err := s.removeTempFiles(); err != nil {
		return nil, fmt.Errorf("folder: removing leftover temporary files: %w", err)
	}
	return s, nil
}

// Dir returns the store's root directory.
func (s *Store) Dir() string { return s.root }

// ValidKey reports whether key is acceptable: slash-separated segments of
// [a-zA-Z0-9_.-], none empty or starting with a dot (so no "." or ".."), no
// leading or trailing slash.
func ValidKey(key string) bool {
	if key == "" || len(key) > maxKeyLen {
		return false
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg[0] == '.' {
			return false
		}
		for _, c := range []byte(seg) {
			if !validKeyByte(c) {
				return false
			}
		}
	}
	return true
}

func validKeyByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '_' || c == '-' || c == '.'
}

// validPrefix accepts "" and any prefix of a valid key.
func validPrefix(prefix string) bool {
	if prefix == "" {
		return true
	}
	// "att/2026/" and "att/20" are prefixes of valid keys.
	return ValidKey(prefix + "x")
}

func invalidKey(key string) error {
	return policydesk.Errorf(policydesk.EInvalid, "Invalid attachment key %q.", key)
}

func (s *Store) path(key string) string {
	return filepath.Join(s.root, filepath.FromSlash(key))
}

// Put streams r into a temporary file and renames it over key once it is
// complete and on disk. On any error the temporary file is removed and key
// keeps what it held before. When size is not -1, r must hold exactly size
// bytes.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if !ValidKey(key) {
		return invalidKey(key)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	final := s.path(key)
	dir := filepath.Dir(final)
	if err := s.mkdirAll(dir); err != nil {
		return pathError(key, err)
	}
	f, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return pathError(key, err)
	}
	tmp := f.Name()
	if err := s.write(ctx, f, r, size); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return unavailable(err)
	}
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return pathError(key, err)
	}
	if err := syncDir(dir); err != nil {
		return unavailable(err)
	}
	return nil
}

// write copies r to f and fsyncs f.
func (s *Store) write(ctx context.Context, f *os.File, r io.Reader, size int64) error {
	src := io.Reader(&ctxReader{ctx: ctx, r: r})
	if size >= 0 {
		// One byte more than announced is enough to tell a liar.
		src = io.LimitReader(src, size+1)
	}
	n, err := io.Copy(&diskWriter{f}, src)
	if err != nil {
		return err
	}
	if size >= 0 && n != size {
		return fmt.Errorf("folder: read %d bytes, expected %d", n, size)
	}
	if err := f.Sync(); err != nil {
		return unavailable(err)
	}
	return nil
}

// mkdirAll creates dir and fsyncs the parent of every directory it creates,
// so that a renamed file never sits in a directory a crash could lose.
func (s *Store) mkdirAll(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	// Find the highest missing ancestor, create the chain, then sync every
	// parent from there up to the root.
	top := dir
	for {
		parent := filepath.Dir(top)
		if parent == s.root || parent == top {
			break
		}
		if _, err := os.Stat(parent); err == nil {
			break
		}
		top = parent
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if err := syncDir(filepath.Dir(d)); err != nil {
			return err
		}
		if d == top {
			return nil
		}
	}
}

// Get opens key for reading. A missing key is ENotFound.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	if !ValidKey(key) {
		return nil, 0, invalidKey(key)
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(s.path(key))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotDir) {
		return nil, 0, notFound(key)
	} else if err != nil {
		return nil, 0, unavailable(err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, unavailable(err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, notFound(key)
	}
	return f, fi.Size(), nil
}

// Delete removes key; a missing key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if !ValidKey(key) {
		return invalidKey(key)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	p := s.path(key)
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotDir) {
		return nil
	} else if err != nil {
		return unavailable(err)
	}
	if fi.IsDir() {
		return nil // a key prefix, not an object
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return unavailable(err)
	}
	if err := syncDir(filepath.Dir(p)); err != nil {
		return unavailable(err)
	}
	return nil
}

// List calls fn for every object whose key starts with prefix, skipping
// files still being written. An error from fn stops the walk and is
// returned.
func (s *Store) List(ctx context.Context, prefix string, fn func(attachments.BlobInfo) error) error {
	if !validPrefix(prefix) {
		return invalidKey(prefix)
	}
	// Walk only the deepest directory the prefix names.
	start := s.root
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		start = s.path(prefix[:i])
	}
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == start && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotDir)) {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != start {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(s.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // deleted while we walked
		} else if err != nil {
			return err
		}
		if err := fn(attachments.BlobInfo{Key: key, Size: fi.Size(), Modified: fi.ModTime()}); err != nil {
			return &fnError{err}
		}
		return nil
	})
	var fe *fnError
	if errors.As(err, &fe) {
		return fe.err
	}
	if err != nil && ctx.Err() == nil {
		return unavailable(err)
	}
	return err
}

// fnError carries fn's error out of WalkDir untouched.
type fnError struct{ err error }

func (e *fnError) Error() string { return e.err.Error() }

// Ping tells whether the directory takes writes.
func (s *Store) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := os.CreateTemp(s.root, tempPrefix+"ping-*")
	if err != nil {
		return unavailable(err)
	}
	_, werr := f.Write([]byte{0})
	cerr := f.Close()
	rerr := os.Remove(f.Name())
	if err := errors.Join(werr, cerr, rerr); err != nil {
		return unavailable(err)
	}
	return nil
}

// removeTempFiles deletes what interrupted Puts left behind.
func (s *Store) removeTempFiles() error {
	return filepath.WalkDir(s.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasPrefix(d.Name(), tempPrefix) {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		return nil
	})
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	serr := d.Sync()
	cerr := d.Close()
	return errors.Join(serr, cerr)
}

// diskWriter marks write errors (a full disk) as the store's fault, so they
// are told apart from the caller's reader failing.
type diskWriter struct{ f *os.File }

func (w *diskWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		err = unavailable(err)
	}
	return n, err
}

// ctxReader stops a copy once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r *ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}
