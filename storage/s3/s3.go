// Package s3 keeps attachment bytes in an S3-compatible object store (MinIO)
// through minio-go, behind attachments.BlobStore.
//
// The store never needs the server at start: the bucket is created on first
// use, and a call made while the server is down fails quickly with
// EUnavailable; the next call after it is back succeeds without a restart.
package s3

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"

	"policydesk/drafts/attachments"
)

// PartSize is the multipart part size. minio-go would otherwise size parts
// for a 5 TiB object (over 500 MiB) when the length is unknown.
const PartSize = 8 << 20

// streamThreads parts are in memory at once: one filling from the client
// while the others go to the server, so receiving never waits on sending.
// Memory per upload is streamThreads × PartSize.
const streamThreads = 2

// maxParts is S3's limit on parts in one upload.
const maxParts = 10000

const (
	dialTimeout   = 3 * time.Second
	headerTimeout = 30 * time.Second
	pingTimeout   = 3 * time.Second
	// maxRetries bounds how long a call to a dead server takes: minio-go
	// backs off 200 ms, 400 ms, ... between attempts.
	maxRetries = 3
	// cleanupTimeout bounds the removal of what a failed Put left.
	cleanupTimeout = 10 * time.Second
)

// uploadMeta names the user metadata that tags each Put, so a failed Put
// removes the object only if it is its own.
const uploadMeta = "Policydesk-Upload"

// Config says where the store is. Region may be empty for MinIO.
type Config struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Bucket    string
	UseSSL    bool
	Region    string
}

// Store is a attachments.BlobStore on one bucket.
type Store struct {
	client *minio.Client
	bucket string
	region string

	// bucketReady is set once the bucket is known to exist; bucketLock
	// lets one caller at a time check and create it.
	bucketReady atomic.Bool
	bucketLock  chan struct{}
}

var _ attachments.BlobStore = (*Store)(nil)

// Open checks cfg and returns a Store. It does not contact the server, so it
// succeeds while the server is down.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Endpoint == "" {
		return nil, errors.New("s3: no endpoint")
	}
	if strings.Contains(cfg.Endpoint, "://") {
		return nil, fmt.Errorf("s3: endpoint %q must be host:port, without a scheme (use UseSSL for https)", cfg.Endpoint)
	}
	if err := s3utils.CheckValidBucketNameStrict(cfg.Bucket); err != nil {
		return nil, fmt.Errorf("s3: bucket %q: %w", cfg.Bucket, err)
	}
	tr, err := minio.DefaultTransport(cfg.UseSSL)
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	tr.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = 5 * time.Second
	tr.ResponseHeaderTimeout = headerTimeout
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:     cfg.UseSSL,
		Region:     cfg.Region,
		Transport:  tr,
		MaxRetries: maxRetries,
	})
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	return &Store{
		client:     client,
		bucket:     cfg.Bucket,
		region:     cfg.Region,
		bucketLock: make(chan struct{}, 1),
	}, nil
}

// Bucket returns the store's bucket name.
func (s *Store) Bucket() string { return s.bucket }

// ensureBucket creates the bucket if it does not exist yet. It remembers
// success only, so it is retried on every call until the server answers.
func (s *Store) ensureBucket(ctx context.Context) error {
	if s.bucketReady.Load() {
		return nil
	}
	select {
	case s.bucketLock <- struct{}{}:
		defer func() { <-s.bucketLock }()
	case <-ctx.Done():
		return ctx.Err()
	}
	if s.bucketReady.Load() {
		return nil
	}
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return s.translate(err, "")
	}
	if !exists {
		err := s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: s.region})
		if err != nil && minio.ToErrorResponse(err).Code != "BucketAlreadyOwnedByYou" {
			return s.translate(err, "")
		}
	}
	s.bucketReady.Store(true)
	return nil
}

// Put uploads r. With the size unknown (-1) it streams parts of PartSize,
// holding streamThreads parts in memory. On error it aborts the multipart upload and
// removes the object if this very Put stored it after all, so the key is
// left as it was: absent for the fresh keys the service uses.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.ensureBucket(ctx); err != nil {
		return err
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	token := newToken()
	opts := minio.PutObjectOptions{
		ContentType:  contentType,
		PartSize:     PartSize,
		NumThreads:   1,
		UserMetadata: map[string]string{uploadMeta: token},
	}
	if size < 0 {
		// Only the unknown-length path pipelines; with a known length
		// minio-go checks the reader delivers exactly size bytes.
		opts.NumThreads, opts.ConcurrentStreamParts = streamThreads, true
	}
	if size > PartSize*maxParts {
		opts.PartSize = 0 // let minio-go size the parts
	}
	// Only Read shows through: a ReaderAt would send minio-go down a
	// parallel path that buffers several parts at once.
	cr := &ctxReader{ctx: ctx, r: r}
	_, err := s.client.PutObject(ctx, s.bucket, key, struct{ io.Reader }{cr}, size, opts)
	if err == nil {
		return nil
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		// A refused connection sent nothing, and cleaning up would only be
		// refused too (MinIO expires stale parts on its own).
		s.cleanup(ctx, key, token)
	}
	if cr.err != nil {
		// The upload failed because the caller's stream did (or ctx ended):
		// not the store's fault.
		return fmt.Errorf("s3: reading the upload: %w", cr.err)
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		err = fmt.Errorf("%w: %w", cerr, err)
	}
	return s.translate(err, key)
}

// cleanup aborts leftover parts of key's uploads and removes the object if
// the failed Put tagged with token stored it after all (the server completed
// the upload but the answer was lost).
func (s *Store) cleanup(ctx context.Context, key, token string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	s.client.RemoveIncompleteUpload(ctx, s.bucket, key)
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err == nil && info.UserMetadata[uploadMeta] == token {
		s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	}
}

// Get opens key. A missing key is ENotFound.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	if err := s.ensureBucket(ctx); err != nil {
		return nil, 0, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, 0, s.translate(err, key)
	}
	info, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, 0, s.translate(err, key)
	}
	return obj, info.Size, nil
}

// Delete removes key; a missing key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.ensureBucket(ctx); err != nil {
		return err
	}
	err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	if err != nil && minio.ToErrorResponse(err).Code != "NoSuchKey" {
		return s.translate(err, key)
	}
	return nil
}

// List calls fn for each object under prefix, in key order.
func (s *Store) List(ctx context.Context, prefix string, fn func(attachments.BlobInfo) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.ensureBucket(ctx); err != nil {
		return err
	}
	// Cancelling stops minio-go's listing goroutine when fn fails.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return s.translate(obj.Err, "")
		}
		if err := fn(attachments.BlobInfo{Key: obj.Key, Size: obj.Size, Modified: obj.LastModified}); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// Ping tells whether the server answers and the bucket exists (creating it
// if needed), within a few seconds.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return s.translate(err, "")
	}
	if !exists {
		s.bucketReady.Store(false)
		return s.ensureBucket(ctx)
	}
	return nil
}

func newToken() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ctxReader stops consuming the caller's stream once ctx is done and
// remembers why the stream failed, if it did.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
	err error
}

func (r *ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		r.err = err
		return 0, err
	}
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}
